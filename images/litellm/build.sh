#!/usr/bin/env bash
# Builds the root filesystem of the local LiteLLM image into $1, with nothing from a container
# registry, GitHub or Prisma's binary server:
#   1. Prisma's query and schema engines from source with cargo (engines.sh, cached by version),
#      in the background while steps 2 and 3 run;
#   2. a Debian bookworm minbase rootfs with python3, nodejs and OpenSSL (debootstrap);
#   3. LiteLLM and its dependencies from PyPI into /opt/litellm/venv, every package pinned with
#      hashes (versions/<version>/requirements.lock, pip install --require-hashes --no-deps);
#   4. the Prisma CLI prisma-client-py drives, from npm with --ignore-scripts (prisma-cli/);
#   5. `prisma generate` against LiteLLM's schema, offline, with the self-built engines.
# Each step prints its progress and duration; a failure names the package or command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/lib.sh"
# shellcheck disable=SC1091
. "$here/versions.env"
# shellcheck disable=SC1091
. "$here/image.conf"
rootfs="$1"
venv=/opt/litellm/venv
site="$venv/lib/python3.11/site-packages"

step() { STEP_T0=$(date +%s); log "litellm image: $*"; }
step_done() { log "litellm image:   done in $(($(date +%s) - STEP_T0)) s"; }
in_root() { chroot "$rootfs" /usr/bin/env -i "${image_env[@]}" "$@"; }

# The image's ENV lines (image.conf) are also the build's env, so build and run time agree.
image_env=(HOME=/root)
for c in "${CHANGES[@]}"; do
  [[ "$c" == "ENV "* ]] && image_env+=("${c#ENV }")
done

lock="$ROOT/$VERSION_DIR/requirements.lock"
[[ -f "$lock" ]] || die "no pins for LiteLLM $LITELLM_VERSION: make them with 'bash images/litellm/lock.sh $LITELLM_VERSION'"
grep -qx "litellm==$LITELLM_VERSION \\\\" "$lock" ||
  die "$VERSION_DIR/requirements.lock does not pin litellm==$LITELLM_VERSION: regenerate it with 'bash images/litellm/lock.sh $LITELLM_VERSION'"

# The engines compile (CPU) in the background while debootstrap and pip download and unpack; the
# build waits for them before the Prisma CLI step, the first that needs them.
log "litellm image: Prisma engines (query-engine, schema-engine) from source, in the background"
engines_out="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-engines-out.XXXXXX")"
(
  rc=0
  bash "$here/engines.sh" >"$engines_out/dir" || rc=$?
  echo "$rc" >"$engines_out/rc"
) &
engines_pid=$!
trap 'kill "$engines_pid" 2>/dev/null; rm -rf "$engines_out"' EXIT
# engines_check: dies at once when the background build has already failed.
engines_check() {
  [[ ! -f "$engines_out/rc" || "$(cat "$engines_out/rc")" == 0 ]] ||
    die "the Prisma engines did not build (images/litellm/engines.sh; its lines are above)"
}

step "Debian bookworm rootfs (debootstrap minbase: python3, python3-venv, nodejs, libssl3)"
debootstrap --variant=minbase --include=python3,python3-venv,nodejs,libssl3,openssl,ca-certificates \
  bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$rootfs.debootstrap.log" 2>&1 || {
  tail -n 20 "$rootfs.debootstrap.log" >&2
  die "debootstrap --variant=minbase bookworm failed (packages python3 python3-venv nodejs libssl3 openssl ca-certificates)"
}
rm -f "$rootfs.debootstrap.log"
engines_check
step_done

