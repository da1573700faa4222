# Shared helpers for the project's shell scripts (sourced, not run).
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# Expensive builds live outside the repository, keyed by version, so clean clones reuse them.
CACHE_ROOT="${LITELLM_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/litellm-stack}"
export CACHE_ROOT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# apt_install PKG: installs a Debian package quietly, refreshing the package lists once if the first
# try fails; the log goes to /tmp/litellm-stack-apt.log. Returns non-zero on failure.
apt_install() {
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1")
  "${install[@]}" >/tmp/litellm-stack-apt.log 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && "${install[@]}" >/tmp/litellm-stack-apt.log 2>&1; }
}
