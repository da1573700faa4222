#!/usr/bin/env bash
# npm run pulumi -- <args>: the project's Pulumi CLI with its settings (local file backend in
# .pulumi-state/, passphrase from PULUMI_CONFIG_PASSPHRASE[_FILE] or a generated .passphrase,
# no update checks, no plugin downloads when the offline toolchain is used). The program and the
# components are compiled first, as the stack commands do (cli/build.ts `ensureBuilt`: nothing to
# do when dist/ is current): Pulumi runs the program from dist/ (Pulumi.yaml `main`), and the
# dynamic providers load their implementation from there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
pulumi_env
cd "$ROOT"
if [[ -f tsconfig.build.json && -d node_modules/ts-node ]]; then
  TS_NODE_PROJECT="$ROOT/tsconfig.json" node --require ts-node/register/transpile-only -e \
    'require("./cli/build").ensureBuilt().catch((e) => { console.error(e.message); process.exit(1); })' ||
    die "npm run build failed (see above)"
fi
exec "$PULUMI_CLI" "$@"
