#!/usr/bin/env bash
# npm run pulumi -- <args>: the project's Pulumi CLI with its settings (local file backend in
# .pulumi-state/, passphrase from PULUMI_CONFIG_PASSPHRASE[_FILE] or a generated .passphrase,
# no update checks, no plugin downloads when the offline toolchain is used).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
pulumi_env
cd "$ROOT"
exec "$PULUMI_CLI" "$@"
