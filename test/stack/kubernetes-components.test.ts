/**
 * The Kubernetes target's stack (components/kubernetes/stack.ts) under pulumi.runtime.setMocks:
 * the inputs of every object it declares, that every secret reaches the cluster only as a secret
 * input or a Secret reference, and how the admin resources reach the gateway.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  autoname,
  installMocks,
  registered as seen,
  type Registered,
  secretValue,
  value,
} from "../support/pulumi-mocks";
import type { StackConfig } from "../../config";
import { CONTENT_TYPES, DECLARED_CONTENTS, stackConfig } from "../support/stack-config";
import type { KubernetesSettings } from "../../components/kubernetes/settings";

beforeAll(installMocks);

const SETTINGS: KubernetesSettings = {
  kubeconfig: "/tmp/test-kubeconfig",
  context: "kind-test",
  namespace: "gw-ns",
  replicas: 1,
  serviceType: "ClusterIP",
  databaseUrl: undefined,
  databaseMaxConnections: 100,
  databaseStorage: "7Gi",
  storageClass: undefined,
  resources: {
    requests: { cpu: "250m", memory: "768Mi" },
    limits: { cpu: "2", memory: "3Gi" },
  },
};

function config(
  overrides: Partial<StackConfig> = {},
  settings: Partial<KubernetesSettings> = {},
): StackConfig & { kubernetes: KubernetesSettings } {
  return {
    ...stackConfig(overrides),
    target: "kubernetes",
    kubernetes: { ...SETTINGS, ...settings },
  };
}

const T = {
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  job: "kubernetes:batch/v1:Job",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  password: "random:index/randomPassword:RandomPassword",
} as const;

/** Builds a KubernetesStack named `name` and returns what it registered. */
async function build(
  name: string,
  overrides: Partial<StackConfig> = {},
  settings: Partial<KubernetesSettings> = {},
  opts: pulumi.ComponentResourceOptions = {},
) {
  const { KubernetesStack } = await import("../../components/kubernetes/stack");
  const before = seen.length;
  const stack = new KubernetesStack(name, config(overrides, settings), opts);
  await value(stack.baseUrl);
  await value(stack.masterKey);
  await value(stack.virtualKeys);
  // Let the remaining registrations land: wait until nothing new arrives for a while.
  let count = -1;
  while (count !== seen.length) {
    count = seen.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  const mine = seen.slice(before).filter((r) => r.name === name || r.name.startsWith(`${name}-`));
  const find = (type: string, suffix: string): Registered => {
    const r = mine.find((x) => x.type === type && x.name === `${name}-${suffix}`);
    if (r === undefined) {
      throw new Error(
        `no ${type} ${name}-${suffix} among ${mine.map((m) => `${m.type} ${m.name}`).join(", ")}`,
      );
    }
    return r;
  };
  const ofType = (type: string) => mine.filter((r) => r.type === type);
  return { stack, mine, find, ofType };
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const isSecretInput = (v: unknown): boolean =>
  v !== null && typeof v === "object" && SECRET_SIG in (v as Record<string, unknown>);

/** An input with every secret-wrapped value replaced by a marker: what the engine stores in plain. */
function plainPart(v: unknown): unknown {
  if (isSecretInput(v)) {
    return "[secret]";
  }
  if (Array.isArray(v)) {
    return v.map(plainPart);
  }
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainPart(x)]));
  }
  return v;
}

/** Every resource's inputs but their secret-wrapped values, as one text. */
const plainText = (resources: Registered[]): string =>
  resources.map((r) => `${r.type} ${r.name} ${JSON.stringify(plainPart(r.inputs))}`).join("\n");

type Obj = Record<string, unknown>;
type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name?: string; key: string } };
  }[];
  resources?: unknown;
  startupProbe?: Obj;
  readinessProbe?: Obj;
  livenessProbe?: Obj;
  volumeMounts?: Obj[];
};

const spec = (r: Registered) => r.inputs["spec"] as Obj;
const metadata = (r: Registered) => r.inputs["metadata"] as Obj;
const podSpec = (r: Registered) => (spec(r)["template"] as { spec: Obj }).spec;
const container = (r: Registered): Container => {
  const containers = podSpec(r)["containers"] as Container[];
  expect(containers).toHaveLength(1);
  return containers[0] as Container;
};
const envOf = (c: Container, name: string) => {
  const e = (c.env ?? []).find((x) => x.name === name);
  expect(e, `env ${name}`).toBeDefined();
  return e as NonNullable<Container["env"]>[number];
};
const gatewayFile = (find: Awaited<ReturnType<typeof build>>["find"]) =>
  JSON.parse(
    (find(T.configMap, "gateway-config").inputs["data"] as Record<string, string>)[
      "litellm-stack.yaml"
    ] ?? "",
  ) as { general_settings: Record<string, unknown> };

