# Locates the built toolchain and sets the environment every Pulumi run of this project uses.
# Sourced by scripts/pulumi.sh, scripts/test.sh and scripts/toolchain.sh (after lib.sh).
# shellcheck shell=bash

TOOLCHAIN_SRC="$ROOT/scripts/toolchain"
# shellcheck source=toolchain/versions.env
. "$TOOLCHAIN_SRC/versions.env"

# tree_hash DIR PATH...: a short hash of the files under the PATHs (relative to DIR).
tree_hash() {
  (cd "$1" && shift && find "$@" -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-12
}
# A short hash of everything that goes into a build: the pins and our sources for it.
# Arguments are files or directories under scripts/toolchain.
src_hash() { tree_hash "$TOOLCHAIN_SRC" versions.env "$@"; }
PULUMI_KEY="pulumi-$PULUMI_VERSION-$(src_hash)"
LANGHOST_KEY="language-nodejs-$PULUMI_VERSION-$(src_hash language-nodejs)"
DOCKER_KEY="docker-$DOCKER_PLUGIN_VERSION-$(src_hash docker)"
RANDOM_KEY="random-$RANDOM_PLUGIN_VERSION-$(src_hash random stubs)"
# The local cluster's pieces: keyed by their versions and their own sources only.
# shellcheck source=toolchain/kubernetes/versions.env
. "$TOOLCHAIN_SRC/kubernetes/versions.env"
kube_hash() { tree_hash "$TOOLCHAIN_SRC/kubernetes" "$@"; }
KUBERNETES_KEY="kubernetes-$KUBERNETES_VERSION-$(kube_hash k8s pause)"
ETCD_KEY="etcd-$ETCD_VERSION-$(kube_hash etcd)"
COREDNS_KEY="coredns-$COREDNS_VERSION"
PULUMI_KUBERNETES_KEY="pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION-${PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION##*-}"
TOOLCHAIN_KEY="$(printf '%s\n' "$PULUMI_KEY" "$LANGHOST_KEY" "$DOCKER_KEY" "$RANDOM_KEY" "$PULUMI_KUBERNETES_KEY" | sha256sum | cut -c1-12)"
BUILD_CACHE="$CACHE_ROOT/builds"
# bin/ holds pulumi, the language host and the dynamic-provider script side by side (the CLI finds
# "bundled" plugins next to its own executable); home/ is PULUMI_HOME with the provider plugins.
TOOLCHAIN_DIR="$CACHE_ROOT/toolchain-$TOOLCHAIN_KEY"
export TOOLCHAIN_DIR
# The local cluster's commands (kube-*, kubelet, kubectl, etcd, coredns), built by the toolchain.
KUBE_BIN_DIRS="$BUILD_CACHE/$KUBERNETES_KEY/bin:$BUILD_CACHE/$ETCD_KEY/bin:$BUILD_CACHE/$COREDNS_KEY/bin"
export KUBE_BIN_DIRS

toolchain_ready() { [[ -f "$TOOLCHAIN_DIR/.complete" ]]; }

# Sets PATH and the PULUMI_* that select the CLI and its plugins; PULUMI_CLI names the CLI used.
# No backend, no passphrase (the tests give each suite its own).
pulumi_toolchain_env() {
  export PATH="$ROOT/node_modules/.bin:$PATH"
  if toolchain_ready; then
    export PATH="$TOOLCHAIN_DIR/bin:$PATH"
    export PULUMI_HOME="$TOOLCHAIN_DIR/home"
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    export PULUMI_IGNORE_AMBIENT_PLUGINS=true
    PULUMI_CLI="$TOOLCHAIN_DIR/bin/pulumi"
  elif command -v pulumi >/dev/null 2>&1; then
    # A normal Pulumi install (machines with internet): it fetches its own plugins.
    PULUMI_CLI="$(command -v pulumi)"
  else
    die "no Pulumi CLI: run 'npm run toolchain' (builds it offline) or install Pulumi (https://www.pulumi.com/docs/install/)"
  fi
  export PULUMI_CLI
  # kubectl for the Kubernetes target's port-forwards (components/kubernetes/forward.ts): the
  # toolchain's, of the cluster's version, unless LITELLM_STACK_KUBECTL names another.
  if [[ -z "${LITELLM_STACK_KUBECTL:-}" && -x "$BUILD_CACHE/$KUBERNETES_KEY/bin/kubectl" ]]; then
    export LITELLM_STACK_KUBECTL="$BUILD_CACHE/$KUBERNETES_KEY/bin/kubectl"
  fi
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  # The program is type-checked by npm run typecheck (CI) and npm run build; every Pulumi run
  # type-checking it again cost seconds of CPU each. Set it to false to have Pulumi check too.
  export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
}

# pulumi_toolchain_env, plus the project's backend (.pulumi-state/ unless PULUMI_BACKEND_URL is
# set) and passphrase (PULUMI_CONFIG_PASSPHRASE[_FILE], else a generated .passphrase).
pulumi_env() {
  pulumi_toolchain_env
  export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$ROOT/.pulumi-state}"
  if [[ "$PULUMI_BACKEND_URL" == file://* ]]; then mkdir -p "${PULUMI_BACKEND_URL#file://}"; fi
  if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
    local pass="$ROOT/.passphrase"
    if [[ ! -s "$pass" ]]; then
      (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=' >"$pass")
      log "generated a stack passphrase in $pass (mode 0600, ignored by git): keep it, it decrypts your stack secrets"
    fi
    export PULUMI_CONFIG_PASSPHRASE_FILE="$pass"
  fi
}
