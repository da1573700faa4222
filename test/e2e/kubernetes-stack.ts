/**
 * The stack with target=kubernetes on the local cluster, with real LiteLLM (the tests of
 * cluster.test.ts, between the cluster's start and stop, one after another on one stack):
 * `npm run up` with 2 replicas and declared credentials, aliases and keys; every key through the
 * Service from a pod; a key's rpm limit across both replicas; a deleted pod under a client loop;
 * an upgrade (the migration Job first, then a rollout with no failed request); drift of a key
 * deleted and the Deployment scaled by hand; `npm run forward`; `npm run down` keeping only the
 * data claim.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openForward } from "../../components/kubernetes/forward";
import { LITELLM_VERSION } from "../../config";
import {
  POSTGRES_IMAGE,
  adminApi,
  createTestStack,
  previousLitellmVersion,
  run,
  uniqueSuffix,
  type ConfigEntry,
  type TestStack,
} from "./harness";
import {
  apply,
  clientPod,
  finished,
  keysSecret,
  kubectl,
  logLines,
  stopLoop,
} from "./kubernetes-pods";

const FROM_VERSION = previousLitellmVersion();
const MODEL = "k8s-model";
const ANSWER = "answer from the cluster";
/** The rate-limited key's requests per minute. */
const RPM = 4;

/**
 * The config of a test stack on the local cluster in namespace `ns`, with the local images and
 * gateway requests small enough for two replicas, a surge pod, Postgres and Redis on 2 cores.
 */
async function onLocalCluster(ns: string): Promise<Record<string, ConfigEntry>> {
  const kubeconfig = (await run("bash", ["scripts/cluster.sh", "kubeconfig"])).stdout.trim();
  return {
    target: "kubernetes",
    kubeconfig,
    kubeNamespace: ns,
    imageSource: "local",
    gatewayCpuRequest: "200m",
    gatewayMemoryRequest: "512Mi",
  };
}

/** The gateway Deployment's ready replicas and image. */
async function gatewayDeployment(ns: string): Promise<{ ready: number; image: string }> {
  const r = await kubectl(
    ...["-n", ns, "get", "deployment", "litellm", "-o"],
    "jsonpath={.status.readyReplicas} {.spec.template.spec.containers[0].image}",
  );
  const [ready, image] = r.stdout.split(" ");
  return { ready: Number(ready), image: image ?? "" };
}

/** Waits until the gateway Deployment has `replicas` ready (and no more pods). */
async function rolledOut(ns: string, replicas: number): Promise<void> {
  const r = await kubectl(
    ...[
      "-n",
      ns,
      "wait",
      "deployment/litellm",
      `--for=jsonpath={.status.readyReplicas}=${replicas}`,
    ],
    "--timeout=180s",
  );
  expect(r.code, r.stderr).toBe(0);
  const rollout = await kubectl(
    "-n",
    ns,
    "rollout",
    "status",
    "deployment/litellm",
    "--timeout=180s",
  );
  expect(rollout.code, rollout.stderr).toBe(0);
}

/** The gateway pods' names. */
async function gatewayPods(ns: string): Promise<string[]> {
  const r = await kubectl(
    ...["-n", ns, "get", "pods", "-l", "app.kubernetes.io/component=gateway"],
    ...["--field-selector=status.phase=Running", "-o", "name"],
  );
  return r.stdout.trim().split("\n").filter(Boolean);
}

