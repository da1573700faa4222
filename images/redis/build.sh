#!/usr/bin/env bash
# Builds the root filesystem of the local Redis 7 image from Debian bookworm's redis-server into $1.
set -euo pipefail
rootfs="$1"
debootstrap --variant=minbase --include=redis-server bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
# The package's own config and service files are not used: the stack uploads its config.
rm -f "$rootfs/etc/redis/redis.conf"
mkdir -p "$rootfs/data"
chroot "$rootfs" chown redis:redis /data /etc/redis
