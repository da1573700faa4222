#!/usr/bin/env bash
# npm run images [NAME...]: builds the local test images (images/<name>/) without any registry.
# Each image is rebuilt only when its inputs change: the hash of images/<name>/ and its
# EXTRA_INPUTS is stored as the label litellm-stack.inputs; the root filesystem tarball is cached
# in the cache directory so a wiped Docker engine re-imports in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

START=$(date +%s)
command -v docker >/dev/null 2>&1 || die "the docker client is missing: run 'npm run toolchain' first"
docker info >/dev/null 2>&1 || bash "$ROOT/scripts/docker-engine.sh"

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for d in "$ROOT"/images/*/; do names+=("$(basename "$d")"); done
fi

for name in "${names[@]}"; do
  dir="$ROOT/images/$name"
  [[ -f "$dir/image.conf" ]] || die "no image named '$name' (expected $dir/image.conf)"
  IMAGE="" CHANGES=() EXTRA_INPUTS=()
  # shellcheck disable=SC1091
  . "$dir/image.conf"
  inputs="$(cd "$ROOT" && find "images/$name" "${EXTRA_INPUTS[@]}" -type f ! -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  have="$(docker image inspect --format '{{index .Config.Labels "litellm-stack.inputs"}}' "$IMAGE" 2>/dev/null || true)"
  if [[ "$have" == "$inputs" ]]; then
    log "image $IMAGE: up to date (inputs $inputs)"
    continue
  fi
  t0=$(date +%s)
  tarball="$CACHE_ROOT/images/$name-$inputs.tar"
  if [[ ! -s "$tarball" ]]; then
    command -v debootstrap >/dev/null 2>&1 || {
      command -v apt-get >/dev/null 2>&1 && apt_install debootstrap
    } || true
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: 'apt-get install debootstrap', then rerun"
    log "image $IMAGE: building the root filesystem (images/$name/build.sh)"
    work="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-image-$name.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    bash "$dir/build.sh" "$work/rootfs" || die "images/$name/build.sh failed"
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/usr/share/doc" "$work/rootfs/usr/share/man"
    mkdir -p "$CACHE_ROOT/images"
    tar -C "$work/rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$work"
    trap - EXIT
    # keep only the newest tarball per image
    find "$CACHE_ROOT/images" -name "$name-*.tar" ! -name "$(basename "$tarball")" -delete
  fi
  args=()
  for c in "${CHANGES[@]}"; do args+=(--change "$c"); done
  args+=(--change "LABEL litellm-stack.inputs=$inputs" --change "LABEL litellm-stack.image=$name")
  docker import "${args[@]}" "$tarball" "$IMAGE" >/dev/null
  log "image $IMAGE: built in $(($(date +%s) - t0)) s ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
done
log "images ready in $(($(date +%s) - START)) s"
