#!/usr/bin/env bash
# Removes what a crashed or interrupted test run left behind: Docker objects of the test stacks
# (label litellm-stack.stack=e2e-…, data volumes included) or labelled litellm-stack.test, and
# the tests' temporary directories (backends, configs, project copies). The tests never use the
# project's backend (.pulumi-state) or its stacks, so nothing of the user's is touched.
# Caches (toolchain builds, image tarballs, local images) are kept.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
sweep() { # sweep KIND: every object of KIND (container, network, volume) of a test stack or test
  local kind="$1" ids all=() id='{{.ID}}'
  [[ "$kind" == container ]] && all=(-a)
  [[ "$kind" == volume ]] && id='{{.Name}}'
  ids="$(docker "$kind" ls "${all[@]}" --format "$id"'|{{.Label "litellm-stack.stack"}}|{{.Label "litellm-stack.test"}}' 2>/dev/null |
    awk -F'|' '$2 ~ /^e2e-/ || $3 != "" { print $1 }')"
  [[ -n "$ids" ]] || return 0
  case "$kind" in
    container) docker rm -fv $ids >/dev/null ;;
    network) docker network rm $ids >/dev/null ;;
    volume) docker volume rm -f $ids >/dev/null ;;
  esac
}
sweep container
sweep network
sweep volume
rm -rf "${TMPDIR:-/tmp}"/litellm-stack-*-?????? 2>/dev/null
log "cleanup: done"
exit 0
