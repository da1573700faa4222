#!/usr/bin/env bash
# npm run images [NAME[@VERSION]...]: builds the local images (images/<name>/) without any
# registry; `litellm@1.109.3` builds another version of an image that has several (its image.conf
# reads IMAGE_VERSION). Each image is rebuilt only when its inputs change: the hash of its INPUTS
# (default: images/<name>/) is stored as the label litellm-stack.inputs; the root filesystem
# tarball is cached in the cache directory so a wiped Docker engine re-imports in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

START=$(date +%s)
command -v docker >/dev/null 2>&1 || die "the docker client is missing: run 'npm run toolchain' first"
docker info >/dev/null 2>&1 || bash "$ROOT/scripts/docker-engine.sh"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for d in "$ROOT"/images/*/; do names+=("$(basename "$d")"); done
fi

for spec in "${names[@]}"; do
  name="${spec%%@*}"
  version=""
  [[ "$spec" == *@* ]] && version="${spec#*@}"
  dir="$ROOT/images/$name"
  [[ -f "$dir/image.conf" ]] || die "no image named '$name' (expected $dir/image.conf)"
  IMAGE="" CHANGES=() INPUTS=("images/$name")
  # shellcheck disable=SC1091
  IMAGE_VERSION="$version" . "$dir/image.conf"
  for input in "${INPUTS[@]}"; do
    [[ -e "$ROOT/$input" ]] || die "image $IMAGE: input $input is missing${version:+ (no pins for version $version: see images/$name/image.conf)}"
  done
  inputs="$(cd "$ROOT" && find "${INPUTS[@]}" -type f ! -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  have="$(docker image inspect --format '{{index .Config.Labels "litellm-stack.inputs"}}' "$IMAGE" 2>/dev/null || true)"
  if [[ "$have" == "$inputs" ]]; then
    log "image $IMAGE: up to date (inputs $inputs)"
    continue
  fi
  t0=$(date +%s)
  slug="$(tr '/:' '__' <<<"$IMAGE")"
  tarball="$CACHE_ROOT/images/$slug-$inputs.tar"
  if [[ ! -s "$tarball" ]]; then
    command -v debootstrap >/dev/null 2>&1 || {
      command -v apt-get >/dev/null 2>&1 && apt_install debootstrap
    } || true
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: 'apt-get install debootstrap', then rerun"
    log "image $IMAGE: building the root filesystem (images/$name/build.sh)"
    work="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-image-$name.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    IMAGE_VERSION="$version" bash "$dir/build.sh" "$work/rootfs" || die "images/$name/build.sh failed"
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/usr/share/doc" "$work/rootfs/usr/share/man"
    mkdir -p "$CACHE_ROOT/images"
    tar -C "$work/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$work"
    trap - EXIT
    # keep only the newest tarball per image and tag
    find "$CACHE_ROOT/images" -name "$slug-*.tar" ! -name "$(basename "$tarball")" -delete
  fi
  args=()
  for c in "${CHANGES[@]}"; do args+=(--change "$c"); done
  args+=(--change "LABEL litellm-stack.inputs=$inputs" --change "LABEL litellm-stack.image=$name")
  docker import "${args[@]}" "$tarball" "$IMAGE" >/dev/null
  log "image $IMAGE: built in $(($(date +%s) - t0)) s ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
done
log "images ready in $(($(date +%s) - START)) s"
