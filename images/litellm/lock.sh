#!/usr/bin/env bash
# bash images/litellm/lock.sh [VERSION]: regenerates images/litellm/versions/VERSION/requirements.lock
# (default: the policy's default version, version-policy/litellm.json) from requirements.in and
# overrides.txt in the same folder: every package pinned with its sha256, resolved for the image's
# interpreter (CPython 3.11 on manylinux_2_28 x86_64). Uses uv (from PyPI, pinned) in a throwaway
# virtualenv. A new version starts as a copy of another version's folder with the pins edited.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/lib.sh"
version="${1:-$(jq -r .default "$ROOT/version-policy/litellm.json")}"
dir="$here/versions/$version"
[[ -f "$dir/requirements.in" ]] || die "no $dir/requirements.in: copy another version's folder (images/litellm/versions/) and set litellm[proxy]==$version in it"
grep -q "^litellm\[proxy\]==$version\$" "$dir/requirements.in" || die "$dir/requirements.in does not pin litellm[proxy]==$version"
UV_VERSION=0.13.9
venv="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-uv.XXXXXX")"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv" && "$venv/bin/pip" install -q "uv==$UV_VERSION" || die "pip install uv==$UV_VERSION failed"
cd "$dir"
"$venv/bin/uv" pip compile requirements.in --override overrides.txt \
  --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header \
  -o requirements.lock >/dev/null || die "uv pip compile failed (see above)"
log "wrote $dir/requirements.lock ($(grep -c '^[a-z]' "$dir/requirements.lock") packages)"
