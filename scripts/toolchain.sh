#!/usr/bin/env bash
# npm run toolchain: builds the Pulumi CLI, the Node.js language host and the docker and random
# provider plugins from Go modules (versions in scripts/toolchain/versions.env), caches them outside
# the repository keyed by version and source hash, makes sure a Docker engine runs and ends with
# `pulumi version`. A warm run finds everything cached and takes seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"

START=$(date +%s)
step() { STEP_START=$(date +%s); log "== $*"; }
done_step() { log "   done in $(($(date +%s) - STEP_START)) s"; }

# --- prerequisites ---------------------------------------------------------------------------
step "Node.js 24 (npm package node@24)"
if [[ ! -x "$ROOT/node_modules/.bin/node" || "$("$ROOT/node_modules/.bin/node" --version)" != v24.* ]]; then
  command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js >= 20 with npm, then run 'npm run toolchain'"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi
log "   node $("$ROOT/node_modules/.bin/node" --version)"
done_step

step "Docker engine"
bash "$ROOT/scripts/docker-engine.sh"
done_step

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -trimpath -buildvcs=false"
# Never try a download site: only the Go module proxy.
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
GOPROXY="${GOPROXY%,direct}"

need_go() {
  command -v go >/dev/null 2>&1 || die "Go is missing: install Go >= 1.26 (e.g. from https://go.dev/dl or 'apt-get install golang'), then rerun"
  command -v jq >/dev/null 2>&1 || die "jq is missing: 'apt-get install jq', then rerun"
}

# moddir MODULE@VERSION: downloads a module zip through the proxy and prints its directory.
moddir() {
  local out
  out="$(go mod download -json "$1" 2>&1)" || die "go mod download $1 failed: $(jq -r '.Error // empty' <<<"$out" 2>/dev/null || echo "$out")"
  jq -r .Dir <<<"$out"
}

# cached_build KEY LABEL FUNC: runs FUNC OUTDIR into a temporary directory and publishes it as
# BUILD_CACHE/KEY only when it succeeded (a .complete marker is written last), so a half-built
# cache entry is never taken for a good one.
cached_build() {
  local key="$1" label="$2" fn="$3" dest="$BUILD_CACHE/$1"
  step "$label"
  if [[ -f "$dest/.complete" ]]; then
    log "   cached: $dest"
    done_step
    return
  fi
  need_go
  rm -rf "$dest" "$dest".tmp.*
  local tmp="$dest.tmp.$$"
  mkdir -p "$tmp"
  if ! "$fn" "$tmp"; then
    rm -rf "$tmp"
    die "$label failed (key $key); see the output above"
  fi
  touch "$tmp/.complete"
  mv "$tmp" "$dest"
  done_step
}

build_pulumi() {
  local out="$1" pkg sdk
  pkg="$(moddir "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION")"
  sdk="$(moddir "github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION")"
  # pkg/go.mod says `replace github.com/pulumi/pulumi/sdk/v3 => ../sdk`: lay both out as in the repo.
  mkdir -p "$out/src" "$out/bin"
  cp -r "$pkg" "$out/src/pkg" && cp -r "$sdk" "$out/src/sdk" && chmod -R u+w "$out/src"
  local cmd=(go build -tags osusergo,grpcnotrace
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
    -o "$out/bin/pulumi" ./cmd/pulumi)
  log "   github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION: ${cmd[*]}"
  (cd "$out/src/pkg" && "${cmd[@]}") || { log "   FAILED: module github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"; return 1; }
  rm -rf "$out/src"
}

build_langhost() {
  local out="$1"
  mkdir -p "$out/src" "$out/bin"
  cp "$TOOLCHAIN_SRC"/language-nodejs/{main.go,go.mod,go.sum} "$out/src/"
  local cmd=(go build -ldflags "-s -w -X main.version=${PULUMI_VERSION#v}" -o "$out/bin/pulumi-language-nodejs" .)
  log "   local.build/pulumi-language-nodejs on sdk/v3@$PULUMI_VERSION: ${cmd[*]}"
  (cd "$out/src" && "${cmd[@]}") || { log "   FAILED: module local.build/pulumi-language-nodejs (sdk/v3 $PULUMI_VERSION)"; return 1; }
  rm -rf "$out/src"
}

