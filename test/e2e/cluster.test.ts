/**
 * The local Kubernetes cluster (`npm run cluster`, scripts/cluster.sh) on this machine: started
 * from the toolchain's builds, it runs a pod of the stack's local LiteLLM image that another pod
 * reaches through a ClusterIP Service by its cluster DNS name; stopped, it leaves no process,
 * link, route, iptables chain, pod network namespace or mount of its own behind.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { LOCAL_REDIS_IMAGE, localGatewayImage } from "../../config";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  createTestStack,
  previousLitellmVersion,
  run,
  uniqueSuffix,
} from "./harness";
import { kubectl } from "./kubernetes-pods";
import { externalDatabaseTests, kubernetesStackTests } from "./kubernetes-stack";
import { describeE2E, type Prerequisite } from "./suite";

const cluster = (...args: string[]) => run("bash", ["scripts/cluster.sh", ...args]);

/** The cluster's commands are built (npm run toolchain). */
const built: Prerequisite = () => {
  const r = spawnSync(
    "bash",
    [
      "-c",
      '. scripts/lib.sh && . scripts/toolchain-env.sh && PATH="$KUBE_BIN_DIRS" command -v kube-apiserver',
    ],
    { stdio: "ignore" },
  );
  return r.status === 0
    ? undefined
    : "the cluster's commands are not built: run `npm run toolchain`";
};

/** What the cluster leaves on the host while it runs, as a list that stop must empty. */
function hostTraces(): string[] {
  const traces: string[] = [];
  for (const name of ["lsk8s0", "lsk8s-br"]) {
    if (existsSync(`/sys/class/net/${name}`)) {
      traces.push(`link ${name}`);
    }
  }
  if (existsSync("/run/netns")) {
    traces.push(
      ...readdirSync("/run/netns")
        .filter((n) => n.startsWith("cni-"))
        .map((n) => `netns ${n}`),
    );
  }
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      continue;
    }
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^\S+ \(.*\) Z/.test(stat)) {
      continue;
    }
    if (
      /(^|\/)(kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy|etcd|coredns) /.test(
        `${cmd} `,
      ) ||
      cmd.includes("/cluster/etc/containerd.toml")
    ) {
      traces.push(`process ${pid}: ${cmd.slice(0, 80)}`);
    }
  }
  if (readFileSync("/proc/mounts", "utf8").includes("/litellm-stack/cluster/")) {
    traces.push("mounts under the cluster's directory");
  }
  return traces;
}

/**
 * A Pulumi program of its own (JavaScript, this checkout's node_modules) that declares a
 * Namespace and a ConfigMap through @pulumi/kubernetes and an explicit provider for `kubeconfig`.
 */
