#!/usr/bin/env bash
# Makes sure a Docker engine answers: uses a running one, else installs Debian's docker.io and
# starts dockerd in the background, then waits until `docker info` answers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if docker info >/dev/null 2>&1; then
  log "docker engine: already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    die "no Docker engine answers and dockerd is missing: install Docker (e.g. 'apt-get install docker.io') and start it"
  fi
  log "docker engine: installing Debian's docker.io"
  apt_install docker.io ||
    die "apt-get install docker.io failed (see /tmp/litellm-stack-apt.log); install a Docker engine by hand"
fi
log "docker engine: starting dockerd in the background (log: /var/log/litellm-stack-dockerd.log)"
nohup dockerd >/var/log/litellm-stack-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "docker engine: answering ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
die "dockerd did not answer within 60 s; see /var/log/litellm-stack-dockerd.log"