# build_bridged NAME VERSION UPSTREAM_MODULE UPSTREAM_VERSION [TAGS] OUT
build_bridged() {
  local name="$1" version="$2" mod="$3" modver="$4" tags="$5" out="$6" up
  up="$(moddir "$mod@$modver")"
  mkdir -p "$out/src" "$out/bin"
  cp "$TOOLCHAIN_SRC/$name"/{main.go,go.mod,go.sum} "$out/src/"
  cp -r "$up" "$out/src/upstream" && chmod -R u+w "$out/src/upstream"
  mkdir -p "$out/src/upstream/shim" && cp "$TOOLCHAIN_SRC/$name/shim.go.txt" "$out/src/upstream/shim/shim.go"
  cp -r "$TOOLCHAIN_SRC/stubs" "$out/src/stubs"
  local cmd=(go build -tags "$tags" -ldflags "-s -w -X main.version=$version" -o "$out/bin/pulumi-resource-$name" .)
  log "   pulumi-resource-$name $version on $mod@$modver: ${cmd[*]}"
  (cd "$out/src" && "${cmd[@]}") || { log "   FAILED: module $mod $modver (pulumi-resource-$name $version)"; return 1; }
  rm -rf "$out/src"
}
build_docker() { build_bridged docker "$DOCKER_PLUGIN_VERSION" "$DOCKER_UPSTREAM_MODULE" "$DOCKER_UPSTREAM_VERSION" no_compose "$1"; }
build_random() { build_bridged random "$RANDOM_PLUGIN_VERSION" "$RANDOM_UPSTREAM_MODULE" "$RANDOM_UPSTREAM_VERSION" "" "$1"; }

# --- the local Kubernetes cluster's pieces (npm run cluster; docs/kubernetes.md) ----------------
# Each builds on both cores and they run one after the other (kubernetes-offline.md: about 25
# CPU-minutes cold together; seconds when cached).

# The six Kubernetes commands and the pod sandbox's pause process. The version variables are
# those of upstream's hack/lib/version.sh: without them the binaries say v0.0.0-master, which
# fails the version-skew checks.
build_kubernetes() {
  local out="$1" v="$KUBERNETES_VERSION" minor x=() pkg
  minor="${v#v1.}"
  minor="${minor%%.*}"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    x+=(-X "$pkg.gitVersion=$v" -X "$pkg.gitMajor=1" -X "$pkg.gitMinor=$minor"
      -X "$pkg.gitTreeState=clean" -X "$pkg.buildDate=1970-01-01T00:00:00Z")
  done
  mkdir -p "$out/src" "$out/bin"
  cp "$TOOLCHAIN_SRC"/kubernetes/k8s/{go.mod,go.sum,tools.go} "$out/src/"
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
  local cmd=(go build -tags selinux,notest,grpcnotrace -ldflags "-s -w ${x[*]}" -o "$out/bin/"
    "${cmds[@]/#/k8s.io/kubernetes/cmd/}")
  log "   k8s.io/kubernetes@$KUBERNETES_VERSION: go build ${cmds[*]}"
  (cd "$out/src" && "${cmd[@]}") || { log "   FAILED: module k8s.io/kubernetes $KUBERNETES_VERSION"; return 1; }
  (cd "$TOOLCHAIN_SRC/kubernetes/pause" && go build -ldflags "-s -w" -o "$out/bin/pause" .) ||
    { log "   FAILED: the pause process (scripts/toolchain/kubernetes/pause)"; return 1; }
  rm -rf "$out/src"
}

build_etcd() {
  local out="$1"
  mkdir -p "$out/src" "$out/bin"
  cp "$TOOLCHAIN_SRC"/kubernetes/etcd/{main.go,go.mod,go.sum} "$out/src/"
  log "   go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  (cd "$out/src" && go build -ldflags "-s -w" -o "$out/bin/etcd" .) ||
    { log "   FAILED: module go.etcd.io/etcd/server/v3 $ETCD_VERSION"; return 1; }
  rm -rf "$out/src"
}

build_coredns() {
  local out="$1"
  mkdir -p "$out/bin"
  log "   github.com/coredns/coredns@$COREDNS_VERSION (go install: its go.mod has no replace)"
  GOFLAGS="-trimpath -buildvcs=false" GOBIN="$out/bin" go install -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION" ||
    { log "   FAILED: module github.com/coredns/coredns $COREDNS_VERSION"; return 1; }
}

# pulumi-resource-kubernetes: provider/go.mod says `replace …/sdk/v4 => ../sdk`, so both modules
# are laid out as in the repository; upstream's generate.go writes the schema files main.go
# embeds (they are not in the module zip).
build_pulumi_kubernetes() {
  local out="$1" prov sdk v="$PULUMI_KUBERNETES_VERSION"
  prov="$(moddir "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION")"
  sdk="$(moddir "github.com/pulumi/pulumi-kubernetes/sdk/v4@v$v")"
  mkdir -p "$out/src" "$out/bin"
  cp -r "$prov" "$out/src/provider" && cp -r "$sdk" "$out/src/sdk" && chmod -R u+w "$out/src"
  local ver=github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version
  log "   github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION (= v$v): generate, then go build"
  (cd "$out/src/provider/cmd/pulumi-resource-kubernetes" && VERSION="$v" go run generate.go) ||
    { log "   FAILED: generate.go of pulumi-kubernetes $v"; return 1; }
  (cd "$out/src/provider" && go build -ldflags "-s -w -X $ver=$v" -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes) ||
    { log "   FAILED: module github.com/pulumi/pulumi-kubernetes/provider/v4 $PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION"; return 1; }
  rm -rf "$out/src"
}

