#!/usr/bin/env bash
# Removes what a crashed or interrupted test run left behind: Docker objects of the test stacks
# (label litellm-stack.stack=e2e-…, data volumes included) or labelled litellm-stack.test, and
# the tests' temporary directories (backends, configs, project copies), and the local Kubernetes
# cluster if it is still up. The tests never use the project's backend (.pulumi-state) or its
# stacks, so nothing of the user's is touched.
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
# The local Kubernetes cluster (test/e2e/cluster.test.ts starts and stops it): stopped if a run
# ended with it up.
if [[ -d "${LITELLM_STACK_CLUSTER_DIR:-$CACHE_ROOT/cluster}/run" ]]; then
  bash "$ROOT/scripts/cluster.sh" stop || log "cleanup: npm run cluster -- stop failed"
fi
sweep container
sweep network
sweep volume
rm -rf "${TMPDIR:-/tmp}"/litellm-stack-*-?????? 2>/dev/null
log "cleanup: done"
exit 0