describe("KubernetesStack: cluster, namespace and secrets", () => {
  it("declares a kubernetes Provider with the configured kubeconfig and context, and every Kubernetes object uses it", async () => {
    const { find, mine } = await build("p");
    expect(find(T.provider, "cluster").inputs).toMatchObject({
      kubeconfig: "/tmp/test-kubeconfig",
      context: "kind-test",
    });
    const objects = mine.filter((r) => r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThanOrEqual(10);
    for (const r of objects) {
      expect(r.provider, `${r.type} ${r.name}`).toMatch(
        /[:$]pulumi:providers:kubernetes::p-cluster::p-cluster-id$/,
      );
    }
  });

  it("creates the Namespace of the settings and puts every namespaced object in it", async () => {
    const { find, mine } = await build("ns", {}, { namespace: "team-gw" });
    const ns = find(T.namespace, "namespace");
    expect(metadata(ns)["name"]).toBe("team-gw");
    expect(metadata(ns)["labels"]).toMatchObject({
      "litellm-stack.stack": "dev",
      "litellm-stack.role": "namespace",
    });
    const namespaced = mine.filter(
      (r) => r.type.startsWith("kubernetes:") && r.type !== T.namespace,
    );
    expect(namespaced.length).toBeGreaterThanOrEqual(9);
    for (const r of namespaced) {
      expect(metadata(r)["namespace"], `${r.type} ${r.name}`).toBe("team-gw");
    }
  });

  it("keeps the Namespace on destroy while it holds the kept database claim, not otherwise", async () => {
    const retained = async (
      name: string,
      overrides: Partial<StackConfig>,
      settings: Partial<KubernetesSettings> = {},
    ) => {
      const found: (boolean | undefined)[] = [];
      const record: pulumi.ResourceTransformation = ({ type, opts }) => {
        if (type === T.namespace) {
          found.push(opts.retainOnDelete);
        }
        return undefined;
      };
      await build(name, overrides, settings, { transformations: [record] });
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(await retained("rd1", {})).toBe(true);
    expect(await retained("rd2", { deleteDataOnDestroy: true })).toBe(false);
    expect(
      await retained("rd3", {}, { databaseUrl: pulumi.secret("postgresql://u:p@db:5432/x") }),
    ).toBe(false);
  });

  it("puts the database URL and password, and the master, salt and UI secrets, in two Secrets as secret inputs", async () => {
    const { ofType, find } = await build("s");
    expect(
      ofType(T.secret)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["s-db-secret", "s-gateway-secret"]);
    const db = find(T.secret, "db-secret").inputs;
    expect(secretValue(db["stringData"])).toEqual({
      url: "postgresql://litellm:generated-s-db-password@litellm-db:5432/litellm",
      password: "generated-s-db-password",
    });
    const gw = find(T.secret, "gateway-secret").inputs;
    expect(secretValue(gw["stringData"])).toEqual({
      "master-key": "sk-generated-s-gateway-master-key",
      "salt-key": "generated-s-gateway-salt-key",
      "ui-password": "generated-s-gateway-ui-password",
    });
    expect(db["data"]).toBeUndefined();
    expect(gw["data"]).toBeUndefined();
  });

  it.each([
    ["one replica", "leak1", 1],
    ["three replicas (Redis)", "leak3", 3],
  ])(
    "with %s, no generated secret appears in any resource input that is not secret",
    async (_what, name, replicas) => {
      const { mine } = await build(name, DECLARED_CONTENTS, { replicas });
      const generated = [
        `generated-${name}-db-password`,
        `generated-${name}-gateway-master-key`,
        `generated-${name}-gateway-salt-key`,
        `generated-${name}-gateway-ui-password`,
        ...(replicas > 1 ? [`generated-${name}-redis-password`] : []),
      ];
      // The search has something to find: each value is in some secret input.
      const everything = mine.map((r) => JSON.stringify(r.inputs)).join("\n");
      for (const secret of generated) {
        expect(everything).toContain(secret);
      }
      const plain = plainText(mine);
      expect(plain).toContain("[secret]");
      expect(plain).not.toContain("generated-");
    },
  );

  it("keeps configured secrets and an external database URL out of every input that is not secret", async () => {
    const { mine, find } = await build(
      "kept",
      {
        ...DECLARED_CONTENTS,
        masterKey: pulumi.secret("sk-kept-master-key-0123"),
        saltKey: pulumi.secret("kept-salt-0123456789"),
        uiPassword: pulumi.secret("kept-ui-password-42"),
      },
      { databaseUrl: pulumi.secret("postgresql://ext:ext-db-password-77@db.example:5432/llm") },
    );
    expect(secretValue(find(T.secret, "db-secret").inputs["stringData"])).toMatchObject({
      url: "postgresql://ext:ext-db-password-77@db.example:5432/llm",
    });
    const plain = plainText(mine);
    for (const secret of [
      "sk-kept-master-key-0123",
      "kept-salt-0123456789",
      "kept-ui-password-42",
      "ext-db-password-77",
    ]) {
      expect(plain).not.toContain(secret);
    }
  });
});

describe("KubernetesStack: database", () => {
  it("runs Postgres as the StatefulSet litellm-db with a claim of the configured size, kept on delete by default", async () => {
    const { find, ofType } = await build("db");
    const sts = find(T.statefulSet, "db-statefulset");
    expect(metadata(sts)["name"]).toBe("litellm-db");
    expect(spec(sts)["replicas"]).toBe(1);
    expect(spec(sts)["persistentVolumeClaimRetentionPolicy"]).toEqual({
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
    const claims = spec(sts)["volumeClaimTemplates"] as { metadata: Obj; spec: Obj }[];
    expect(claims).toHaveLength(1);
    expect(claims[0]?.metadata["name"]).toBe("data");
    expect(claims[0]?.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "7Gi" } },
    });
    const pg = container(sts);
    expect(pg.image).toBe("postgres:test");
    expect(envOf(pg, "POSTGRES_PASSWORD")).toEqual({
      name: "POSTGRES_PASSWORD",
      valueFrom: { secretKeyRef: { name: autoname("db-db-secret"), key: "password" } },
    });
    expect(pg.volumeMounts).toEqual([
      { name: "data", mountPath: "/var/lib/postgresql/data", subPath: "pgdata" },
    ]);
    // Its Service is the database's host name.
    const services = ofType(T.service).map((s) => metadata(s)["name"]);
    expect(services).toContain("litellm-db");
  });

  it("deletes the claim with the StatefulSet when deleteDataOnDestroy, and uses a configured StorageClass", async () => {
    const { find, stack } = await build(
      "dbdel",
      { deleteDataOnDestroy: true },
      { storageClass: "fast" },
    );
    const sts = find(T.statefulSet, "db-statefulset");
    expect(spec(sts)["persistentVolumeClaimRetentionPolicy"]).toEqual({
      whenDeleted: "Delete",
      whenScaled: "Retain",
    });
    const claims = spec(sts)["volumeClaimTemplates"] as { spec: Obj }[];
    expect(claims[0]?.spec["storageClassName"]).toBe("fast");
    expect(stack.dataVolume).toEqual({
      name: "data-litellm-db-0",
      deletedOnDestroy: true,
      adopted: false,
    });
  });

  it("runs no Postgres (no StatefulSet, no litellm-db Service) with an external databaseUrl", async () => {
    const { mine, ofType, stack } = await build(
      "ext",
      {},
      { databaseUrl: pulumi.secret("postgresql://ext:pw-ext-1@db.example:5432/llm") },
    );
    expect(ofType(T.statefulSet)).toEqual([]);
    expect(ofType(T.service).map((s) => metadata(s)["name"])).not.toContain("litellm-db");
    expect(mine.some((r) => r.type === "litellm:kubernetes:Postgres")).toBe(false);
    // No claim of the stack's: nothing it deletes on destroy.
    expect(stack.dataVolume.name).not.toBe("data-litellm-db-0");
    expect(stack.dataVolume).toMatchObject({ deletedOnDestroy: false, adopted: false });
  });
});

describe("KubernetesStack: migration Job", () => {
  it("runs the image's migration program (python3) with DATABASE_URL from the database Secret", async () => {
    const { find } = await build("mig");
    const job = find(T.job, "gateway-migration");
    expect(metadata(job)["name"]).toMatch(/^litellm-migrate-[0-9a-f]{10}$/);
    expect(podSpec(job)["restartPolicy"]).toBe("Never");
    expect(spec(job)["activeDeadlineSeconds"]).toBe(600);
    const c = container(job);
    expect(c.image).toBe("litellm:test");
    expect(c.command).toEqual(["python3"]);
    expect(c.args?.[0]).toBe("-c");
    expect(c.env).toEqual([
      {
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: autoname("mig-db-secret"), key: "url" } },
      },
    ]);
  });

  it("gets another name when the image changes (an upgrade runs it again), the same name for the same image", async () => {
    const jobName = async (name: string, overrides: Partial<StackConfig>) => {
      const { find } = await build(name, overrides);
      const n = metadata(find(T.job, "gateway-migration"))["name"];
      expect(typeof n).toBe("string");
      return n as string;
    };
    const a = await jobName("ja", { gatewayImage: "litellm:v1.108.14" });
    const again = await jobName("jb", { gatewayImage: "litellm:v1.108.14" });
    const upgraded = await jobName("jc", { gatewayImage: "litellm:v1.109.3" });
    expect(again).toBe(a);
    expect(upgraded).not.toBe(a);
  });

  it("gets another name for another external database, and never holds its URL", async () => {
    const jobName = async (name: string, url: string | undefined) => {
      const { find } = await build(
        name,
        {},
        { databaseUrl: url === undefined ? undefined : pulumi.secret(url) },
      );
      const job = find(T.job, "gateway-migration");
      // The metadata may come secret (it is derived from the secret URL): read it either way.
      const meta = metadata(job);
      const plain = (isSecretInput(meta) ? secretValue(meta) : meta) as Obj;
      expect(JSON.stringify(job.inputs)).not.toContain("url-pw-");
      return plain["name"] as string;
    };
    const inCluster = await jobName("xa", undefined);
    const one = await jobName("xb", "postgresql://u:url-pw-1@one.example:5432/llm");
    const oneAgain = await jobName("xc", "postgresql://u:url-pw-1@one.example:5432/llm");
    const two = await jobName("xd", "postgresql://u:url-pw-2@two.example:5432/llm");
    expect(one).toMatch(/^litellm-migrate-[0-9a-f]{10}$/);
    expect(oneAgain).toBe(one);
    expect(new Set([inCluster, one, two]).size).toBe(3);
  });

  it("runs after the database and before the Deployment; the admin resources wait for the Deployment", async () => {
    const deps: Record<string, string[]> = {};
    const record: pulumi.ResourceTransformation = ({ name, opts }) => {
      const list = (opts.dependsOn ?? []) as pulumi.Resource[];
      deps[name] = [];
      for (const r of Array.isArray(list) ? list : [list]) {
        void value(r.urn).then((u) => deps[name]?.push(u));
      }
      return undefined;
    };
    await build("ord", DECLARED_CONTENTS, {}, { transformations: [record] });
    expect(deps["ord-gateway-migration"]).toEqual([
      expect.stringMatching(/kubernetes:apps\/v1:StatefulSet::ord-db-statefulset$/),
    ]);
    expect(deps["ord-gateway-deployment"]).toEqual([
      expect.stringMatching(/kubernetes:batch\/v1:Job::ord-gateway-migration$/),
    ]);
    for (const content of ["ord-contents-credential-c", "ord-contents-key-k"]) {
      expect(deps[content]).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/kubernetes:apps\/v1:Deployment::ord-gateway-deployment$/),
          expect.stringMatching(/kubernetes:core\/v1:Service::ord-gateway-service$/),
        ]),
      );
    }
  });
});