function kubernetesProgram(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-k8s-program-"));
  writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: k8s-smoke\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
  );
  writeFileSync(path.join(dir, "package.json"), '{ "name": "k8s-smoke", "private": true }\n');
  writeFileSync(
    path.join(dir, "index.js"),
    [
      'const k8s = require("@pulumi/kubernetes");',
      'const pulumi = require("@pulumi/pulumi");',
      "const config = new pulumi.Config();",
      'const provider = new k8s.Provider("local", { kubeconfig: config.require("kubeconfig") });',
      'const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: config.require("namespace") } }, { provider });',
      'new k8s.core.v1.ConfigMap("cm", { metadata: { namespace: ns.metadata.name, name: "smoke" }, data: { answer: "42" } }, { provider });',
      "",
    ].join("\n"),
  );
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describeE2E(
  "the local Kubernetes cluster (npm run cluster) and the stack's Kubernetes target on it",
  [LITELLM_IMAGE, localGatewayImage(previousLitellmVersion()), POSTGRES_IMAGE, LOCAL_REDIS_IMAGE],
  () => {
    // A failed test must not leave the cluster running (the stop test is the last one).
    afterAll(async () => {
      if ((await cluster("status")).code !== 3) {
        await cluster("stop");
      }
    });

    test("start: the node is Ready, a pod of the local LiteLLM image answers another pod through a ClusterIP Service by DNS name, and a Pulumi program with @pulumi/kubernetes and the toolchain's provider creates and destroys its resources", async () => {
      const started = await cluster("start");
      const ns = `e2e-cluster-${uniqueSuffix()}`;
      try {
        expect(started.code, started.stdout + started.stderr).toBe(0);
        expect((await cluster("status")).code).toBe(0);
        const nodes = await kubectl(
          "get",
          "nodes",
          "-o",
          "jsonpath={.items[*].status.nodeInfo.kubeletVersion}",
        );
        expect(nodes.stdout).toBe("v1.37.2");

        const manifest = `
apiVersion: v1
kind: Namespace
metadata: { name: ${ns} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns} }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${LITELLM_IMAGE}
        imagePullPolicy: Never
        command: [python3, -c, "import http.server as h; h.HTTPServer(('', 8080), type('H', (h.BaseHTTPRequestHandler,), {'do_GET': lambda s: (s.send_response(200), s.end_headers(), s.wfile.write(b'served-by-web'))})).serve_forever()"]
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${ns} }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: client, namespace: ${ns} }
spec:
  backoffLimit: 6
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: client
        image: ${LITELLM_IMAGE}
        imagePullPolicy: Never
        command: [python3, -c, "import urllib.request as u; print(u.urlopen('http://web.${ns}.svc.cluster.local/', timeout=5).read().decode())"]
`;
        const applied = await run("bash", [
          "-c",
          `bash scripts/cluster.sh kubectl apply -f - <<'EOF'\n${manifest}\nEOF`,
        ]);
        expect(applied.code, applied.stderr).toBe(0);
        const done = await kubectl(
          "-n",
          ns,
          "wait",
          "--for=condition=complete",
          "job/client",
          "--timeout=180s",
        );
        expect(
          done.code,
          done.stdout + done.stderr + (await kubectl("-n", ns, "describe", "pods")).stdout,
        ).toBe(0);
        // A first try may have failed before the Service had an endpoint (the Job retries): the
        // log of the pod that succeeded.
        const succeeded = await kubectl(
          ...["-n", ns, "get", "pods", "-l", "job-name=client"],
          ...["--field-selector=status.phase=Succeeded", "-o", "name"],
        );
        const pod = succeeded.stdout.trim().split("\n")[0] ?? "";
        expect(pod).toMatch(/^pod\/client-/);
        expect((await kubectl("-n", ns, "logs", pod)).stdout.trim()).toBe("served-by-web");

        // The toolchain's pulumi-resource-kubernetes with @pulumi/kubernetes: up, then destroy.
        const program = kubernetesProgram();
        const kubeconfig = (await cluster("kubeconfig")).stdout.trim();
        expect(existsSync(kubeconfig)).toBe(true);
        const t = await createTestStack("k8s", {
          project: program.dir,
          config: { kubeconfig, namespace: `${ns}-pulumi` },
        });
        try {
          const up = await t.stack.up();
          expect(up.summary.resourceChanges).toMatchObject({ create: 4 });
          const answer = await kubectl(
            ...["-n", `${ns}-pulumi`, "get", "configmap", "smoke"],
            ...["-o", "jsonpath={.data.answer}"],
          );
          expect(answer.stdout).toBe("42");
        } finally {
          await t.remove();
          program.remove();
        }
        expect((await kubectl("get", "namespace", `${ns}-pulumi`)).code).not.toBe(0);
      } finally {
        await kubectl("delete", "namespace", ns, "--wait=false");
      }
    });

    describe("a stack with target=kubernetes on it", kubernetesStackTests);

    describe("a stack with target=kubernetes and an external database", externalDatabaseTests);

    test("stop: no process, link, network namespace, mount or iptables chain of the cluster is left on the host, and a second stop succeeds", async () => {
      const stopped = await cluster("stop");
      expect(stopped.code, stopped.stderr).toBe(0);
      expect((await cluster("status")).code).toBe(3);
      // A stop of a stopped cluster (e.g. the cleanup after a crashed run) succeeds too.
      const again = await cluster("stop");
      expect(again.code, again.stderr).toBe(0);
      expect(hostTraces()).toEqual([]);
      expect((await run("iptables", ["-S", "LSK8S-FWD"])).code).not.toBe(0);
      expect((await run("iptables", ["-t", "nat", "-S", "KUBE-SERVICES"])).code).not.toBe(0);
    });
  },
  [built],
);
