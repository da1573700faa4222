#!/usr/bin/env bash
# Builds the root filesystem of the LiteLLM admin-API emulator image into $1: Debian minbase with
# python3 (the gateway healthcheck runs `python3 -c …urllib…`, as in LiteLLM's image), the project's
# Node 24 binary, the compiled emulator (test/emulator) and its runtime dependencies (pg, zod).
# Test equipment only: never a product default.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rootfs="$1"
debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
install -m 0755 "$(readlink -f "$root/node_modules/.bin/node")" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/app"
"$root/node_modules/.bin/tsc" -p "$here/tsconfig.json" --outDir "$rootfs/app"
pg="$(node -p "require('$root/node_modules/pg/package.json').version")"
zod="$(node -p "require('$root/node_modules/zod/package.json').version")"
printf '{"name":"litellm-emulator","private":true,"dependencies":{"pg":"%s","zod":"%s"}}\n' "$pg" "$zod" >"$rootfs/app/package.json"
(cd "$rootfs/app" && npm install --omit=dev --no-audit --no-fund --no-package-lock --ignore-scripts >/dev/null)