describe("KubernetesStack: the gateway Deployment", () => {
  it("runs `replicas` pods of one worker each, with DISABLE_SCHEMA_UPDATE=true", async () => {
    const { find } = await build("dep", {}, { replicas: 3 });
    const dep = find(T.deployment, "gateway-deployment");
    expect(metadata(dep)["name"]).toBe("litellm");
    expect(spec(dep)["replicas"]).toBe(3);
    const c = container(dep);
    expect(c.image).toBe("litellm:test");
    expect(c.args?.slice(-2)).toEqual(["--num_workers", "1"]);
    expect(c.args).toEqual(expect.arrayContaining(["--config", "/app/litellm-stack.yaml"]));
    expect(envOf(c, "DISABLE_SCHEMA_UPDATE")).toEqual({
      name: "DISABLE_SCHEMA_UPDATE",
      value: "true",
    });
  });

  it("reads every secret env from a Secret (secretKeyRef, never a value)", async () => {
    const { find } = await build("env", {}, { replicas: 2 });
    const c = container(find(T.deployment, "gateway-deployment"));
    const refs: Record<string, { name: string; key: string }> = {
      DATABASE_URL: { name: autoname("env-db-secret"), key: "url" },
      LITELLM_MASTER_KEY: { name: autoname("env-gateway-secret"), key: "master-key" },
      LITELLM_SALT_KEY: { name: autoname("env-gateway-secret"), key: "salt-key" },
      UI_PASSWORD: { name: autoname("env-gateway-secret"), key: "ui-password" },
      REDIS_PASSWORD: { name: autoname("env-gateway-secret"), key: "redis-password" },
    };
    for (const [name, ref] of Object.entries(refs)) {
      const e = envOf(c, name);
      expect(e, name).not.toHaveProperty("value");
      expect(e.valueFrom, name).toEqual({ secretKeyRef: ref });
    }
    // The plain env holds no secret.
    const plain = (c.env ?? []).filter((e) => e.value !== undefined).map((e) => e.name);
    expect(plain.sort()).toEqual([
      "DISABLE_SCHEMA_UPDATE",
      "LITELLM_LOCAL_MODEL_COST_MAP",
      "STORE_MODEL_IN_DB",
      "UI_USERNAME",
    ]);
  });

  it("probes startup and liveness on /health/liveliness and readiness on /health/readiness (never /health)", async () => {
    const { find } = await build("probe", { gatewayWaitTimeout: 900 });
    const c = container(find(T.deployment, "gateway-deployment"));
    expect(c.startupProbe).toMatchObject({
      httpGet: { path: "/health/liveliness", port: 4000 },
      periodSeconds: 2,
      failureThreshold: 450,
    });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: "/health/readiness", port: 4000 } });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/health/liveliness", port: 4000 } });
  });

  it("takes the pods' requests and limits from the settings", async () => {
    const { find } = await build("res");
    expect(container(find(T.deployment, "gateway-deployment")).resources).toEqual({
      requests: { cpu: "250m", memory: "768Mi" },
      limits: { cpu: "2", memory: "3Gi" },
    });
  });

  it("rolls without going below the ready replicas (maxUnavailable 0, one surge pod)", async () => {
    const { find } = await build("roll");
    expect(spec(find(T.deployment, "gateway-deployment"))["strategy"]).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });

  it("mounts the ConfigMap's file as the gateway's config", async () => {
    const { find } = await build("cm");
    const dep = find(T.deployment, "gateway-deployment");
    expect(podSpec(dep)["volumes"]).toEqual([
      { name: "config", configMap: { name: autoname("cm-gateway-config") } },
    ]);
    expect(container(dep).volumeMounts).toEqual([
      {
        name: "config",
        mountPath: "/app/litellm-stack.yaml",
        subPath: "litellm-stack.yaml",
        readOnly: true,
      },
    ]);
  });
});

