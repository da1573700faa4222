#!/usr/bin/env bash
# Sourced by the scripts behind `npm run up` and `npm test` so that, on a fresh clone, those two
# commands do every set-up step they need by themselves, each announced: npm dependencies, the
# Pulumi toolchain, the Docker engine and (for the tests) the local images. Every step is a cache
# check first, so a warm run adds about a second.
# shellcheck shell=bash

# setup_step LABEL CMD...: runs CMD announcing it, with its duration; dies naming LABEL on failure.
setup_step() {
  local label="$1" t0
  shift
  t0=$(date +%s)
  log "setup: $label"
  "$@" || die "setup step failed: $label (command: $*)"
  log "setup: $label done in $(($(date +%s) - t0)) s"
}

# bg_step TAG LABEL CMD...: setup_step in the background, each of its lines prefixed with [TAG];
# wait_steps waits for every background step and dies naming each one that failed.
BG_PIDS=()
BG_TAGS=()
bg_step() {
  local tag="$1"
  shift
  (
    set -o pipefail
    setup_step "$@" 2>&1 | sed -u "s/^/[$tag] /" >&2
  ) &
  BG_PIDS+=("$!")
  BG_TAGS+=("$tag")
}
wait_steps() {
  local i failed=()
  for i in "${!BG_PIDS[@]}"; do
    wait "${BG_PIDS[$i]}" || failed+=("${BG_TAGS[$i]}")
  done
  BG_PIDS=()
  BG_TAGS=()
  ((${#failed[@]} == 0)) || die "setup failed: ${failed[*]} (see the lines tagged so above)"
}

# all_images: every image (the ones that mostly download first, so that they overlap the
# toolchain's compiling), then every other LiteLLM version with pins (images/litellm/versions/:
# the upgrade and migration tests start from one).
all_images() {
  local names=() d
  for d in "$ROOT"/images/*/; do
    [[ "$(basename "$d")" == litellm ]] || names+=("$(basename "$d")")
  done
  bash "$ROOT/scripts/images.sh" "${names[@]}" litellm || return 1
  local dir
  for dir in "$ROOT"/images/litellm/versions/*/; do
    log "local LiteLLM $(basename "$dir") (npm run images litellm@$(basename "$dir"))"
    bash "$ROOT/scripts/images.sh" "litellm@$(basename "$dir")" || return 1
  done
}

# ensure_setup [images]: npm dependencies, Docker engine and toolchain; with `images`, the local
# images too. The toolchain (Go) and the images (debootstrap, pip, cargo) build at the same time:
# both compiles share the cores, so what this wins on a cold machine is the downloads and unpacking
# overlapping the compiling (docs/toolchain.md).
ensure_setup() {
  if [[ ! -x "$ROOT/node_modules/.bin/node" || ! -d "$ROOT/node_modules/@pulumi/pulumi" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js >= 20 with npm, then rerun"
    setup_step "npm dependencies (npm ci)" bash -c "cd '$ROOT' && npm ci --no-audit --no-fund"
  fi
  docker info >/dev/null 2>&1 || setup_step "Docker engine" bash "$ROOT/scripts/docker-engine.sh"
  if ! toolchain_ready; then
    # With the images, the toolchain compiles at a lower priority: the image build waits on its
    # own compile (the Prisma engines) and then has a long serial tail (pip, layers, the other
    # LiteLLM versions) that the toolchain's compiling can fill, while a toolchain done first
    # would leave that tail running alone.
    local nice=()
    [[ "${1:-}" == "images" ]] && nice=(nice -n 10)
    bg_step toolchain "Pulumi toolchain (npm run toolchain)" "${nice[@]}" bash "$ROOT/scripts/toolchain.sh"
  fi
  if [[ "${1:-}" == "images" ]]; then
    bg_step images "local images (npm run images)" all_images
  fi
  wait_steps
}

# ensure_chromium: Debian's chromium for the browser test of the admin UI (no browser download).
ensure_chromium() {
  [[ -x "${LITELLM_STACK_CHROMIUM:-/usr/bin/chromium}" ]] && return 0
  command -v apt-get >/dev/null 2>&1 || die "chromium is missing: install Chromium and set LITELLM_STACK_CHROMIUM to its path"
  setup_step "Debian's chromium for the UI test (apt-get install chromium)" apt_install chromium
}

# ensure_docker_registry: Debian's docker-registry for the pin-images test (a throwaway registry).
ensure_docker_registry() {
  command -v "${LITELLM_STACK_DOCKER_REGISTRY:-docker-registry}" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "docker-registry is missing: install Docker's registry (distribution) and set LITELLM_STACK_DOCKER_REGISTRY to its path"
  setup_step "Debian's docker-registry for the pin-images test (apt-get install docker-registry)" apt_install docker-registry
}

# ensure_bench_tools: Debian's docker-compose (the baseline of npm run bench) and python3-matplotlib
# (its plot), for /usr/bin/python3.
ensure_bench_tools() {
  local pkg
  for pkg in docker-compose python3-matplotlib; do
    dpkg -s "$pkg" >/dev/null 2>&1 && continue
    command -v apt-get >/dev/null 2>&1 || die "$pkg is missing: install it (Debian: apt-get install $pkg), then rerun npm run bench"
    setup_step "Debian's $pkg for npm run bench (apt-get install $pkg)" apt_install "$pkg"
  done
}

# Run as a script (npm run setup): everything `npm test` sets up, toolchain and images in parallel.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  . "$(dirname "$0")/lib.sh"
  . "$ROOT/scripts/toolchain-env.sh"
  ensure_setup images
  ensure_chromium
  ensure_docker_registry
fi
