#!/usr/bin/env bash
# Builds the root filesystem of the local Postgres 15 image from Debian's packages into $1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rootfs="$1"
debootstrap --variant=minbase --include=postgresql-15 bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
# The package's own cluster is not used: the entrypoint initialises $PGDATA.
rm -rf "$rootfs/var/lib/postgresql/15" "$rootfs/etc/postgresql/15"
install -m 0755 "$here/entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
