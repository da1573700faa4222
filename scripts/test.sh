#!/usr/bin/env bash
# npm test: the unit suite and the end-to-end suite. End-to-end tests skip themselves, with the
# reason, when the toolchain, Docker or a local image is missing; LITELLM_STACK_E2E=1 turns that
# into a failure (CI sets it). Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
exec vitest run "$@"
