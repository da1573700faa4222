#!/usr/bin/env bash
# Removes what the end-to-end tests created: the `ci` and `ci-offline` stacks (unprotected, destroyed, removed) and
# any Docker object labelled litellm-stack.test or litellm-stack.stack=ci, data volume included.
# Caches (toolchain builds, image tarballs, local images) are kept.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-litellm-stack-e2e}"
for stack in ci ci-offline; do
  if [[ -d .pulumi-state ]] && bash scripts/pulumi.sh stack ls --json 2>/dev/null | grep -q "\"name\": \"$stack\""; then
    log "cleanup: removing the $stack stack"
    bash scripts/pulumi.sh state unprotect --all --yes --stack "$stack" >/dev/null 2>&1
    bash scripts/pulumi.sh destroy --yes --stack "$stack" >/dev/null 2>&1
    bash scripts/pulumi.sh stack rm --yes --force "$stack" >/dev/null 2>&1
  fi
done
git checkout -- Pulumi.ci.yaml 2>/dev/null
rm -f Pulumi.ci-offline.yaml
for filter in "label=litellm-stack.test" "label=litellm-stack.stack=ci" "label=litellm-stack.stack=ci-offline"; do
  ids="$(docker ps -aq --filter "$filter")"
  [[ -n "$ids" ]] && docker rm -fv $ids >/dev/null
  ids="$(docker network ls -q --filter "$filter")"
  [[ -n "$ids" ]] && docker network rm $ids >/dev/null
  ids="$(docker volume ls -q --filter "$filter")"
  [[ -n "$ids" ]] && docker volume rm -f $ids >/dev/null
done
log "cleanup: done"
exit 0
