#!/usr/bin/env bash
# npm test: the unit suite and the end-to-end suite. End-to-end tests skip themselves, with the
# reason, when the toolchain, Docker or a local image is missing; LITELLM_STACK_E2E=1 turns that
# into a failure (CI sets it). Extra arguments go to vitest (e.g. `npm test -- --project unit`).
# When Docker and the local Postgres image are there, a throwaway Postgres is started for the
# emulator's persistence tests (EMULATOR_TEST_DATABASE_URL), and removed afterwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

PG_IMAGE=litellm-stack/postgres:15-local
pg_name="litellm-stack-test-pg-$$"
if [[ -z "${EMULATOR_TEST_DATABASE_URL:-}" ]] && docker image inspect "$PG_IMAGE" >/dev/null 2>&1; then
  trap 'docker rm -fv "$pg_name" >/dev/null 2>&1 || true' EXIT
  docker run -d --name "$pg_name" --label litellm-stack.test=emulator-pg \
    -e POSTGRES_USER=emu -e POSTGRES_PASSWORD=emu-test-pw -e POSTGRES_DB=emulator \
    -p 127.0.0.1::5432 "$PG_IMAGE" >/dev/null
  for _ in $(seq 1 60); do
    docker exec "$pg_name" pg_isready -h 127.0.0.1 -U emu -d emulator >/dev/null 2>&1 && break
    sleep 1
  done
  port="$(docker port "$pg_name" 5432/tcp | head -1 | sed 's/.*://')"
  export EMULATOR_TEST_DATABASE_URL="postgres://emu:emu-test-pw@127.0.0.1:$port/emulator"
  log "emulator persistence tests use a throwaway Postgres on 127.0.0.1:$port"
fi
vitest run "$@"