mkdir -p "$BUILD_CACHE"
cached_build "$PULUMI_KEY" "pulumi CLI $PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3)" build_pulumi
cached_build "$LANGHOST_KEY" "pulumi-language-nodejs (sdk/v3 $PULUMI_VERSION)" build_langhost
cached_build "$DOCKER_KEY" "pulumi-resource-docker $DOCKER_PLUGIN_VERSION ($DOCKER_UPSTREAM_MODULE@$DOCKER_UPSTREAM_VERSION)" build_docker
cached_build "$RANDOM_KEY" "pulumi-resource-random $RANDOM_PLUGIN_VERSION ($RANDOM_UPSTREAM_MODULE@$RANDOM_UPSTREAM_VERSION)" build_random
cached_build "$PULUMI_KUBERNETES_KEY" "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION" build_pulumi_kubernetes
cached_build "$KUBERNETES_KEY" "Kubernetes $KUBERNETES_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl)" build_kubernetes
cached_build "$ETCD_KEY" "etcd $ETCD_VERSION" build_etcd
cached_build "$COREDNS_KEY" "CoreDNS $COREDNS_VERSION" build_coredns

# --- assemble ------------------------------------------------------------------------------------
step "assemble $TOOLCHAIN_DIR"
if [[ -f "$TOOLCHAIN_DIR/.complete" ]]; then
  log "   cached"
else
  rm -rf "$TOOLCHAIN_DIR" "$TOOLCHAIN_DIR".tmp.*
  tmp="$TOOLCHAIN_DIR.tmp.$$"
  mkdir -p "$tmp/bin" "$tmp/home"
  # Hard links: no copies, and the CLI sees the language host next to its real executable.
  ln -f "$BUILD_CACHE/$PULUMI_KEY/bin/pulumi" "$tmp/bin/pulumi"
  ln -f "$BUILD_CACHE/$LANGHOST_KEY/bin/pulumi-language-nodejs" "$tmp/bin/pulumi-language-nodejs"
  # The dynamic-provider plugin: a script that starts @pulumi/pulumi's dynamic provider from the
  # project's node_modules (the same thing @pulumi/pulumi ships as pulumi-resource-pulumi-nodejs).
  cat >"$tmp/bin/pulumi-resource-pulumi-nodejs" <<'SH'
#!/bin/sh
exec node "$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")" "$@"
SH
  chmod 0755 "$tmp/bin/pulumi-resource-pulumi-nodejs"
  # Provider plugins go into PULUMI_HOME's plugin cache under the SDK versions they serve.
  PULUMI_HOME="$tmp/home" PULUMI_SKIP_UPDATE_CHECK=true "$tmp/bin/pulumi" plugin install resource docker "$DOCKER_PLUGIN_VERSION" \
    --file "$BUILD_CACHE/$DOCKER_KEY/bin/pulumi-resource-docker" >/dev/null
  PULUMI_HOME="$tmp/home" PULUMI_SKIP_UPDATE_CHECK=true "$tmp/bin/pulumi" plugin install resource random "$RANDOM_PLUGIN_VERSION" \
    --file "$BUILD_CACHE/$RANDOM_KEY/bin/pulumi-resource-random" >/dev/null
  PULUMI_HOME="$tmp/home" PULUMI_SKIP_UPDATE_CHECK=true "$tmp/bin/pulumi" plugin install resource kubernetes "$PULUMI_KUBERNETES_VERSION" \
    --file "$BUILD_CACHE/$PULUMI_KUBERNETES_KEY/bin/pulumi-resource-kubernetes" >/dev/null
  touch "$tmp/.complete"
  mv "$tmp" "$TOOLCHAIN_DIR"
fi
done_step

pulumi_env
log "== toolchain ready in $(($(date +%s) - START)) s: $TOOLCHAIN_DIR"
PULUMI_HOME="$TOOLCHAIN_DIR/home" "$TOOLCHAIN_DIR/bin/pulumi" plugin ls 2>/dev/null | sed 's/^/   /' >&2 || true
"$PULUMI_CLI" version
