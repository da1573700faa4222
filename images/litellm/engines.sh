#!/usr/bin/env bash
# Builds Prisma's query engine and schema engine from source with cargo (crates from the registry,
# git dependencies from the source bundle), caches the two binaries outside the repository keyed by
# the bundle's sha256 and this recipe, and prints the cache directory on stdout. Nothing is ever
# downloaded from Prisma's binary server.
#
# Source (LITELLM_STACK_PRISMA_ENGINES_SRC, default: the bundle in ../shared/vendor/prisma-engines/):
#   - the bundle tarball (prisma-engines-5.4.2-src.tgz) or a directory holding it,
#   - a directory laid out like the unpacked bundle (prisma-engines/ and deps/),
#   - a git URL (https://…, git@…, file://…) of prisma-engines: cloned at PRISMA_ENGINES_COMMIT with
#     the 5.4.1/5.4.2 hotfix commits cherry-picked; cargo then fetches the git dependencies itself
#     (needs internet).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/lib.sh"
# shellcheck disable=SC1091
. "$here/versions.env"

# The cache key: the engine pins and the recipe's version (bump RECIPE when the build steps below
# change what is built); comments and unrelated edits never force a 5-minute rebuild.
RECIPE=1
recipe="$(printf '%s\n' "$RECIPE" "$PRISMA_ENGINES_BUNDLE_SHA256" "$PRISMA_ENGINES_COMMIT" "$MYSQL_ASYNC_VERSION" \
  "$MYSQL_ASYNC_SHA256" "$TIME_CRATE_PRECISE" "$(rustc --version 2>/dev/null)" | sha256sum | cut -c1-12)"
