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

# ensure_setup [images]: npm dependencies, toolchain and Docker engine; with `images`, the local
# images too.
ensure_setup() {
  if [[ ! -x "$ROOT/node_modules/.bin/node" || ! -d "$ROOT/node_modules/@pulumi/pulumi" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js >= 20 with npm, then rerun"
    setup_step "npm dependencies (npm ci)" bash -c "cd '$ROOT' && npm ci --no-audit --no-fund"
  fi
  if ! toolchain_ready || ! docker info >/dev/null 2>&1; then
    setup_step "Pulumi toolchain and Docker engine (npm run toolchain)" bash "$ROOT/scripts/toolchain.sh"
  fi
  if [[ "${1:-}" == "images" ]]; then
    setup_step "local images (npm run images)" bash "$ROOT/scripts/images.sh"
    # Every other LiteLLM version with pins (images/litellm/versions/): the upgrade test starts from one.
    local dir
    for dir in "$ROOT"/images/litellm/versions/*/; do
      setup_step "local LiteLLM $(basename "$dir") (npm run images litellm@$(basename "$dir"))" bash "$ROOT/scripts/images.sh" "litellm@$(basename "$dir")"
    done
  fi
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
