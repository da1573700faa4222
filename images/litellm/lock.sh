#!/usr/bin/env bash
# Regenerates images/litellm/requirements.lock from requirements.in and overrides.txt: every
# package pinned with its sha256, resolved for the image's interpreter (CPython 3.11 on
# manylinux_2_28 x86_64). Uses uv (from PyPI, pinned) in a throwaway virtualenv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/lib.sh"
UV_VERSION=0.13.9
venv="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-uv.XXXXXX")"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv" && "$venv/bin/pip" install -q "uv==$UV_VERSION" || die "pip install uv==$UV_VERSION failed"
cd "$here"
"$venv/bin/uv" pip compile requirements.in --override overrides.txt \
  --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header \
  -o requirements.lock >/dev/null || die "uv pip compile failed (see above)"
log "wrote $here/requirements.lock ($(grep -c '^[a-z]' "$here/requirements.lock") packages)"
