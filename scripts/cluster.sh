#!/usr/bin/env bash
# npm run cluster -- start|stop|status|kubeconfig|kubectl ARGS…: a single-node Kubernetes cluster on this machine, for the
# stack's Kubernetes target and its end-to-end tests (docs/kubernetes.md).
#
# Everything runs from the toolchain's builds (npm run toolchain: Kubernetes, etcd, CoreDNS, the
# pause process) and Debian's containerd, runc and CNI plugins; nothing is ever pulled: the pause
# and CoreDNS images are made here with the Docker engine and, like the stack's local images,
# imported into the cluster's own containerd. Bound to loopback and to a node-local address only:
#   etcd 127.0.0.1:12379-12381, kube-apiserver 10.201.0.1:6443 (the node's address, on a bridge
#   with no ports), controller-manager and scheduler 127.0.0.1, kubelet 10.201.0.1:10250,
#   pods 10.201.64.0/24 on the bridge lsk8s-br, services 10.201.128.0/20 (DNS 10.201.128.10).
# The Docker engine is left as it was: the cluster has its own containerd (own sockets, root and
# state), its own bridges and one iptables chain of its own; `stop` removes every process, mount,
# network namespace, link, route, iptables rule and cgroup it made. Traps this machine has (they
# are why some settings below look unusual) are in kubernetes-offline.md and docs/kubernetes.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/toolchain-env.sh"