src="${LITELLM_STACK_PRISMA_ENGINES_SRC:-}"
is_git() { [[ "$1" =~ ^(https?://|git@|file://|ssh://) ]]; }
if is_git "$src"; then
  key="git-$(printf '%s' "$src" | sha256sum | cut -c1-12)-$PRISMA_ENGINES_COMMIT-$recipe"
else
  key="${PRISMA_ENGINES_BUNDLE_SHA256:0:16}-$recipe"
fi
dest="$CACHE_ROOT/prisma-engines/$key"
if [[ -f "$dest/.complete" ]]; then
  log "prisma engines: cached ($dest)"
  echo "$dest"
  exit 0
fi

# Locate the source before anything slow happens.
find_bundle() {
  local c candidates=("$src" "$src/$PRISMA_ENGINES_BUNDLE")
  # Without an explicit source: the shared vendor folder next to the checkout, or this machine's.
  [[ -n "$src" ]] || candidates=("$(dirname "$ROOT")/shared/vendor/prisma-engines/$PRISMA_ENGINES_BUNDLE"
    "/work/shared/vendor/prisma-engines/$PRISMA_ENGINES_BUNDLE")
  for c in "${candidates[@]}"; do
    [[ -f "$c" ]] && { echo "$c"; return 0; }
  done
  return 1
}
command -v cargo >/dev/null 2>&1 || die "cargo is missing: install Rust (https://rustup.rs or 'apt-get install cargo'), then rerun 'npm run images'"

t0=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/litellm-stack-engines.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tree=""
if is_git "$src"; then
  command -v git >/dev/null 2>&1 || die "git is missing: 'apt-get install git', or set LITELLM_STACK_PRISMA_ENGINES_SRC to the source bundle"
  log "prisma engines: cloning $src at $PRISMA_ENGINES_COMMIT"
  git clone -q "$src" "$work/prisma-engines" || die "git clone $src failed"
  (cd "$work/prisma-engines" && git checkout -q "$PRISMA_ENGINES_COMMIT" &&
    git -c user.name=build -c user.email=build@localhost cherry-pick -x \
      c815422ede0692d58c70890066702bae4b466e8c 9cc3db6a9d43fdaf3572d95fff2f8015c04688f5 >/dev/null) ||
    die "prisma-engines: checkout of $PRISMA_ENGINES_COMMIT with the 5.4.1/5.4.2 hotfixes failed in $src"
  tree="$work/prisma-engines"
elif [[ -n "$src" && -d "$src/prisma-engines" && -d "$src/deps" ]]; then
  log "prisma engines: source directory $src"
  cp -r "$src/prisma-engines" "$src/deps" "$work/"
  tree="$work/prisma-engines"
else
  bundle="$(find_bundle)" || die "the Prisma engine source bundle $PRISMA_ENGINES_BUNDLE was not found${src:+ at $src}: set LITELLM_STACK_PRISMA_ENGINES_SRC to the bundle, its directory or a git URL of prisma-engines (see docs/offline.md)"
  have="$(sha256sum "$bundle" | cut -d' ' -f1)"
  [[ "$have" == "$PRISMA_ENGINES_BUNDLE_SHA256" ]] ||
    die "$bundle has sha256 $have, expected $PRISMA_ENGINES_BUNDLE_SHA256 (images/litellm/versions.env): use the bundle from ../shared/vendor/prisma-engines/"
  log "prisma engines: unpacking $bundle"
  tar -C "$work" -xzf "$bundle"
  tree="$work/prisma-engines"
fi

if [[ -d "$work/deps" ]]; then
  # Cargo cannot fetch git dependencies offline: point them at the bundle's copies, and stand in the
  # crate registry's mysql_async for prisma/mysql_async (not in the bundle; MySQL is unused).
  log "prisma engines: mysql_async $MYSQL_ASYNC_VERSION from the crate registry (stand-in for prisma/mysql_async)"
  crate="$work/mysql_async-$MYSQL_ASYNC_VERSION.crate"
  curl -sSfL --retry 3 -o "$crate" "https://static.crates.io/crates/mysql_async/mysql_async-$MYSQL_ASYNC_VERSION.crate" ||
    die "download of crate mysql_async $MYSQL_ASYNC_VERSION from static.crates.io failed (curl)"
  [[ "$(sha256sum "$crate" | cut -d' ' -f1)" == "$MYSQL_ASYNC_SHA256" ]] || die "crate mysql_async $MYSQL_ASYNC_VERSION: sha256 mismatch"
  tar -C "$work/deps" -xzf "$crate" && mv "$work/deps/mysql_async-$MYSQL_ASYNC_VERSION" "$work/deps/mysql_async"
  # quaint asks for a feature 0.31.3 lacks.
  sed -i 's/^\[features\]$/[features]\nvendored-openssl = ["native-tls\/vendored"]/' "$work/deps/mysql_async/Cargo.toml"
  cat >>"$tree/Cargo.toml" <<'EOF'

[patch."https://github.com/prisma/graphql-parser"]
graphql-parser = { path = "../deps/graphql-parser" }

[patch."https://github.com/prisma/rust-postgres"]
tokio-postgres = { path = "../deps/rust-postgres/tokio-postgres" }
postgres-types = { path = "../deps/rust-postgres/postgres-types" }
postgres-protocol = { path = "../deps/rust-postgres/postgres-protocol" }
postgres-native-tls = { path = "../deps/rust-postgres/postgres-native-tls" }

[patch."https://github.com/prisma/barrel.git"]
barrel = { path = "../deps/barrel" }

[patch."https://github.com/prisma/mysql_async"]
mysql_async = { path = "../deps/mysql_async" }
EOF
fi
# Newer rustc: time 0.3.25 does not compile, and new lints trip one crate's #![deny(warnings)].
sed -i '1s/#!\[deny(unsafe_code, warnings, rust_2018_idioms)\]/#![deny(unsafe_code, rust_2018_idioms)]/' "$tree/libs/user-facing-errors/src/lib.rs"
(cd "$tree" && cargo update -q -p time@0.3.25 --precise "$TIME_CRATE_PRECISE") ||
  die "cargo update -p time@0.3.25 --precise $TIME_CRATE_PRECISE failed in prisma-engines $PRISMA_ENGINES_COMMIT"

log "prisma engines: cargo build --release -p query-engine -p schema-engine-cli (prisma-engines $PRISMA_ENGINES_COMMIT; ~10 min on 2 cores)"
export CARGO_TARGET_DIR="$work/target" CARGO_TERM_PROGRESS_WHEN=never
if ! (cd "$tree" && cargo build --release -p query-engine -p schema-engine-cli 2>"$work/cargo.log"); then
  tail -n 30 "$work/cargo.log" >&2
  die "cargo build --release -p query-engine -p schema-engine-cli failed (prisma-engines $PRISMA_ENGINES_COMMIT); see the lines above"
fi
tmp="$dest.tmp.$$"
rm -rf "$dest" "$dest".tmp.*
mkdir -p "$tmp"
install -m 0755 "$CARGO_TARGET_DIR/release/query-engine" "$tmp/query-engine"
install -m 0755 "$CARGO_TARGET_DIR/release/schema-engine" "$tmp/schema-engine"
"$tmp/query-engine" --version >/dev/null || die "the built query-engine does not run"
"$tmp/schema-engine" --version >/dev/null || die "the built schema-engine does not run"
printf 'commit=%s\nbuilt=%s\nseconds=%s\n' "$PRISMA_ENGINES_COMMIT" "$(date -u +%FT%TZ)" "$(($(date +%s) - t0))" >"$tmp/BUILD"
touch "$tmp/.complete"
mv "$tmp" "$dest"
log "prisma engines: built in $(($(date +%s) - t0)) s ($dest)"
echo "$dest"
