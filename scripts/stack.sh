#!/usr/bin/env bash
# npm run up|preview|down|outputs [-- --stack NAME] [extra pulumi args]: the gateway stack's main
# commands on the project's local backend (default stack: dev; created on first use).
#   up       pulumi up --yes (preview, then apply)
#   preview  pulumi preview --refresh --diff (what `up` would change, including drift)
#   down     pulumi destroy --yes; the data volume survives unless deleteDataOnDestroy is set. The
#            generated master key, salt key and database password are first saved into the
#            stack's config as secrets, so a later `up` reuses them with the kept data.
#   outputs  pulumi stack output --json (add --show-secrets to see secret values)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"
. "$ROOT/scripts/setup.sh"

verb="${1:?usage: stack.sh up|preview|down|outputs [--stack NAME] [pulumi args]}"
shift
stack="dev"
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack | -s) stack="${2:?--stack needs a name}"; shift 2 ;;
    --stack=*) stack="${1#--stack=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

ensure_setup >&2
pulumi_env
cd "$ROOT"
p() { "$PULUMI_CLI" "$@"; }

# ensure_images: makes sure the images the stack runs are on the Docker engine before `up`. The
# default upstream images are pulled; when one cannot be pulled (no registry), the stack switches
# to their local builds (imageSource=local, saved in its config) and builds them. A configured
# image that is absent and cannot be pulled is an error naming its key.
build_local_images() {
  bash "$ROOT/scripts/images.sh" litellm postgres >&2 || die "building the local images failed (npm run images); see the output above"
}
ensure_images() {
  local source key image want=()
  local -A configured=() effective=()
  source="$(p config get imageSource --stack "$stack" 2>/dev/null || echo upstream)"
  for key in gatewayImage postgresImage; do
    configured[$key]="$(p config get "$key" --stack "$stack" 2>/dev/null || true)"
  done
  if [[ "$source" == "local" ]]; then
    # The local builds are made (or found up to date) by images.sh; only configured images remain.
    [[ -n "${configured[gatewayImage]}" && -n "${configured[postgresImage]}" ]] || build_local_images
    effective=([gatewayImage]="${configured[gatewayImage]}" [postgresImage]="${configured[postgresImage]}")
  else
    local pins="$ROOT/components/images.json"
    effective=(
      [gatewayImage]="${configured[gatewayImage]:-$(jq -r '.litellm.upstream + ":v" + .litellm.version' "$pins")}"
      [postgresImage]="${configured[postgresImage]:-$(jq -r '.postgres.upstream + ":" + .postgres.major' "$pins")}"
    )
  fi
  for key in gatewayImage postgresImage; do
    image="${effective[$key]}"
    [[ -z "$image" ]] && continue
    docker image inspect "$image" >/dev/null 2>&1 && continue
    if timeout 600 docker pull -q "$image" >/dev/null 2>&1; then
      log "pulled $image"
      continue
    fi
    [[ -z "${configured[$key]}" ]] ||
      die "litellm-stack:$key: the image $image is not on this Docker engine and cannot be pulled. Fix: pull or load it ('docker load'), or remove the key to use the defaults: pulumi config rm --stack $stack litellm-stack:$key"
    want+=("$image")
  done
  if [[ ${#want[@]} -gt 0 ]]; then
    log "the default images (${want[*]}) cannot be pulled here: using their local builds of the same versions, built if missing (recorded as litellm-stack:imageSource=local in Pulumi.$stack.yaml)"
    build_local_images
    p config set --stack "$stack" imageSource local >/dev/null
  fi
}
if ! p stack select "$stack" >/dev/null 2>&1; then
  if [[ "$verb" == "up" || "$verb" == "preview" ]]; then
    log "creating stack '$stack' (passphrase secrets, local backend)"
    p stack init "$stack" --secrets-provider passphrase >/dev/null
  else
    die "stack '$stack' does not exist (run 'npm run up -- --stack $stack' first)"
  fi
fi

case "$verb" in
  up)
    ensure_images
    status=0
    "$PULUMI_CLI" up --yes --stack "$stack" "${args[@]}" || status=$?
    if [[ $status -ne 0 ]]; then
      # A gateway that did not become ready: show why, from its own log.
      gw="$(docker ps -aq --filter "label=litellm-stack.stack=$stack" --filter "label=litellm-stack.role=gateway" | head -1)"
      if [[ -n "$gw" && "$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$gw" 2>/dev/null)" != "healthy" ]]; then
        log "the gateway container is not healthy; the last lines of its log:"
        docker logs --tail 30 "$gw" 2>&1 | sed 's/^/    /' >&2
      fi
    fi
    exit "$status"
    ;;
  preview) exec "$PULUMI_CLI" preview --refresh --diff --stack "$stack" "${args[@]}" ;;
  outputs) exec "$PULUMI_CLI" stack output --json --stack "$stack" "${args[@]}" ;;
  down)
    state="$(p stack export --show-secrets --stack "$stack")"
    urn_of() { jq -r --arg t "$1" --arg n "$2" '.deployment.resources[]? | select(.type == $t and (.urn | endswith("::" + $n))) | .urn' <<<"$state"; }
    result_of() { jq -r --arg t "$1" --arg n "$2" '.deployment.resources[]? | select(.type == $t and (.urn | endswith("::" + $n))) | .outputs.result | if type == "object" then .plaintext | fromjson else . end' <<<"$state"; }
    delete_data="$(p config get deleteDataOnDestroy --stack "$stack" 2>/dev/null || echo false)"
    salt_urn="$(urn_of random:index/randomPassword:RandomPassword litellm-gateway-salt-key)"
    if [[ -n "$salt_urn" && "$delete_data" != "true" ]]; then
      log "keeping the data volume: saving the generated master key, salt key and database password into the stack's config (secrets)"
      result_of random:index/randomPassword:RandomPassword litellm-gateway-salt-key | p config set --secret saltKey --stack "$stack" >/dev/null
      dbpass="$(result_of random:index/randomPassword:RandomPassword litellm-db-password)"
      if [[ -n "$dbpass" && "$dbpass" != "null" ]]; then
        printf '%s' "$dbpass" | p config set --secret databasePassword --stack "$stack" >/dev/null
      fi
      master="$(result_of random:index/randomPassword:RandomPassword litellm-gateway-master-key)"
      if [[ -n "$master" && "$master" != "null" ]]; then
        printf 'sk-%s' "$master" | p config set --secret masterKey --stack "$stack" >/dev/null
      fi
    fi
    if [[ -n "$salt_urn" ]]; then
      p state unprotect "$salt_urn" --yes --stack "$stack" >/dev/null
    fi
    exec "$PULUMI_CLI" destroy --yes --stack "$stack" "${args[@]}"
    ;;
  *) die "unknown verb '$verb' (up, preview, down, outputs)" ;;
esac