DIR="${LITELLM_STACK_CLUSTER_DIR:-$CACHE_ROOT/cluster}"
PKI="$DIR/pki" ETC="$DIR/etc" RUN="$DIR/run" LOGS="$DIR/logs" DATA="$DIR/data"
NODE=litellm-stack-node
NODE_IP=10.201.0.1
NODE_BRIDGE=lsk8s0
POD_BRIDGE=lsk8s-br
POD_SUBNET=10.201.64.0/24
CLUSTER_NET=10.201.0.0/16
SERVICE_RANGE=10.201.128.0/20
API_SERVICE_IP=10.201.128.1
DNS_IP=10.201.128.10
CHAIN=LSK8S-FWD
APISERVER="https://$NODE_IP:6443"
CONTAINERD_SOCK="$RUN/containerd/containerd.sock"
# Images the cluster makes itself (a domain that never resolves: nothing is pulled).
PAUSE_IMAGE=litellm-stack.invalid/pause:1
COREDNS_IMAGE="litellm-stack.invalid/coredns:${COREDNS_VERSION#v}"
# The user's kubeconfig of the cluster (admin).
KUBECONFIG_FILE="$DIR/admin.kubeconfig"
DAEMONS=(etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

export PATH="$KUBE_BIN_DIRS:$PATH"
kubectl() { command kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid"; }
alive() {
  local pid
  pid="$(pid_of "$1")" || return 1
  [[ -n "$pid" && -d "/proc/$pid" ]] && ! grep -q '^[^ ]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null
}

# start_daemon NAME CMD...: runs CMD in its own session (a caller's timeout or Ctrl-C must not end
# it), logging to logs/NAME.log.
start_daemon() {
  local name="$1"
  shift
  if alive "$name"; then
    return 0
  fi
  setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  echo "$!" >"$RUN/$name.pid"
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.2 s; dies naming WHAT and its log.
wait_for() {
  local what="$1" seconds="$2" i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  die "the cluster's $what did not come up within $seconds s; its log: $LOGS/$what.log (last lines below)
$(tail -n 15 "$LOGS/$what.log" 2>/dev/null)"
}

prerequisites() {
  local b missing=()
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd coredns pause; do
    command -v "$b" >/dev/null 2>&1 || missing+=("$b")
  done
  ((${#missing[@]} == 0)) || die "the cluster's commands are not built (${missing[*]}): run npm run toolchain, then rerun"
  command -v containerd >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 ||
    { apt_install containerd && apt_install runc; } || die "containerd and runc are missing: apt-get install containerd runc"
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
    apt_install containernetworking-plugins || die "the CNI plugins are missing: apt-get install containernetworking-plugins"
  command -v conntrack >/dev/null 2>&1 || apt_install conntrack || log "cluster: conntrack is missing (kube-proxy then cannot clear stale UDP entries)"
  docker info >/dev/null 2>&1 || die "the Docker engine does not answer: the cluster's images are made with it (npm run setup starts it)"
}

# --- certificates and kubeconfigs -----------------------------------------------------------------
# cert NAME SUBJECT [SANS]: a key and a certificate signed by the cluster's CA.
cert() {
  local name="$1" subj="$2" sans="${3:-}" ext
  # Kept while its subject is the one wanted (a changed subject makes a new certificate).
  if [[ -f "$PKI/$name.crt" && "$(openssl x509 -in "$PKI/$name.crt" -noout -subject -nameopt compat)" == "subject=$subj" ]]; then
    return 0
  fi
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  ext="$PKI/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$sans" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

# kubeconfig NAME USER: a kubeconfig for the client certificate NAME.
kubeconfig() {
  local name="$1" user="$2" file="$ETC/$1.kubeconfig"
  [[ "$name" == admin ]] && file="$KUBECONFIG_FILE"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: litellm-stack-local
  cluster:
    server: $APISERVER
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$name.crt")
    client-key-data: $(base64 -w0 <"$PKI/$name.key")
contexts:
- name: litellm-stack-local
  context:
    cluster: litellm-stack-local
    user: $user
current-context: litellm-stack-local
EOF
  chmod 600 "$file"
}

pki() {
  mkdir -p "$PKI" "$ETC"
  chmod 700 "$PKI"
  if [[ ! -f "$PKI/ca.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
      -days 3650 -subj "/CN=litellm-stack-local-ca" 2>/dev/null
  fi
  [[ -f "$PKI/sa.key" ]] || {
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:127.0.0.1,IP:$API_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  # The apiserver's client to the kubelets (logs, exec, port-forward): an admin of the cluster.
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  cert admin "/O=system:masters/CN=litellm-stack-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert kube-proxy "/CN=system:kube-proxy"
  cert kubelet "/O=system:nodes/CN=system:node:$NODE"
  cert kubelet-server "/CN=$NODE" "IP:$NODE_IP,DNS:$NODE"
  kubeconfig admin litellm-stack-admin
  kubeconfig controller-manager system:kube-controller-manager
  kubeconfig scheduler system:kube-scheduler
  kubeconfig kube-proxy system:kube-proxy
  kubeconfig kubelet "system:node:$NODE"
}

# --- the node's network ---------------------------------------------------------------------------
node_network() {
  # The first `ip netns add` on a host bind-mounts /run/netns onto itself; pod namespaces made
  # before that would be hidden and leak, so it happens first.
  ip netns add lsk8s-init 2>/dev/null && ip netns del lsk8s-init
  # No dummy driver in this kernel: the node's address sits on a bridge without ports, which
  # also catches (and drops) anything for the cluster's range that no pod route claims.
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NODE_BRIDGE" type bridge
  fi
  ip link set "$NODE_BRIDGE" up
  ip addr replace "$NODE_IP/32" dev "$NODE_BRIDGE"
  ip route replace "$CLUSTER_NET" dev "$NODE_BRIDGE" src "$NODE_IP" metric 1000
  sysctl -qw net.ipv4.ip_forward=1
  # Pods talk to the cluster's range only: no default route, no NAT, and this chain first in
  # FORWARD drops anything else from or to it.
  iptables -N "$CHAIN" 2>/dev/null || iptables -F "$CHAIN"
  iptables -A "$CHAIN" -s "$CLUSTER_NET" -d "$CLUSTER_NET" -j ACCEPT
  iptables -A "$CHAIN" -s "$CLUSTER_NET" -j DROP
  iptables -A "$CHAIN" -d "$CLUSTER_NET" -j DROP
  iptables -C FORWARD -j "$CHAIN" 2>/dev/null || iptables -I FORWARD 1 -j "$CHAIN"
}

write_configs() {
  mkdir -p "$ETC/cni" "$DATA/cni"
  cat >"$ETC/cni/10-litellm-stack.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "litellm-stack",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$POD_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "$DATA/cni",
        "ranges": [[{ "subnet": "$POD_SUBNET" }]],
        "routes": [{ "dst": "$CLUSTER_NET" }]
      }
    }
  ]
}
EOF
  cat >"$ETC/containerd.toml" <<EOF
version = 2
root = "$DATA/containerd"
state = "$RUN/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$RUN/containerd/containerd.sock.ttrpc"
[debug]
  address = "$RUN/containerd/debug.sock"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$DATA/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Root here lacks CAP_SYS_RESOURCE: a negative oom_score_adj (the kubelet asks -998 for
  # sandboxes) fails every pod unless containerd caps it at its own.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$ETC/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
EOF
  cat >"$ETC/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# This machine has cgroups v1 and no systemd: v1.37 refuses cgroups v1 unless told.
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
# Pods get the cluster's DNS only, never the host's resolver.
resolvConf: ""
# Images are imported, never pulled: the kubelet must not collect them, nor evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1% }
serializeImagePulls: false
staticPodPath: ""
EOF
  cat >"$ETC/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: { kubeconfig: $ETC/kube-proxy.kubeconfig }
hostnameOverride: $NODE
clusterCIDR: $POD_SUBNET
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$NODE_IP/32]
# Host-wide settings stay as they are: no route_localnet, no conntrack sysctls.
iptables: { localhostNodePorts: false }
conntrack: { maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
EOF
}

# --- images ---------------------------------------------------------------------------------------
# ensure_image REF BINARY: a one-file image (the binary as its entrypoint), made with Docker.
ensure_image() {
  local ref="$1" bin="$2" ctx
  docker image inspect "$ref" >/dev/null 2>&1 && return 0
  ctx="$(mktemp -d)"
  cp "$(command -v "$bin")" "$ctx/$bin"
  printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT ["/%s"]\n' "$bin" "$bin" "$bin" >"$ctx/Dockerfile"
  # (The legacy builder's deprecation notice goes to the log, with any error.)
  docker build -q -t "$ref" --label litellm-stack.role=cluster "$ctx" >"$LOGS/images.log" 2>&1 ||
    die "docker build of $ref failed; see $LOGS/images.log"
  rm -rf "$ctx"
}

# import_images REF...: each Docker image into the cluster's containerd, when absent or changed.
import_images() {
  local ref id have
  for ref in "$@"; do
    id="$(docker image inspect --format '{{.Id}}' "$ref")"
    have="$(ctr_ images ls -q 2>/dev/null | grep -Fx -e "$ref" -e "docker.io/$ref" | head -n1 || true)"
    if [[ -n "$have" && -f "$DATA/imported/${ref//\//_}" && "$(cat "$DATA/imported/${ref//\//_}")" == "$id" ]]; then
      continue
    fi
    log "cluster: importing $ref into the cluster's containerd"
    docker save "$ref" | ctr_ images import - >/dev/null
    mkdir -p "$DATA/imported"
    echo "$id" >"$DATA/imported/${ref//\//_}"
  done
}

# The stack's local images (npm run images) that exist on the Docker engine.
local_images() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' --filter 'reference=litellm-stack/*' | sort
}

# --- the control plane, the node, DNS -------------------------------------------------------------
start_etcd() {
  mkdir -p "$DATA/etcd"
  chmod 700 "$DATA/etcd"
  start_daemon etcd etcd --name default --data-dir "$DATA/etcd" \
    --listen-client-urls http://127.0.0.1:12379 --advertise-client-urls http://127.0.0.1:12379 \
    --listen-peer-urls http://127.0.0.1:12380 --initial-advertise-peer-urls http://127.0.0.1:12380 \
    --initial-cluster default=http://127.0.0.1:12380 --listen-metrics-urls http://127.0.0.1:12381
  wait_for etcd 30 curl -fsS http://127.0.0.1:12381/health
}

start_containerd() {
  mkdir -p "$RUN/containerd" "$DATA/containerd"
  start_daemon containerd containerd --config "$ETC/containerd.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version
}

start_control_plane() {
  start_daemon kube-apiserver kube-apiserver \
    --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port 6443 \
    --etcd-servers http://127.0.0.1:12379 \
    --service-cluster-ip-range "$SERVICE_RANGE" \
    --client-ca-file "$PKI/ca.crt" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --allow-privileged=true \
    --kubelet-preferred-address-types InternalIP \
    --enable-admission-plugins NodeRestriction \
    --profiling=false
  wait_for kube-apiserver 60 curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$APISERVER/readyz"
  start_daemon kube-controller-manager kube-controller-manager \
    --kubeconfig "$ETC/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$ETC/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$ETC/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --use-service-account-credentials --service-cluster-ip-range "$SERVICE_RANGE" \
    --enable-hostpath-provisioner \
    --profiling=false
  start_daemon kube-scheduler kube-scheduler \
    --kubeconfig "$ETC/scheduler.kubeconfig" \
    --authentication-kubeconfig "$ETC/scheduler.kubeconfig" \
    --authorization-kubeconfig "$ETC/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
}

start_node() {
  mkdir -p "$DATA/kubelet"
  start_daemon kubelet kubelet --config "$ETC/kubelet.yaml" --kubeconfig "$ETC/kubelet.kubeconfig" \
    --hostname-override "$NODE" --node-ip "$NODE_IP" --root-dir "$DATA/kubelet"
  start_daemon kube-proxy kube-proxy --config "$ETC/kube-proxy.yaml"
  wait_for kubelet 60 node_ready
}

node_ready() {
  [[ "$(kubectl get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

start_dns() {
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: { name: coredns, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "system:coredns" }
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "system:coredns" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns" }
subjects: [{ kind: ServiceAccount, name: coredns, namespace: kube-system }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: coredns, namespace: kube-system }
data:
  # Cluster names only: nothing is forwarded to an upstream resolver.
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        loop
        reload
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      serviceAccountName: coredns
      terminationGracePeriodSeconds: 1
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: Never
        args: [-conf, /etc/coredns/Corefile]
        ports:
        - { containerPort: 53, name: dns, protocol: UDP }
        - { containerPort: 53, name: dns-tcp, protocol: TCP }
        readinessProbe: { httpGet: { path: /ready, port: 8181 }, periodSeconds: 2 }
        volumeMounts: [{ name: config, mountPath: /etc/coredns, readOnly: true }]
        securityContext:
          capabilities: { add: [NET_BIND_SERVICE] }
      volumes: [{ name: config, configMap: { name: coredns } }]
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  clusterIP: $DNS_IP
  selector: { k8s-app: kube-dns }
  ports:
  - { name: dns, port: 53, protocol: UDP }
  - { name: dns-tcp, port: 53, protocol: TCP }
EOF
  kubectl -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null ||
    die "CoreDNS did not become ready: kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system describe pods"
}

# The default StorageClass: the controller-manager's hostPath provisioner (single node only: each
# claim gets a directory under /tmp/hostpath_pv/, removed when the claim is deleted).
start_storage() {
  kubectl apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-hostpath
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
EOF
}

# --- commands -------------------------------------------------------------------------------------
cmd_start() {
  local t0=$SECONDS
  prerequisites
  mkdir -p "$RUN" "$LOGS" "$DATA" "$ETC"
  pki
  node_network
  write_configs
  ensure_image "$PAUSE_IMAGE" pause
  ensure_image "$COREDNS_IMAGE" coredns
  start_etcd
  start_containerd
  # shellcheck disable=SC2046 # one image reference per line
  import_images "$PAUSE_IMAGE" "$COREDNS_IMAGE" $(local_images)
  start_control_plane
  start_node
  start_dns
  start_storage
  log "cluster: ready in $((SECONDS - t0)) s; kubeconfig $KUBECONFIG_FILE (kubectl --kubeconfig $KUBECONFIG_FILE get nodes)"
}

cmd_status() {
  local name up=0
  for name in "${DAEMONS[@]}"; do
    if alive "$name"; then
      echo "$name: running (pid $(pid_of "$name"))"
      up=$((up + 1))
    else
      echo "$name: stopped"
    fi
  done
  if ((up == ${#DAEMONS[@]})) && node_ready 2>/dev/null; then
    echo "node $NODE: Ready; kubeconfig $KUBECONFIG_FILE"
    return 0
  fi
  ((up == 0)) && echo "the cluster is stopped (npm run cluster -- start)" || echo "the cluster is not ready (npm run cluster -- stop, then start)"
  return 3
}

stop_daemon() {
  local name="$1" pid i
  pid="$(pid_of "$name")" || return 0
  if [[ -n "$pid" ]] && alive "$name"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      alive "$name" || break
      sleep 0.2
    done
    alive "$name" && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

# The processes in the pods' cgroups (cgroups v1: the pids hierarchy lists every one).
pod_processes() {
  { find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null || true; } | sort -u
}

kill_pods() {
  local i pids
  for ((i = 0; i < 50; i++)); do
    pids="$(pod_processes)"
    [[ -n "$pids" ]] || return 0
    # shellcheck disable=SC2086 # one pid per word
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  done
  log "cluster: processes still in the pods' cgroups after 10 s: $(pod_processes | tr '\n' ' ')"
}

cmd_stop() {
  local t0=$SECONDS pid ns m d i t chain
  stop_daemon kubelet
  stop_daemon kube-proxy
  # The pods' processes (the whole cluster goes: nothing to drain). Each is in a cgroup under
  # kubepods, whoever its parent is: killing a shim alone would leave its container running.
  kill_pods
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" || true); do
    kill -9 "$pid" 2>/dev/null || true
  done
  stop_daemon kube-scheduler
  stop_daemon kube-controller-manager
  stop_daemon kube-apiserver
  stop_daemon containerd
  stop_daemon etcd
  # Host-global state: kube-proxy's and the kubelet's iptables chains, ours, the bridges, the pods'
  # network namespaces, mounts under the cluster's directory, the pods' cgroups.
  if command -v kube-proxy >/dev/null 2>&1; then
    kube-proxy --cleanup >/dev/null 2>&1 || true
  fi
  for t in filter nat mangle; do
    for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT KUBE-PROXY-CANARY; do
      while iptables -t "$t" -D INPUT -j "$chain" 2>/dev/null; do :; done
      while iptables -t "$t" -D OUTPUT -j "$chain" 2>/dev/null; do :; done
      iptables -t "$t" -F "$chain" 2>/dev/null && iptables -t "$t" -X "$chain" 2>/dev/null || true
    done
  done
  while iptables -D FORWARD -j "$CHAIN" 2>/dev/null; do :; done
  iptables -F "$CHAIN" 2>/dev/null && iptables -X "$CHAIN" 2>/dev/null || true
  for ns in /run/netns/cni-*; do
    [[ -e "$ns" ]] || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
  { grep -o " $DIR/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  ip link del "$POD_BRIDGE" 2>/dev/null || true
  ip route del "$CLUSTER_NET" dev "$NODE_BRIDGE" 2>/dev/null || true
  ip link del "$NODE_BRIDGE" 2>/dev/null || true
  # A killed process leaves its cgroups a moment later: removed bottom-up, retried for 5 s.
  for ((i = 0; i < 25; i++)); do
    for d in /sys/fs/cgroup/*/kubepods; do
      [[ -d "$d" ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    compgen -G "/sys/fs/cgroup/*/kubepods" >/dev/null || break
    sleep 0.2
  done
  compgen -G "/sys/fs/cgroup/*/kubepods" >/dev/null && log "cluster: could not remove the pods' cgroups (/sys/fs/cgroup/*/kubepods)"
  # The cluster's contents go with it (a test cluster): the next start is a new cluster. The
  # certificates and the imported images stay (they take the longest to make).
  rm -rf "$DATA/etcd" "$DATA/kubelet" "$DATA/cni" "$RUN"
  log "cluster: stopped in $((SECONDS - t0)) s"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
kubeconfig) echo "$KUBECONFIG_FILE" ;;
kubectl)
  shift
  kubectl "$@"
  ;;
*) die "usage: npm run cluster -- start|stop|status|kubeconfig (its path)|kubectl ARGS… (kubectl with the cluster's kubeconfig)" ;;
esac
