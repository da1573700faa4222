# Shared helpers for the project's shell scripts (sourced, not run).
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# Expensive builds live outside the repository, keyed by version, so clean clones reuse them.
CACHE_ROOT="${LITELLM_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/litellm-stack}"
export CACHE_ROOT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
