#!/usr/bin/env bash
# npm run pulumi -- <args>: the project's Pulumi CLI with its settings (local file backend in
# .pulumi-state/, passphrase from PULUMI_CONFIG_PASSPHRASE[_FILE] or a generated .passphrase,
# no update checks, no plugin downloads when the offline toolchain is used). The components are
# compiled first (`npm run build`, incremental): the dynamic providers run from dist/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
pulumi_env
cd "$ROOT"
if [[ -f tsconfig.build.json && -f node_modules/typescript/bin/tsc ]]; then
  node node_modules/typescript/bin/tsc -p tsconfig.build.json || die "npm run build failed (see above)"
fi
exec "$PULUMI_CLI" "$@"
