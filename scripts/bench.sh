#!/usr/bin/env bash
# npm run bench [-- flags] (bench/gateway.ts, writes docs/benchmarks.md) and npm run bench:<name>
# [-- flags]: run bench/<name>.ts on the real gateway after the set-up the end-to-end suite needs
# (npm dependencies, toolchain, Docker engine, local images; each a cache check when warm) and the
# benchmark tools. Benchmarks print their numbers; they are not part of npm test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
. "$ROOT/scripts/setup.sh"
name="${1:?usage: scripts/bench.sh NAME [flags]}"
shift
[[ -f "$ROOT/bench/$name.ts" ]] || die "no benchmark bench/$name.ts"
if [[ "${LITELLM_STACK_SKIP_SETUP:-}" != "1" ]]; then
  ensure_setup images >&2
  ensure_bench_tools >&2
fi
pulumi_toolchain_env
export PATH="$ROOT/node_modules/.bin:$PATH"
export TS_NODE_PROJECT="$ROOT/tsconfig.json"
exec node --require ts-node/register/transpile-only "$ROOT/bench/$name.ts" "$@"
