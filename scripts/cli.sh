#!/usr/bin/env bash
# npm run up|preview|down|outputs|env|drift|doctor|stop|start|pin-images [-- --stack NAME] [flags]: the set-up a
# fresh clone needs (npm dependencies, Pulumi toolchain, Docker engine; each a cache check when
# warm), the project's Pulumi settings (scripts/toolchain-env.sh), then the stack commands'
# TypeScript program, cli/main.ts, on Pulumi's Automation API. `--help` on each command.
# The program runs compiled (dist/cli/main.js) when the build is current (cli/build.ts
# `buildIsCurrent`: no input newer than tsc's last build), which starts about a second sooner than
# transpiling every module with ts-node; otherwise from its sources with ts-node, and its first
# step (ensureBuilt) compiles dist/ for the next command.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
. "$ROOT/scripts/setup.sh"
help=0
for arg in "$@"; do [[ "$arg" == "--help" || "$arg" == "-h" ]] && help=1; done
if [[ "${LITELLM_STACK_SKIP_SETUP:-}" != "1" && ! ( $help == 1 && -d "$ROOT/node_modules/ts-node" ) ]]; then
  ensure_setup >&2
fi
if [[ $help == 0 ]] || toolchain_ready; then pulumi_env; fi
export PATH="$ROOT/node_modules/.bin:$PATH"
if [[ -f "$ROOT/dist/cli/main.js" ]] &&
  node -e 'process.exitCode = require(process.argv[1]).buildIsCurrent(process.argv[2]) ? 0 : 1' \
    "$ROOT/dist/cli/build.js" "$ROOT" 2>/dev/null; then
  exec node "$ROOT/dist/cli/main.js" "$@"
fi
export TS_NODE_PROJECT="$ROOT/tsconfig.json"
exec node --require ts-node/register/transpile-only "$ROOT/cli/main.ts" "$@"