describe("KubernetesStack: the gateway's config file and Redis", () => {
  it("with one replica: pool limit for one pod, no coordination_redis, no Redis objects or password", async () => {
    const { find, mine } = await build("r1", {}, { replicas: 1, databaseMaxConnections: 100 });
    expect(gatewayFile(find)).toEqual({
      general_settings: {
        maximum_spend_logs_retention_period: "30d",
        maximum_spend_logs_cleanup_cron: "17 * * * *",
        database_connection_pool_limit: 45,
      },
    });
    expect(mine.filter((r) => r.name.includes("redis"))).toEqual([]);
    const c = container(find(T.deployment, "gateway-deployment"));
    expect((c.env ?? []).map((e) => e.name)).not.toContain("REDIS_PASSWORD");
  });

  it("with three replicas: the pool shared by four pods, coordination_redis, and a Redis Deployment and Service", async () => {
    // Another max_connections than the own Postgres' 100 comes with an external database.
    const { find } = await build(
      "r3",
      {},
      {
        replicas: 3,
        databaseMaxConnections: 200,
        databaseUrl: pulumi.secret("postgresql://u:p@db.example:5432/llm"),
      },
    );
    expect(gatewayFile(find).general_settings).toMatchObject({
      database_connection_pool_limit: 47,
      coordination_redis: {
        host: "litellm-redis",
        port: 6379,
        password: "os.environ/REDIS_PASSWORD",
      },
    });
    const redis = find(T.deployment, "redis-deployment");
    expect(metadata(redis)["name"]).toBe("litellm-redis");
    expect(container(redis).image).toBe("redis:test");
    expect(podSpec(redis)["volumes"]).toEqual(
      expect.arrayContaining([
        { name: "config", secret: { secretName: autoname("r3-redis-config") } },
      ]),
    );
    expect(metadata(find(T.service, "redis-service"))["name"]).toBe("litellm-redis");
    const conf = secretValue(find(T.secret, "redis-config").inputs["stringData"]) as Record<
      string,
      string
    >;
    expect(conf["litellm-stack.conf"]).toContain("requirepass generated-r3-redis-password");
  });

  it.each([
    [100, 1],
    [100, 2],
    [500, 7],
  ])("writes database_connection_pool_limit = databasePoolLimit(%i, %i)", async (max, replicas) => {
    const { databasePoolLimit } = await import("../../components/kubernetes/settings");
    const { find } = await build(
      `pool${max}x${replicas}`,
      {},
      {
        replicas,
        databaseMaxConnections: max,
        // Another max_connections than the own Postgres' 100 comes with an external database.
        ...(max === 100
          ? {}
          : { databaseUrl: pulumi.secret("postgresql://u:p@db.example:5432/llm") }),
      },
    );
    const limit = gatewayFile(find).general_settings["database_connection_pool_limit"];
    expect(limit).toBe(databasePoolLimit(max, replicas));
    expect(limit).toBeGreaterThanOrEqual(1);
  });
});