export function kubernetesStackTests(): void {
  let t: TestStack;
  let ns: string;
  let keys: Record<string, string>;
  let masterKey: string;
  let inCluster: string;

  beforeAll(async () => {
    ns = `e2e-k8s-${uniqueSuffix()}`;
    t = await createTestStack("k8s", {
      config: {
        ...(await onLocalCluster(ns)),
        litellmVersion: FROM_VERSION,
        replicas: "2",
        "credentials[0].name": "openai-main",
        "credentials[0].provider": "openai",
        "credentials[0].values.api_key": { secret: "sk-k8s-test-credential-0001" },
        "models[0].name": MODEL,
        "models[0].target": "openai/gpt-4o",
        "models[0].credential": "openai-main",
        "models[0].params.mock_response": ANSWER,
        "keys[0].alias": "limited",
        "keys[0].rpmLimit": String(RPM),
        "keys[1].alias": "client",
      },
    });
  }, 120_000);

  afterAll(async () => {
    await t?.remove();
    await kubectl("delete", "namespace", ns, "--wait=true", "--timeout=120s");
  }, 300_000);

  test("npm run up creates the stack with 2 ready replicas; the outputs give the forward URL and the in-cluster URL; no secret is in plain text in a manifest; every key authenticates through the Service from a pod, a wrong one does not", async () => {
    const started = performance.now();
    const up = await t.cli("up");
    const seconds = (performance.now() - started) / 1000;
    expect(up.code, up.stdout + up.stderr).toBe(0);
    console.log(
      `[measure] kubernetes: npm run up to ready with 2 replicas: ${seconds.toFixed(1)} s`,
    );
    expect(await gatewayDeployment(ns)).toMatchObject({ ready: 2 });

    inCluster = `http://litellm.${ns}.svc.cluster.local:4000`;
    expect(await t.output("inClusterUrl")).toBe(inCluster);
    expect(await t.output("LITELLM_BASE_URL")).toBe(t.baseUrl);
    expect(await t.output("kubernetes")).toMatchObject({ namespace: ns, service: "litellm" });
    expect(await t.output("dataVolume")).toMatchObject({ name: "data-litellm-db-0" });
    keys = {
      LIMITED: await t.output<string>("LITELLM_VIRTUAL_KEY_LIMITED"),
      CLIENT: await t.output<string>("LITELLM_VIRTUAL_KEY_CLIENT"),
    };
    masterKey = await t.output<string>("LITELLM_MASTER_KEY");
    expect(keys["CLIENT"]).toMatch(/^sk-/);

    // Every workload refers to its secrets; the manifests as stored hold none of them (the
    // secrets audit of remove() checks this text too).
    const manifests = await kubectl(
      ...["-n", ns, "get", "deployments,statefulsets,jobs,configmaps,services", "-o", "yaml"],
    );
    expect(manifests.code).toBe(0);
    t.record(
      "kubectl get deployments,statefulsets,jobs,configmaps,services -o yaml",
      manifests.stdout,
    );
    for (const secret of [masterKey, ...Object.values(keys)]) {
      expect(manifests.stdout).not.toContain(secret);
    }
    expect(manifests.stdout).toContain("secretKeyRef");
    expect(manifests.stdout).toContain("DISABLE_SCHEMA_UPDATE");

    await apply(
      t.dir,
      "keys",
      keysSecret(ns, { ...keys, MASTER: masterKey, WRONG: "sk-not-a-key-of-this-gateway" }),
    );
    await apply(
      t.dir,
      "client-keys",
      clientPod(ns, "client-keys", inCluster, MODEL, [
        "keys",
        "KEY_CLIENT",
        "KEY_MASTER",
        "KEY_WRONG",
      ]),
    );
    const log = await finished(ns, "client-keys");
    expect(log.trim().split("\n")).toEqual(["KEY_CLIENT 200", "KEY_MASTER 200", "KEY_WRONG 401"]);
  });

  test(`a key's rpmLimit (${RPM}) holds across both replicas: of 10 calls through the Service, ${RPM} are answered and the rest refused with 429, and both pods served calls`, async () => {
    const pods = await gatewayPods(ns);
    expect(pods).toHaveLength(2);
    const before = await Promise.all(
      pods.map(
        async (p) =>
          (await kubectl("-n", ns, "logs", p)).stdout.split("POST /v1/chat/completions").length,
      ),
    );
    await apply(
      t.dir,
      "client-burst",
      clientPod(ns, "client-burst", inCluster, MODEL, ["burst", "10", "KEY_LIMITED"]),
    );
    const statuses = (await finished(ns, "client-burst")).trim().split("\n");
    expect(statuses.filter((s) => s === "200")).toHaveLength(RPM);
    expect(statuses.filter((s) => s === "429")).toHaveLength(10 - RPM);
    const after = await Promise.all(
      pods.map(
        async (p) =>
          (await kubectl("-n", ns, "logs", p)).stdout.split("POST /v1/chat/completions").length,
      ),
    );
    // Each pod logged at least one of the 10 calls (a 2^-9 chance of all on one pod).
    after.forEach((n, i) => expect(n, pods[i]).toBeGreaterThan(before[i] ?? 0));
  });

  test("one gateway pod deleted: a client loop in a pod keeps getting answers (no failed call) while the Deployment replaces it", async () => {
    await apply(
      t.dir,
      "client-loop",
      clientPod(ns, "client-loop", inCluster, MODEL, ["loop", "KEY_CLIENT"]),
    );
    await logLines(ns, "client-loop", 10);
    const [victim] = await gatewayPods(ns);
    const deletedAt = Date.now();
    const del = await kubectl("-n", ns, "delete", victim ?? "pod/none", "--wait=true");
    expect(del.code, del.stderr).toBe(0);
    await rolledOut(ns, 2);
    const calls = await stopLoop(ns, "client-loop");
    const failed = calls.filter((c) => c.status !== "200");
    console.log(
      `[measure] kubernetes: pod deletion: ${calls.length} calls, ${failed.length} failed, ${calls.filter((c) => c.at > deletedAt).length} after the deletion`,
    );
    expect(failed).toEqual([]);
    expect(calls.filter((c) => c.at > deletedAt).length).toBeGreaterThan(20);
  });

  test(`an upgrade (${FROM_VERSION} → ${LITELLM_VERSION}) runs the migration Job to completion before the Deployment rolls, and a client loop sees no failed call during the rollout`, async () => {
    expect((await gatewayDeployment(ns)).image).toContain(FROM_VERSION);
    await apply(
      t.dir,
      "client-upgrade",
      clientPod(ns, "client-upgrade", inCluster, MODEL, ["loop", "KEY_CLIENT"]),
    );
    await logLines(ns, "client-upgrade", 10);
    await t.setConfig({ litellmVersion: LITELLM_VERSION });
    const started = performance.now();
    const up = await t.cli("up");
    const seconds = (performance.now() - started) / 1000;
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const calls = await stopLoop(ns, "client-upgrade");
    const failed = calls.filter((c) => c.status !== "200");
    console.log(
      `[measure] kubernetes: upgrade up ${seconds.toFixed(1)} s; rollout: ${calls.length} calls, ${failed.length} failed`,
    );
    expect(failed).toEqual([]);
    const deployment = await gatewayDeployment(ns);
    expect(deployment).toMatchObject({ ready: 2 });
    expect(deployment.image).toContain(LITELLM_VERSION);

    // The new version's Job completed before its ReplicaSet was created.
    const jobs = JSON.parse(
      (await kubectl("-n", ns, "get", "jobs", "-l", "litellm-stack.role=migrate", "-o", "json"))
        .stdout,
    ) as {
      items: {
        spec: { template: { spec: { containers: { image: string }[] } } };
        status: { completionTime?: string };
      }[];
    };
    const job = jobs.items.find((j) =>
      j.spec.template.spec.containers[0]?.image.includes(LITELLM_VERSION),
    );
    expect(job?.status.completionTime).toBeDefined();
    const sets = JSON.parse(
      (
        await kubectl(
          "-n",
          ns,
          "get",
          "replicasets",
          "-l",
          "app.kubernetes.io/component=gateway",
          "-o",
          "json",
        )
      ).stdout,
    ) as {
      items: {
        metadata: { creationTimestamp: string };
        spec: { template: { spec: { containers: { image: string }[] } } };
      }[];
    };
    const set = sets.items.find((r) =>
      r.spec.template.spec.containers[0]?.image.includes(LITELLM_VERSION),
    );
    expect(Date.parse(set?.metadata.creationTimestamp ?? "")).toBeGreaterThanOrEqual(
      Date.parse(job?.status.completionTime ?? "x"),
    );
  });

  test("drift reports a key deleted by hand and the Deployment scaled by hand (exit 3); up repairs both; drift then finds none", async () => {
    await throughForward(async (url) => {
      const del = await adminApi(url, "POST", "/key/delete", masterKey, {
        keys: [keys["CLIENT"]],
      });
      expect(del.status, JSON.stringify(del.body)).toBe(200);
    });
    expect((await kubectl("-n", ns, "scale", "deployment/litellm", "--replicas=3")).code).toBe(0);
    await rolledOut(ns, 3);
    const drift = await t.cli("drift");
    expect(drift.code, drift.stdout + drift.stderr).toBe(3);
    expect(drift.stdout).toContain('  key "client": missing: up creates it');
    expect(drift.stdout).toContain("    spec.replicas: 3 → 2");

    const up = await t.cli("up");
    expect(up.code, up.stdout + up.stderr).toBe(0);
    await rolledOut(ns, 2);
    const again = await t.cli("drift");
    expect(again.code, again.stdout + again.stderr).toBe(0);
    keys["CLIENT"] = await t.output<string>("LITELLM_VIRTUAL_KEY_CLIENT");
  });

  test("npm run forward serves the gateway on the stack's LITELLM_BASE_URL (127.0.0.1:hostPort) until SIGTERM", async () => {
    const invocation = t.cliInvocation("forward");
    const child = spawn(invocation.file, invocation.args, { env: invocation.env });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !err.includes("forwarding"); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(err).toContain(`forwarding ${t.baseUrl}`);
      const res = await adminApi(t.baseUrl, "POST", "/v1/chat/completions", keys["CLIENT"] ?? "", {
        model: MODEL,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(ANSWER);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    t.record("npm run forward stderr", err);
  });

  test("the Docker target's doctor, stop and backup are refused on this stack (exit 1), each naming its namespace and what to use instead; the gateway keeps serving", async () => {
    const expected = {
      doctor: `npm run drift -- --stack ${t.name}, and kubectl -n ${ns} get pods,jobs,events`,
      stop: `kubectl -n ${ns} scale deployment/litellm --replicas=0`,
      backup: `kubectl -n ${ns} exec litellm-db-0 -- pg_dump -U litellm -d litellm -Fc`,
    };
    for (const [command, instead] of Object.entries(expected)) {
      const r = await t.cli(command);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `npm run ${command} works on the Docker target; stack '${t.name}' runs on Kubernetes (namespace ${ns}). Instead: ${instead}`,
      );
    }
    expect((await gatewayDeployment(ns)).ready).toBe(2);
  });

  /** Runs `fn` with the admin API reached through a port-forward to the stack's Service. */
  async function throughForward<T>(fn: (url: string) => Promise<T>): Promise<T> {
    const forward = await openForward({
      kubeconfig: (await t.output<{ kubeconfig: string }>("kubernetes")).kubeconfig,
      namespace: ns,
      service: "litellm",
      port: 4000,
    });
    try {
      return await fn(forward.url);
    } finally {
      forward.close();
    }
  }

  /** A key made by hand before `down` (what the kept database must still hold after it). */
  let handMade = "";

  test("npm run down removes everything of the stack but the data claim (kept with its namespace) and saves what reading it needs into the config", async () => {
    handMade = await throughForward(async (url) => {
      const made = await adminApi(url, "POST", "/key/generate", masterKey, {
        key_alias: "made-by-hand",
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      return String(made.body["key"]);
    });
    const down = await t.cli("down");
    expect(down.code, down.stdout + down.stderr).toBe(0);
    // The pods of the deleted workloads may take a few seconds to terminate.
    let left: string[] = [];
    for (let i = 0; i < 60; i++) {
      const r = await kubectl(
        ...["-n", ns, "get", "all,secrets,configmaps,poddisruptionbudgets,persistentvolumeclaims"],
        ...["-l", "app.kubernetes.io/managed-by=litellm-stack", "-o", "name"],
      );
      left = r.stdout.trim().split("\n");
      if (r.code === 0 && left.length === 1) {
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(left).toEqual(["persistentvolumeclaim/data-litellm-db-0"]);
    const config = await t.stack.getAllConfig();
    expect(config["litellm-stack:masterKey"]).toMatchObject({ secret: true });
    expect(config["litellm-stack:databasePassword"]).toMatchObject({ secret: true });
  });

  test("npm run up after down reuses the kept claim and namespace: the key made by hand is still in the database, read with the saved master key, and the stack's keys work again", async () => {
    const up = await t.cli("up");
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(await t.output("LITELLM_MASTER_KEY")).toBe(masterKey);
    await throughForward(async (url) => {
      const info = await adminApi(url, "GET", `/key/info?key=${handMade}`, masterKey);
      expect(info.status, JSON.stringify(info.body)).toBe(200);
      expect(JSON.stringify(info.body)).toContain("made-by-hand");
      const answer = await adminApi(
        url,
        "POST",
        "/v1/chat/completions",
        await t.output<string>("LITELLM_VIRTUAL_KEY_CLIENT"),
        { model: MODEL, messages: [{ role: "user", content: "hi" }] },
      );
      expect(answer.status).toBe(200);
    });
  });
}

/**
 * The Kubernetes target with an external database (`databaseUrl`): a Postgres of its own in
 * another namespace stands for the managed database most production stacks use.
 */
export function externalDatabaseTests(): void {
  const dbNamespace = `e2e-extdb-${uniqueSuffix()}`;
  const password = `extdb-${uniqueSuffix()}-password`;
  // A user name of its own: the secrets audit counts a URL's user name as part of the secret.
  const user = `owner_${uniqueSuffix()}`;
  let t: TestStack;
  let ns: string;

  beforeAll(async () => {
    const dir = (await run("mktemp", ["-d"])).stdout.trim();
    await apply(
      dir,
      "external-db",
      `apiVersion: v1
kind: Namespace
metadata: { name: ${dbNamespace} }
---
apiVersion: v1
kind: Secret
metadata: { name: pg, namespace: ${dbNamespace} }
stringData: { password: ${JSON.stringify(password)} }
---
apiVersion: v1
kind: Pod
metadata: { name: pg, namespace: ${dbNamespace}, labels: { app: pg } }
spec:
  containers:
  - name: postgres
    image: ${POSTGRES_IMAGE}
    imagePullPolicy: Never
    env:
    - { name: POSTGRES_USER, value: ${user} }
    - { name: POSTGRES_DB, value: litellm }
    - { name: POSTGRES_PASSWORD, valueFrom: { secretKeyRef: { name: pg, key: password } } }
    readinessProbe: { exec: { command: [pg_isready, -h, 127.0.0.1, -U, ${user}, -d, litellm] }, periodSeconds: 2 }
---
apiVersion: v1
kind: Service
metadata: { name: pg, namespace: ${dbNamespace} }
spec:
  selector: { app: pg }
  ports: [{ port: 5432 }]
`,
    );
    await run("rm", ["-rf", dir]);
    const ready = await kubectl(
      "-n",
      dbNamespace,
      "wait",
      "--for=condition=Ready",
      "pod/pg",
      "--timeout=120s",
    );
    expect(ready.code, ready.stderr).toBe(0);
    ns = `e2e-k8sx-${uniqueSuffix()}`;
    t = await createTestStack("k8sx", {
      config: {
        ...(await onLocalCluster(ns)),
        databaseUrl: {
          secret: `postgresql://${user}:${password}@pg.${dbNamespace}.svc.cluster.local:5432/litellm`,
        },
        "models[0].name": MODEL,
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": ANSWER,
        "keys[0].alias": "client",
      },
    });
  }, 180_000);

  afterAll(async () => {
    await t?.remove();
    await kubectl("delete", "namespace", ns, dbNamespace, "--wait=true", "--timeout=120s");
  }, 300_000);

  test("with databaseUrl the stack runs no Postgres, migrates and serves from the external database, and down deletes its namespace while the database keeps the gateway's tables", async () => {
    const up = await t.cli("up");
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const statefulSets = await kubectl(
      "-n",
      ns,
      "get",
      "statefulsets,persistentvolumeclaims",
      "-o",
      "name",
    );
    expect(statefulSets.stdout.trim()).toBe("");
    expect(await t.output("dataVolume")).toMatchObject({ deletedOnDestroy: false });

    const key = await t.output<string>("LITELLM_VIRTUAL_KEY_CLIENT");
    await apply(t.dir, "keys", keysSecret(ns, { CLIENT: key }));
    await apply(
      t.dir,
      "client-ext",
      clientPod(ns, "client-ext", `http://litellm.${ns}.svc.cluster.local:4000`, MODEL, [
        "keys",
        "KEY_CLIENT",
      ]),
    );
    expect((await finished(ns, "client-ext")).trim()).toBe("KEY_CLIENT 200");

    const down = await t.cli("down");
    expect(down.code, down.stdout + down.stderr).toBe(0);
    const gone = await kubectl("wait", "--for=delete", `namespace/${ns}`, "--timeout=120s");
    expect(gone.code, gone.stderr).toBe(0);
    const tables = await kubectl(
      ...["-n", dbNamespace, "exec", "pg", "--", "psql", "-U", user, "-d", "litellm", "-tAc"],
      "select count(*) from information_schema.tables where table_name like 'LiteLLM_%'",
    );
    expect(tables.code, tables.stderr).toBe(0);
    // LiteLLM's schema (1.108: about 50 tables), made by the migration Job.
    expect(Number(tables.stdout.trim())).toBeGreaterThan(20);
  });
}