step "LiteLLM $LITELLM_VERSION and $(grep -c '^[a-z]' "$lock") pinned packages into $venv (pip --require-hashes)"
# pip in the chroot reaches the package index with the host's resolver and CA bundle (removed below).
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
host_ca="${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}"
cp "$host_ca" "$rootfs/tmp/host-ca.crt"
cp "$lock" "$rootfs/tmp/requirements.lock"
in_root /usr/bin/python3 -m venv "$venv" || die "python3 -m venv $venv failed in the rootfs"
pip_env=(PIP_CERT=/tmp/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_DEFAULT_TIMEOUT=180)
[[ -n "${PIP_INDEX_URL:-}" ]] && pip_env+=("PIP_INDEX_URL=$PIP_INDEX_URL")
if ! chroot "$rootfs" /usr/bin/env -i "${image_env[@]}" "${pip_env[@]}" "$venv/bin/pip" install -q \
  --require-hashes --no-deps --only-binary=:all: -r /tmp/requirements.lock 2>"$rootfs/tmp/pip.log"; then
  tail -n 20 "$rootfs/tmp/pip.log" >&2
  die "pip install --require-hashes -r $VERSION_DIR/requirements.lock failed (the package is named above)"
fi
in_root "$venv/bin/pip" check >/dev/null 2>&1 || log "litellm image:   note: 'pip check' reports a dependency conflict (images/litellm/overrides.txt pins two packages LiteLLM names differently)"
# The 1.82.8 backdoor shipped a .pth file: the venv may hold only the usual ones.
bad_pth="$(find "$rootfs$site" -maxdepth 1 -name '*.pth' ! -name 'distutils-precedence.pth' ! -name '_virtualenv.pth' -printf '%f ')"
[[ -z "$bad_pth" ]] || die "unexpected .pth files in site-packages: $bad_pth (a compromised package?)"
cmp -s "$rootfs$site/litellm/proxy/schema.prisma" "$rootfs$site/litellm_proxy_extras/schema.prisma" ||
  die "litellm/proxy/schema.prisma differs from litellm_proxy_extras/schema.prisma: the migrations do not match LiteLLM $LITELLM_VERSION ($VERSION_DIR/overrides.txt)"
step_done

step "Prisma engines: waiting for the background build"
wait "$engines_pid"
engines_check
engines="$(cat "$engines_out/dir")"
trap - EXIT
rm -rf "$engines_out"
step_done

step "Prisma CLI $PRISMA_CLI_VERSION (npm ci --ignore-scripts) and the engines into /opt/prisma"
mkdir -p "$rootfs/opt/prisma/engines"
cp "$here/prisma-cli/package.json" "$here/prisma-cli/package-lock.json" "$rootfs/opt/prisma/"
(cd "$rootfs/opt/prisma" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) ||
  die "npm ci --ignore-scripts of prisma@$PRISMA_CLI_VERSION failed (images/litellm/prisma-cli)"
install -m 0755 "$engines/query-engine" "$engines/schema-engine" "$rootfs/opt/prisma/engines/"
step_done

step "prisma generate (prisma-client-py $PRISMA_CLIENT_PY_VERSION, offline)"
in_root /bin/sh -c "cd $site/litellm/proxy && $venv/bin/prisma generate --schema schema.prisma" >"$rootfs/tmp/generate.log" 2>&1 || {
  tail -n 20 "$rootfs/tmp/generate.log" >&2
  die "prisma generate --schema litellm/proxy/schema.prisma failed"
}
grep -q "Generated Prisma Client Python" "$rootfs/tmp/generate.log" || die "prisma generate did not generate the client: $(tail -n 3 "$rootfs/tmp/generate.log")"
in_root "$venv/bin/python" -c "import litellm.proxy.proxy_server" >/dev/null 2>"$rootfs/tmp/import.log" || {
  tail -n 10 "$rootfs/tmp/import.log" >&2
  die "LiteLLM's proxy server does not import in the built venv"
}
step_done

rm -rf "$rootfs/tmp/"* "$rootfs/etc/resolv.conf" "$rootfs/root/.cache" "$rootfs/root/.npm"
: >"$rootfs/etc/resolv.conf"
