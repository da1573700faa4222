#!/usr/bin/env bash
# Benchmark of the admin resources (prints numbers; not a test): a `bench` stack with 50 admin
# objects (10 credentials, 20 model aliases, 20 virtual keys) on the local images, then
#   - admin-API calls made by a no-op `pulumi up`          (target 0)
#   - admin-API calls made by `pulumi preview --refresh`   (target <= 1 read per object)
#   - serialized dynamic-provider bytes per resource       (target <= 4096)
# Uses the emulator's request counter (/__emulator/requests). Cleans up after itself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
STACK=bench
PORT="${BENCH_PORT:-4200}"
URL="http://127.0.0.1:$PORT"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-litellm-stack-bench}"
export PULUMI_CONFIG_PASSPHRASE_FILE=""
p() { bash scripts/pulumi.sh "$@"; }
cleanup() {
  bash scripts/stack.sh down --stack "$STACK" >/dev/null 2>&1 || true
  p stack rm --yes --force "$STACK" >/dev/null 2>&1 || true
  ids="$(docker ps -aq --filter "label=litellm-stack.stack=$STACK")"
  [[ -z "$ids" ]] || docker rm -f $ids >/dev/null 2>&1 || true
  docker network rm "litellm-$STACK-net" >/dev/null 2>&1 || true
  docker volume rm -f "litellm_${STACK}_pgdata" >/dev/null 2>&1 || true
  rm -f "Pulumi.$STACK.yaml"
}
trap cleanup EXIT
cleanup

p stack init "$STACK" --secrets-provider passphrase >/dev/null
args=(--plaintext "hostPort=$PORT" --plaintext gatewayImage=litellm-stack/litellm-emulator:local
  --plaintext postgresImage=litellm-stack/postgres:15-local --plaintext gatewayWaitTimeout=120)
for i in $(seq 0 9); do
  args+=(--path --plaintext "credentials[$i].name=cred-$i" --path --plaintext "credentials[$i].provider=openai"
    --path --secret "credentials[$i].values.api_key=sk-bench-credential-$i-0123456789")
done
for i in $(seq 0 19); do
  args+=(--path --plaintext "models[$i].name=model-$i" --path --plaintext "models[$i].target=openai/gpt-4o-mini"
    --path --plaintext "models[$i].credential=cred-$((i % 10))")
done
for i in $(seq 0 19); do
  args+=(--path --plaintext "keys[$i].alias=bench-key-$i" --path --plaintext "keys[$i].models[0]=model-$i")
done
p config set-all --stack "$STACK" "${args[@]}"

t0=$(date +%s)
p up --yes --skip-preview --stack "$STACK" >/tmp/litellm-stack-bench-up.log 2>&1 || { cat /tmp/litellm-stack-bench-up.log; die "up failed"; }
t1=$(date +%s)
master="$(p stack output LITELLM_MASTER_KEY --show-secrets --stack "$STACK")"
# The container's own healthcheck polls /health/liveliness every few seconds: not a Pulumi call.
count() {
  curl -s -H "Authorization: Bearer $master" "$URL/__emulator/requests" |
    jq '.counts |= with_entries(select(.key != "GET /health/liveliness")) | .total = ([.counts[]] | add // 0)'
}
reset() { curl -s -X DELETE -H "Authorization: Bearer $master" "$URL/__emulator/requests" >/dev/null; }

reset
t2=$(date +%s)
p up --yes --skip-preview --stack "$STACK" >/dev/null 2>&1
t3=$(date +%s)
noop="$(count)"
reset
p preview --refresh --stack "$STACK" >/dev/null 2>&1
refresh="$(count)"

state="$(p stack export --stack "$STACK")"
echo "== admin resources benchmark (50 objects: 10 credentials, 20 models, 20 keys)"
echo "first up (containers + 50 objects): $((t1 - t0)) s"
echo "(admin-API calls below exclude the container healthcheck's GET /health/liveliness)"
echo "no-op up: $((t3 - t2)) s, admin-API calls: $(jq .total <<<"$noop") $(jq -c .counts <<<"$noop")"
echo "preview --refresh admin-API calls: $(jq .total <<<"$refresh") for 50 objects ($(jq -c .counts <<<"$refresh"))"
echo "serialized provider bytes per resource (__provider):"
jq -r '.deployment.resources[] | select(.type|startswith("pulumi-nodejs:dynamic/")) | "\(.type) \(.inputs.__provider|tostring|length)"' <<<"$state" | sort | uniq -c | sed 's/^/  /'
