#!/usr/bin/env bash
# npm test: the unit suite, the contract suite (the product's admin client and providers against a
# real LiteLLM) and the end-to-end suite (real Pulumi CLI, Docker, Postgres and LiteLLM). On a
# fresh clone it first does every set-up step it needs (npm dependencies, toolchain, Docker
# engine, local images), each announced; warm, those checks take about a second.
# End-to-end tests skip themselves, with the reason, when a prerequisite is still missing;
# LITELLM_STACK_E2E=1 turns that into a failure (CI sets it). Extra arguments go to vitest
# (e.g. `npm test -- --project unit`).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
if [[ "${LITELLM_STACK_SKIP_SETUP:-}" != "1" ]]; then
  ensure_setup images >&2
  ensure_chromium >&2
  ensure_docker_registry >&2
fi
# The Pulumi CLI and plugins only: every end-to-end suite brings its own temporary backend and
# passphrase, so nothing here touches the user's stacks (.pulumi-state, Pulumi.<stack>.yaml).
pulumi_toolchain_env
vitest run "$@"