describe("KubernetesStack: disruption budget and Service", () => {
  it("lets at most one gateway pod be evicted at a time", async () => {
    const { find } = await build("pdb", {}, { replicas: 2 });
    const pdb = find(T.pdb, "gateway-pdb");
    expect(metadata(pdb)["name"]).toBe("litellm");
    expect(spec(pdb)).toEqual({
      maxUnavailable: 1,
      selector: {
        matchLabels: {
          "app.kubernetes.io/name": "litellm",
          "app.kubernetes.io/component": "gateway",
        },
      },
    });
  });

  it.each(["ClusterIP", "NodePort"] as const)(
    "gives the Service litellm the type %s from the settings, on port 4000",
    async (serviceType) => {
      const { find } = await build(`svc${serviceType}`, {}, { serviceType });
      const svc = find(T.service, "gateway-service");
      expect(metadata(svc)["name"]).toBe("litellm");
      expect(spec(svc)).toMatchObject({
        type: serviceType,
        ports: [{ name: "http", port: 4000, targetPort: 4000 }],
      });
    },
  );
});

describe("KubernetesStack: how the admin resources reach the gateway", () => {
  const contents = (mine: Registered[]) => {
    const found = mine.filter((r) => CONTENT_TYPES.includes(r.type));
    expect(found.map((r) => r.type).sort()).toEqual([...CONTENT_TYPES].sort());
    return found;
  };

  it("through a port-forward to the Service litellm of the namespace, the in-cluster URL as adminUrl", async () => {
    const { mine, stack } = await build("fw", DECLARED_CONTENTS, { namespace: "gw-fw" });
    for (const r of contents(mine)) {
      expect(r.inputs["adminForward"], r.name).toEqual({
        kubeconfig: "/tmp/test-kubeconfig",
        context: "kind-test",
        namespace: "gw-fw",
        service: "litellm",
        port: 4000,
      });
      expect(r.inputs["adminUrl"], r.name).toBe("http://litellm.gw-fw.svc.cluster.local:4000");
      expect(secretValue(r.inputs["adminKey"])).toBe("sk-generated-fw-gateway-master-key");
    }
    expect(stack.kubernetes).toEqual({
      kubeconfig: "/tmp/test-kubeconfig",
      context: "kind-test",
      namespace: "gw-fw",
      deployment: "litellm",
      service: "litellm",
      port: 4000,
      inClusterUrl: "http://litellm.gw-fw.svc.cluster.local:4000",
    });
  });

  it("leaves kubeconfig and context out of the forward when they are not configured", async () => {
    const { mine } = await build("fw2", DECLARED_CONTENTS, {
      kubeconfig: undefined,
      context: undefined,
    });
    for (const r of contents(mine)) {
      expect(r.inputs["adminForward"], r.name).toEqual({
        namespace: "gw-ns",
        service: "litellm",
        port: 4000,
      });
    }
  });

  it("calls a configured adminUrl directly, with no port-forward", async () => {
    const { mine } = await build("direct", {
      ...DECLARED_CONTENTS,
      adminUrl: "https://litellm.example.com",
    });
    for (const r of contents(mine)) {
      expect(r.inputs["adminUrl"], r.name).toBe("https://litellm.example.com");
      expect(r.inputs, r.name).not.toHaveProperty("adminForward");
    }
  });
});
