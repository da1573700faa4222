#!/usr/bin/env bash
# The script a docker-compose user runs after `docker-compose up -d` (the baseline of
# docs/benchmarks.md): waits until the gateway is ready (database connected), then registers the
# credentials, model aliases and virtual keys of OBJECTS (the JSON the benchmark writes: the same
# objects the stack config declares) with one curl call each, in the admin API's own shapes.
#   LITELLM_BASE_URL=http://127.0.0.1:4000 LITELLM_MASTER_KEY=sk-… register.sh OBJECTS.json
set -euo pipefail
base="${LITELLM_BASE_URL:?set LITELLM_BASE_URL}"
objects="${1:?usage: register.sh OBJECTS.json}"
[[ -n "${LITELLM_MASTER_KEY:-}" ]] || { echo "set LITELLM_MASTER_KEY" >&2; exit 2; }

deadline=$((SECONDS + ${READY_TIMEOUT:-600}))
until curl -sf "$base/health/readiness" 2>/dev/null | jq -e '.db == "connected"' >/dev/null 2>&1; do
  ((SECONDS < deadline)) || { echo "the gateway at $base was not ready in time" >&2; exit 1; }
  sleep 1
done

# post PATH: POSTs each JSON body read from stdin (one per line) to PATH.
post() {
  local body
  while IFS= read -r body; do
    curl -sf -o /dev/null -X POST "$base$1" -H "Authorization: Bearer $LITELLM_MASTER_KEY" \
      -H 'Content-Type: application/json' --data-binary @- <<<"$body" ||
      { echo "POST $1 failed" >&2; return 1; }
  done
}

jq -c '.credentials[] | {credential_name: .name,
  credential_info: {litellm_provider: .provider, custom_llm_provider: .provider},
  credential_values: .values}' "$objects" | post /credentials
jq -c '.models[] | {model_name: .name,
  litellm_params: ({model: .target} + (if .credential then {litellm_credential_name: .credential} else {} end) + .params)}' \
  "$objects" | post /model/new
jq -c '.keys[] | {key_alias: .alias, models: .models, max_budget: .maxBudget}' "$objects" | post /key/generate
