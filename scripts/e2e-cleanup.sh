#!/usr/bin/env bash
# Removes what the end-to-end tests created: the `ci` stack's resources (pulumi destroy, data
# volume included) and any Docker object labelled litellm-stack.test or litellm-stack.stack=ci.
# Caches (toolchain builds, image tarballs, local images) are kept.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
if [[ -d .pulumi-state ]] && bash scripts/pulumi.sh stack ls --json 2>/dev/null | grep -q '"name": "ci"'; then
  log "cleanup: destroying the ci stack"
  LITELLM_STACK_DELETE_DATA=1 bash scripts/pulumi.sh destroy --yes --stack ci >/dev/null 2>&1 || true
fi
for filter in "label=litellm-stack.test" "label=litellm-stack.stack=ci"; do
  ids="$(docker ps -aq --filter "$filter")"
  [[ -n "$ids" ]] && docker rm -f $ids >/dev/null
  ids="$(docker volume ls -q --filter "$filter")"
  [[ -n "$ids" ]] && docker volume rm -f $ids >/dev/null
  ids="$(docker network ls -q --filter "$filter")"
  [[ -n "$ids" ]] && docker network rm $ids >/dev/null
done
log "cleanup: done"
exit 0
