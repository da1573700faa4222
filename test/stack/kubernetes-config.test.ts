/**
 * The Kubernetes target's config rules (config.ts, targetSettings): its settings and defaults, the
 * refusals (each naming the key and the fix, never a secret's value), the warnings, the images a
 * Kubernetes stack runs and the database pool it sizes.
 */
import { homedir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, imageKeysInUse, parseConfig, type StackConfig } from "../../config";
import { databasePoolLimit, defaultNamespace } from "../../components/kubernetes/settings";

const noSecrets = new Set<string>();
const K8S = { target: "kubernetes" } as const;

/** The problems parseConfig refuses `raw` with (fails when it accepts it). */
function problems(
  raw: Record<string, string>,
  secrets: ReadonlySet<string> = noSecrets,
  stack = "dev",
): string[] {
  try {
    parseConfig(stack, raw, secrets);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(raw)}`);
}

/** The accepted config's Kubernetes settings (fails when there are none). */
function settingsOf(c: StackConfig): NonNullable<StackConfig["kubernetes"]> {
  expect(c.kubernetes, "kubernetes settings").toBeDefined();
  return c.kubernetes as NonNullable<StackConfig["kubernetes"]>;
}

/** Every problem names a key of the project, what is wrong, and a fix. */
const PROBLEM_SHAPE = /^litellm-stack:\S+: .+\. Fix: .+/;

describe("the target key", () => {
  it("defaults to docker, with no Kubernetes settings", () => {
    const c = parseConfig("dev", {}, noSecrets);
    expect(c.target).toBe("docker");
    expect(c.kubernetes).toBeUndefined();
    expect(c.warnings).toEqual([]);
  });

  it("refuses a target other than docker or kubernetes, naming the key and the fix", () => {
    expect(problems({ target: "k8s" })).toEqual([
      'litellm-stack:target: must be docker or kubernetes (got "k8s"). Fix: pulumi config set litellm-stack:target kubernetes',
    ]);
  });

  it("target=kubernetes gives the defaults: namespace litellm on dev, one replica, ClusterIP, 5Gi, 500m/1/1Gi/4Gi, 100 connections", () => {
    const c = parseConfig("dev", { ...K8S }, noSecrets);
    expect(c.target).toBe("kubernetes");
    expect(c.warnings).toEqual([]);
    expect(settingsOf(c)).toEqual({
      kubeconfig: undefined,
      context: undefined,
      namespace: "litellm",
      replicas: 1,
      serviceType: "ClusterIP",
      databaseUrl: undefined,
      databaseMaxConnections: 100,
      databaseStorage: "5Gi",
      storageClass: undefined,
      resources: {
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { cpu: "1", memory: "4Gi" },
      },
    });
  });

  it("names the default namespace litellm-<stack> on any stack but dev", () => {
    expect(settingsOf(parseConfig("ci", { ...K8S }, noSecrets)).namespace).toBe("litellm-ci");
    expect(settingsOf(parseConfig("production", { ...K8S }, noSecrets)).namespace).toBe(
      "litellm-production",
    );
    // A stack name that is no DNS label still gives one.
    expect(defaultNamespace("Feature_X.1")).toBe("litellm-feature-x-1");
    expect(defaultNamespace("dev")).toBe("litellm");
    expect(defaultNamespace("a".repeat(80))).toHaveLength(63);
  });

  it("takes every Kubernetes key as set: kubeconfig, context, namespace, replicas, Service type, storage, resources", () => {
    const c = parseConfig(
      "ci",
      {
        ...K8S,
        kubeconfig: "/tmp/kube/config",
        kubeContext: "kind-test",
        kubeNamespace: "gateway-ns",
        replicas: "3",
        databaseStorage: "20Gi",
        storageClass: "fast.ssd",
        gatewayCpuRequest: "250m",
        gatewayCpuLimit: "2",
        gatewayMemoryRequest: "512Mi",
        gatewayMemoryLimit: "2Gi",
      },
      noSecrets,
    );
    expect(settingsOf(c)).toEqual({
      kubeconfig: "/tmp/kube/config",
      context: "kind-test",
      namespace: "gateway-ns",
      replicas: 3,
      serviceType: "ClusterIP",
      databaseUrl: undefined,
      databaseMaxConnections: 100,
      databaseStorage: "20Gi",
      storageClass: "fast.ssd",
      resources: {
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "2", memory: "2Gi" },
      },
    });
    expect(c.warnings).toEqual([]);
  });

  it("expands a kubeconfig path's leading ~ to the home directory, and only a leading ~ or ~/", () => {
    const kubeconfig = (path: string) =>
      settingsOf(parseConfig("dev", { ...K8S, kubeconfig: path }, noSecrets)).kubeconfig;
    expect(kubeconfig("~/.kube/other")).toBe(`${homedir()}/.kube/other`);
    expect(kubeconfig("~")).toBe(homedir());
    expect(kubeconfig("~admin/.kube/config")).toBe("~admin/.kube/config");
    expect(kubeconfig("/etc/kube/~/config")).toBe("/etc/kube/~/config");
  });

  it("passes a secret databaseUrl on as a secret Output with its value, and that database's max connections", async () => {
    const url = "postgresql://ext:ext-password-123@db.example:5432/litellm";
    const c = parseConfig(
      "dev",
      { ...K8S, databaseUrl: url, databaseMaxConnections: "300" },
      new Set(["databaseUrl"]),
    );
    expect(settingsOf(c).databaseMaxConnections).toBe(300);
    const databaseUrl = settingsOf(c).databaseUrl;
    expect(databaseUrl).toBeDefined();
    const output = databaseUrl as pulumi.Output<string>;
    expect(await pulumi.isSecret(output)).toBe(true);
    expect(await new Promise((resolve) => output.apply(resolve))).toBe(url);
  });
});

describe("the Kubernetes target's refusals", () => {
  it("refuses replicas > 1 on docker, pointing at workers or target=kubernetes", () => {
    const found = problems({ replicas: "3" });
    expect(found).toEqual([
      "litellm-stack:replicas: 3 pods need target=kubernetes; on Docker the gateway is one container (scale it with litellm-stack:workers). Fix: pulumi config rm litellm-stack:replicas, or pulumi config set litellm-stack:target kubernetes",
    ]);
    expect(found[0]).toMatch(PROBLEM_SHAPE);
  });

  it("refuses databaseUrl on docker (the stack runs its own database there)", () => {
    const url = "postgresql://ext:docker-db-secret-9@db.example:5432/litellm";
    const found = problems({ databaseUrl: url }, new Set(["databaseUrl"]));
    expect(found).toEqual([
      "litellm-stack:databaseUrl: an external database is only used with target=kubernetes; on Docker the stack runs litellm-db. Fix: pulumi config rm litellm-stack:databaseUrl, or pulumi config set litellm-stack:target kubernetes",
    ]);
    expect(found.join("\n")).not.toContain("docker-db-secret-9");
  });

  it("refuses workers > 1 on kubernetes and suggests as many replicas", () => {
    const found = problems({ ...K8S, workers: "4" });
    expect(found).toEqual([
      "litellm-stack:workers: 4 workers in one pod; on Kubernetes each pod runs one worker (LiteLLM's advice) and replicas scale. Fix: pulumi config rm litellm-stack:workers, and pulumi config set litellm-stack:replicas 4",
    ]);
    expect(found[0]).toMatch(PROBLEM_SHAPE);
  });

  it("refuses existingVolume on kubernetes (a Docker volume; the data lives in a claim)", () => {
    const found = problems({ ...K8S, existingVolume: "litellm_pgdata" });
    expect(found).toEqual([
      "litellm-stack:existingVolume: is a Docker volume; on Kubernetes the database keeps its data in a PersistentVolumeClaim. Fix: pulumi config rm litellm-stack:existingVolume",
    ]);
  });

  it.each(["NodePort", "LoadBalancer"])(
    "refuses serviceType %s without allowNonLoopbackBind, naming ClusterIP and the acknowledgment",
    (serviceType) => {
      const found = problems({ ...K8S, serviceType });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(PROBLEM_SHAPE);
      expect(found[0]).toMatch(
        new RegExp(`^litellm-stack:serviceType: ${serviceType} exposes the gateway beyond`),
      );
      expect(found[0]).toContain("pulumi config set litellm-stack:serviceType ClusterIP");
      expect(found[0]).toContain("pulumi config set litellm-stack:allowNonLoopbackBind true");
    },
  );

  it("accepts serviceType NodePort with allowNonLoopbackBind, with one warning about TLS and the master key", () => {
    const c = parseConfig(
      "dev",
      { ...K8S, serviceType: "NodePort", allowNonLoopbackBind: "true" },
      noSecrets,
    );
    expect(settingsOf(c).serviceType).toBe("NodePort");
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toContain("NodePort");
    expect(c.warnings[0]).toMatch(/no TLS/);
    expect(c.warnings[0]).toMatch(/master key/);
  });

  it("refuses a serviceType that is not a Service type", () => {
    expect(problems({ ...K8S, serviceType: "Ingress" })).toEqual([
      'litellm-stack:serviceType: must be ClusterIP, NodePort or LoadBalancer (got "Ingress"). Fix: pulumi config set litellm-stack:serviceType ClusterIP',
    ]);
  });

  it("refuses more replicas than an external database's connections can serve (a pool below 1)", () => {
    const external = { ...K8S, databaseUrl: "postgresql://u:pool-pw-1@db.example:5432/x" };
    const secret = new Set(["databaseUrl"]);
    const found = problems({ ...external, databaseMaxConnections: "20", replicas: "10" }, secret);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(PROBLEM_SHAPE);
    expect(found[0]).toMatch(/^litellm-stack:replicas: 10 pods /);
    expect(found[0]).toContain("20 connections");
    expect(found[0]).toContain("pulumi config set litellm-stack:replicas 2");
    expect(found[0]).toContain("pulumi config set litellm-stack:databaseMaxConnections 200");
    // The same replicas on a larger database are accepted.
    expect(found.join("\n")).not.toContain("pool-pw-1");
    const ok = parseConfig(
      "dev",
      { ...external, databaseMaxConnections: "200", replicas: "10" },
      secret,
    );
    expect(settingsOf(ok).replicas).toBe(10);
  });

  it("refuses more replicas than the stack's own Postgres (100 connections) can serve", () => {
    expect(settingsOf(parseConfig("dev", { ...K8S, replicas: "89" }, noSecrets)).replicas).toBe(89);
    const found = problems({ ...K8S, replicas: "90" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(PROBLEM_SHAPE);
    expect(found[0]).toMatch(/^litellm-stack:replicas: 90 pods .*100 connections/);
  });

  it("refuses databaseMaxConnections without databaseUrl (it describes an external database), naming the --secret fix", () => {
    const found = problems({ ...K8S, databaseMaxConnections: "200" });
    expect(found).toEqual([
      "litellm-stack:databaseMaxConnections: describes an external database (databaseUrl); the stack's own Postgres allows 100 connections. Fix: pulumi config rm litellm-stack:databaseMaxConnections, or use an external database (pulumi config set --secret litellm-stack:databaseUrl 'postgresql://litellm:<password>@<host>:5432/litellm')",
    ]);
    // The in-cluster value itself is accepted.
    expect(
      settingsOf(parseConfig("dev", { ...K8S, databaseMaxConnections: "100" }, noSecrets))
        .databaseMaxConnections,
    ).toBe(100);
  });

  it("refuses databaseMaxConnections below 20", () => {
    expect(problems({ ...K8S, databaseMaxConnections: "10" })).toEqual([
      'litellm-stack:databaseMaxConnections: must be at least 20 (got "10"). Fix: pulumi config set litellm-stack:databaseMaxConnections 100',
    ]);
  });

  it("refuses replicas below 1 or above 100", () => {
    expect(problems({ ...K8S, replicas: "0" })).toEqual([
      'litellm-stack:replicas: must be at least 1 (got "0"). Fix: pulumi config set litellm-stack:replicas 2',
    ]);
    expect(problems({ ...K8S, replicas: "101" })).toEqual([
      'litellm-stack:replicas: must be at most 100 (got "101"). Fix: pulumi config set litellm-stack:replicas 2',
    ]);
  });

  it("refuses a resource quantity Kubernetes does not read (4 GB), naming the key and a valid example", () => {
    expect(problems({ ...K8S, gatewayMemoryLimit: "4 GB" })).toEqual([
      'litellm-stack:gatewayMemoryLimit: must be a Kubernetes quantity such as 500m, 1, 512Mi or 4Gi (got "4 GB"). Fix: pulumi config set litellm-stack:gatewayMemoryLimit 4Gi',
    ]);
    expect(problems({ ...K8S, databaseStorage: "5 gigs" })).toEqual([
      'litellm-stack:databaseStorage: must be a Kubernetes quantity such as 500m, 1, 512Mi or 4Gi (got "5 gigs"). Fix: pulumi config set litellm-stack:databaseStorage 5Gi',
    ]);
  });

  it("refuses a namespace that is no DNS label (Bad_NS)", () => {
    expect(problems({ ...K8S, kubeNamespace: "Bad_NS" })).toEqual([
      'litellm-stack:kubeNamespace: must be a Kubernetes namespace name (lower-case letters, digits and -, at most 63) (got "Bad_NS"). Fix: pulumi config set litellm-stack:kubeNamespace litellm',
    ]);
  });

  it("refuses databaseUrl stored in plaintext as a secret key, never echoing the URL", () => {
    const url = "postgresql://ext:plain-db-secret-7@db.example:5432/litellm";
    const found = problems({ ...K8S, databaseUrl: url });
    expect(found).toEqual([
      "litellm-stack:databaseUrl: is stored in plaintext; it must be a secret. Fix: pulumi config set --secret litellm-stack:databaseUrl <value>",
    ]);
    expect(found.join("\n")).not.toContain("plain-db-secret-7");
  });

  it("refuses a databaseUrl that is no postgresql:// URL without echoing it, with a --secret fix", () => {
    const found = problems(
      { ...K8S, databaseUrl: "mysql://ext:mysql-secret-5@db.example/litellm" },
      new Set(["databaseUrl"]),
    );
    expect(found).toEqual([
      "litellm-stack:databaseUrl: must be a postgresql:// URL. Fix: pulumi config set --secret litellm-stack:databaseUrl 'postgresql://litellm:<password>@<host>:5432/litellm'",
    ]);
    expect(found.join("\n")).not.toContain("mysql-secret-5");
  });

  it("lists every Kubernetes problem at once", () => {
    const found = problems({
      ...K8S,
      workers: "2",
      existingVolume: "old",
      serviceType: "LoadBalancer",
      replicas: "10",
      databaseMaxConnections: "20",
    });
    expect(found.map((p) => p.split(":")[1])).toEqual([
      "workers",
      "existingVolume",
      "serviceType",
      "databaseMaxConnections",
      "replicas",
    ]);
  });
});

describe("the Kubernetes keys on a Docker stack", () => {
  it("warns, naming each Kubernetes key that is set, that it is only used with target=kubernetes", () => {
    const c = parseConfig(
      "dev",
      { kubeNamespace: "x", serviceType: "ClusterIP", gatewayCpuLimit: "2" },
      noSecrets,
    );
    expect(c.kubernetes).toBeUndefined();
    expect(c.warnings).toEqual([
      "litellm-stack:kubeNamespace, litellm-stack:serviceType, litellm-stack:gatewayCpuLimit are only used with litellm-stack:target=kubernetes; this stack runs on Docker",
    ]);
  });

  it("words the warning for one key in the singular", () => {
    expect(parseConfig("dev", { kubeContext: "kind" }, noSecrets).warnings).toEqual([
      "litellm-stack:kubeContext is only used with litellm-stack:target=kubernetes; this stack runs on Docker",
    ]);
  });

  it("gives no such warning on a Kubernetes stack", () => {
    expect(
      parseConfig("dev", { ...K8S, kubeContext: "kind", gatewayCpuLimit: "2" }, noSecrets).warnings,
    ).toEqual([]);
  });
});

describe("imageKeysInUse on kubernetes", () => {
  it("runs Redis only with more than one replica (workers do not count there)", () => {
    expect(imageKeysInUse({ target: "kubernetes" })).toEqual(["gatewayImage", "postgresImage"]);
    expect(imageKeysInUse({ target: "kubernetes", replicas: 1, workers: 4 })).toEqual([
      "gatewayImage",
      "postgresImage",
    ]);
    expect(imageKeysInUse({ target: "kubernetes", replicas: 2 })).toEqual([
      "gatewayImage",
      "postgresImage",
      "redisImage",
    ]);
    // As config text, too.
    expect(imageKeysInUse({ target: "kubernetes", replicas: "3" })).toContain("redisImage");
    // On Docker, replicas do not count and workers do.
    expect(imageKeysInUse({ target: "docker", replicas: 3 })).not.toContain("redisImage");
    expect(imageKeysInUse({ workers: 2 })).toContain("redisImage");
  });

  it("runs no Postgres with an external databaseUrl (on kubernetes only)", () => {
    const url = "postgresql://u:p@db:5432/x";
    expect(imageKeysInUse({ target: "kubernetes", databaseUrl: url })).toEqual(["gatewayImage"]);
    expect(imageKeysInUse({ target: "kubernetes", databaseUrl: url, replicas: 2 })).toEqual([
      "gatewayImage",
      "redisImage",
    ]);
    // An empty value (Pulumi.yaml's unset default) is no URL.
    expect(imageKeysInUse({ target: "kubernetes", databaseUrl: "" })).toContain("postgresImage");
    expect(imageKeysInUse({ target: "docker", databaseUrl: url })).toContain("postgresImage");
  });

  it("a production Kubernetes stack needs digests only for the images it runs", () => {
    const digest = `@sha256:${"a".repeat(64)}`;
    const base = {
      ...K8S,
      production: "true",
      gatewayImage: `ghcr.io/berriai/litellm:v1.108.14${digest}`,
    };
    // Two replicas: Postgres and Redis must be pinned too.
    expect(problems({ ...base, replicas: "2" }).map((p) => p.split(":")[1])).toEqual([
      "postgresImage",
      "redisImage",
    ]);
    // An external database: nothing but the gateway runs, which is pinned.
    const c = parseConfig(
      "prod",
      { ...base, databaseUrl: "postgresql://u:secret-pw-1@db:5432/x" },
      new Set(["databaseUrl"]),
    );
    expect(c.production).toBe(true);
  });
});

describe("databasePoolLimit", () => {
  it.each([
    [100, 2, 30],
    [100, 1, 45],
    [20, 10, 0],
    [200, 10, 17],
    [20, 1, 5],
  ])(
    "max_connections %i shared by %i replicas (one more in a rollout, 10 kept) gives %i",
    (max, replicas, pool) => {
      expect(databasePoolLimit(max, replicas)).toBe(pool);
    },
  );

  it("divides among the workers of each pod too", () => {
    expect(databasePoolLimit(100, 2, 3)).toBe(10);
  });
});
