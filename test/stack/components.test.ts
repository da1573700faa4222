/**
 * The stack's components under pulumi.runtime.setMocks: the inputs of every child resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  installMocks,
  registered,
  secretValue,
  value,
  type Registered,
} from "../support/pulumi-mocks";
import type { StackConfig } from "../../config";
import { CONTENT_TYPES, DECLARED_CONTENTS, stackConfig } from "../support/stack-config";

beforeAll(installMocks);

const config = stackConfig;

async function build(name: string, overrides: Partial<StackConfig> = {}) {
  const { LiteLlmStack } = await import("../../components");
  const before = registered.length;
  const stack = new LiteLlmStack(name, config(overrides));
  await value(stack.baseUrl);
  await value(stack.masterKey);
  // let the remaining registrations land
  await new Promise((r) => setTimeout(r, 50));
  const mine = registered.slice(before).filter((r) => r.name.startsWith(name));
  const find = (type: string, suffix: string): Registered => {
    const r = mine.find((x) => x.type === type && x.name === `${name}-${suffix}`);
    if (r === undefined) {
      throw new Error(`no ${type} ${name}-${suffix} among ${mine.map((m) => m.name).join(", ")}`);
    }
    return r;
  };
  return { stack, mine, find };
}

/** The stack's own network resource (components/network.ts). */
const NETWORK = "pulumi-nodejs:dynamic/litellm:Network";
const CONTAINER = "docker:index/container:Container";

describe("LiteLlmStack children", () => {
  it("keeps the compose names on the dev stack and distinct names elsewhere", async () => {
    const dev = await build("a");
    expect(dev.find(CONTAINER, "db-container").inputs["name"]).toBe("litellm-db");
    expect(dev.find(CONTAINER, "gateway-container").inputs["name"]).toBe("litellm");
    expect(dev.find("docker:index/volume:Volume", "db-data").inputs["name"]).toBe("litellm_pgdata");
    const ci = await build("b", { stack: "ci" });
    expect(ci.find(CONTAINER, "db-container").inputs["name"]).toBe("litellm-ci-db");
    expect(ci.find("docker:index/volume:Volume", "db-data").inputs["name"]).toBe(
      "litellm_ci_pgdata",
    );
    expect(ci.find(NETWORK, "network-bridge").inputs["name"]).toBe("litellm-ci-net");
  });

  it("gives the database no published ports, a healthcheck, the volume, restart unless-stopped", async () => {
    const { find } = await build("c");
    const db = find(CONTAINER, "db-container").inputs;
    expect(db["ports"]).toBeUndefined();
    expect(db["restart"]).toBe("unless-stopped");
    expect(db["wait"]).toBe(true);
    expect(db["volumes"]).toEqual([
      { volumeName: "litellm_pgdata", containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(db["healthcheck"]).toMatchObject({
      tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "litellm", "-d", "litellm"],
    });
    expect(db["networksAdvanced"]).toEqual([{ name: "litellm-net", aliases: ["litellm-db"] }]);
    expect(secretValue(db["envs"])).toEqual([
      "POSTGRES_USER=litellm",
      "POSTGRES_DB=litellm",
      "POSTGRES_PASSWORD=generated-c-db-password",
    ]);
  });

  it("publishes the gateway on the configured bind address and port only", async () => {
    const loop = await build("d");
    expect(loop.find(CONTAINER, "gateway-container").inputs["ports"]).toEqual([
      { internal: 4000, external: 4000, ip: "127.0.0.1" },
    ]);
    expect(await value(loop.stack.baseUrl)).toBe("http://127.0.0.1:4000");
    const wide = await build("e", { bindAddress: "0.0.0.0", hostPort: 8080 });
    expect(wide.find(CONTAINER, "gateway-container").inputs["ports"]).toEqual([
      { internal: 4000, external: 8080, ip: "0.0.0.0" },
    ]);
    expect(await value(wide.stack.baseUrl)).toBe("http://127.0.0.1:8080");
  });

  it("wires the gateway's env: database over the private network, generated sk- master key, salt, UI", async () => {
    const { find, stack } = await build("f");
    const envs = secretValue(find(CONTAINER, "gateway-container").inputs["envs"]) as string[];
    expect(envs).toEqual([
      "DATABASE_URL=postgresql://litellm:generated-f-db-password@litellm-db:5432/litellm",
      "LITELLM_MASTER_KEY=sk-generated-f-gateway-master-key",
      "LITELLM_SALT_KEY=generated-f-gateway-salt-key",
      "STORE_MODEL_IN_DB=True",
      "DISABLE_SCHEMA_UPDATE=true",
      "UI_USERNAME=admin",
      "UI_PASSWORD=generated-f-gateway-ui-password",
      "LITELLM_LOCAL_MODEL_COST_MAP=True",
    ]);
    expect(await value(stack.masterKey)).toBe("sk-generated-f-gateway-master-key");
  });

  it("runs one worker with its config file (spend-log retention, no Redis) and no Redis container", async () => {
    const { find, mine } = await build("w1");
    const gw = find(CONTAINER, "gateway-container").inputs;
    expect(gw["command"]).toEqual([
      "--host",
      "0.0.0.0",
      "--port",
      "4000",
      "--config",
      "/app/litellm-stack.yaml",
      "--num_workers",
      "1",
    ]);
    const uploads = gw["uploads"] as { file: string; content: string }[];
    expect(uploads.map((u) => u.file)).toEqual(["/app/litellm-stack.yaml"]);
    expect(JSON.parse(uploads[0]?.content ?? "")).toEqual({
      general_settings: {
        maximum_spend_logs_retention_period: "30d",
        maximum_spend_logs_cleanup_cron: "17 * * * *",
      },
    });
    expect(mine.filter((r) => r.name.includes("redis"))).toEqual([]);
  });

  it("with workers > 1 adds Redis and wires it as coordination_redis, the password only in the env (secret)", async () => {
    const { find } = await build("w3", { workers: 3, spendLogRetention: undefined });
    const gw = find(CONTAINER, "gateway-container").inputs;
    expect((gw["command"] as string[]).slice(-2)).toEqual(["--num_workers", "3"]);
    const uploads = gw["uploads"] as { file: string; content: string }[];
    const settings = JSON.parse(uploads[0]?.content ?? "") as Record<string, unknown>;
    expect(settings).toEqual({
      general_settings: {
        coordination_redis: {
          host: "litellm-redis",
          port: 6379,
          password: "os.environ/REDIS_PASSWORD",
        },
      },
    });
    const redis = find(CONTAINER, "redis-container").inputs;
    expect(redis["image"]).toBe("redis:test");
    expect(redis["ports"]).toBeUndefined();
    const envs = secretValue(gw["envs"]) as string[];
    expect(envs).toContain("REDIS_PASSWORD=generated-w3-redis-password");
    expect(uploads[0]?.content).not.toContain("generated-w3-redis-password");
  });

  it("checks the gateway on /health/liveliness (never /health) and waits long enough for migrations", async () => {
    const { find } = await build("g", { gatewayWaitTimeout: 900 });
    const gw = find(CONTAINER, "gateway-container").inputs;
    const hc = gw["healthcheck"] as { tests: string[]; startPeriod: string };
    expect(hc.tests.join(" ")).toContain("/health/liveliness");
    expect(hc.tests.join(" ")).not.toMatch(/\/health'/);
    expect(hc.startPeriod).toBe("15m0s");
    expect(gw["wait"]).toBe(true);
    expect(gw["waitTimeout"]).toBe(900);
    expect(gw["restart"]).toBe("unless-stopped");
  });

  it("labels every container, volume and network with the stack and role", async () => {
    const { mine } = await build("h", { stack: "qa" });
    const docker = mine.filter((r) =>
      ["docker:index/container:Container", "docker:index/volume:Volume", NETWORK].includes(r.type),
    );
    expect(docker).toHaveLength(4);
    const roles = docker.map((r) => {
      // The Docker provider's resources take {label, value} pairs, the network `key=value`.
      const labels = (r.inputs["labels"] as ({ label: string; value: string } | string)[]).map(
        (l) => (typeof l === "string" ? { label: l.split("=")[0], value: l.split("=")[1] } : l),
      );
      expect(labels).toContainEqual({ label: "litellm-stack.stack", value: "qa" });
      return labels.find((l) => l.label === "litellm-stack.role")?.value;
    });
    expect(roles.sort()).toEqual(["data", "db", "gateway", "network"]);
  });

  it("generates every secret with RandomPassword and keeps them secret", async () => {
    const { mine, stack } = await build("i");
    const passwords = mine.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.map((p) => p.name).sort()).toEqual([
      "i-db-password",
      "i-gateway-master-key",
      "i-gateway-salt-key",
      "i-gateway-ui-password",
    ]);
    expect(mine.some((r) => r.type === "random:index/randomString:RandomString")).toBe(false);
    expect(await pulumi.isSecret(stack.masterKey as pulumi.Output<string>)).toBe(true);
    expect(await pulumi.isSecret(stack.uiPassword as pulumi.Output<string>)).toBe(true);
  });

  it("gives the generated master key no keepers at rotation 0 (existing stacks keep their key) and the counter as keeper after", async () => {
    const master = "random:index/randomPassword:RandomPassword";
    const first = await build("rot0");
    expect(first.find(master, "gateway-master-key").inputs["keepers"]).toBeUndefined();
    const rotated = await build("rot2", { masterKeyRotation: 2 });
    expect(rotated.find(master, "gateway-master-key").inputs["keepers"]).toEqual({ rotation: "2" });
    // The salt and the other secrets do not rotate with it.
    expect(rotated.find(master, "gateway-salt-key").inputs["keepers"]).toBeUndefined();
    expect(rotated.find(master, "gateway-ui-password").inputs["keepers"]).toBeUndefined();
  });

  it("uses given master, salt and UI secrets instead of generating them (compose migration)", async () => {
    const { mine, find, stack } = await build("j", {
      masterKey: pulumi.secret("sk-kept-master-key-0123"),
      saltKey: pulumi.secret("kept-salt-0123456789"),
      uiPassword: pulumi.secret("kept-ui-password"),
      databasePassword: pulumi.secret("kept-db-password"),
      existingVolume: "old_pgdata",
    });
    const passwords = mine.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords).toEqual([]);
    expect(mine.some((r) => r.type === "docker:index/volume:Volume")).toBe(false);
    expect(find(CONTAINER, "db-container").inputs["volumes"]).toEqual([
      { volumeName: "old_pgdata", containerPath: "/var/lib/postgresql/data" },
    ]);
    const envs = secretValue(find(CONTAINER, "gateway-container").inputs["envs"]) as string[];
    expect(envs).toContain("LITELLM_MASTER_KEY=sk-kept-master-key-0123");
    expect(envs).toContain("LITELLM_SALT_KEY=kept-salt-0123456789");
    expect(envs).toContain(
      "DATABASE_URL=postgresql://litellm:kept-db-password@litellm-db:5432/litellm",
    );
    expect(await pulumi.isSecret(stack.masterKey as pulumi.Output<string>)).toBe(true);
  });

  // That the gateway waits for the guard (a refused salt change stops before the container) is
  // proved end to end: test/e2e/stack.test.ts "refuses a salt key change before changing anything".
  it("records the salt key's hash (secret) in a SaltGuard whose serialized provider holds no salt", async () => {
    const { mine } = await build("k");
    const guards = mine.filter((r) => r.type === "pulumi-nodejs:dynamic/litellm:SaltGuard");
    expect(guards).toHaveLength(1);
    const guard = guards[0]!;
    expect(secretValue(guard.inputs["saltHash"])).toMatch(/^[a-f0-9]{64}$/);
    expect(guard.inputs["allowChange"]).toBe(false);
    const provider = guard.inputs["__provider"];
    expect(typeof provider).toBe("string");
    expect((provider as string).length).toBeGreaterThan(100);
    expect(provider).not.toContain("generated-k-gateway-salt-key");
  });
});

describe("LiteLlmStack contents on destroy", () => {
  /** The URN of each content resource's `deletedWith` (undefined: none), by resource type. */
  async function deletedWithOf(
    name: string,
    overrides: Partial<StackConfig>,
  ): Promise<Record<string, string | undefined>> {
    const { LiteLlmStack } = await import("../../components");
    const seen: Array<Promise<[string, string | undefined]>> = [];
    // A transformation sees every child's options, which the mocks do not record.
    const record: pulumi.ResourceTransformation = ({ type, opts }) => {
      if (CONTENT_TYPES.includes(type)) {
        const urn = opts.deletedWith?.urn;
        seen.push(
          (urn === undefined ? Promise.resolve(undefined) : value(urn)).then((u) => [type, u]),
        );
      }
      return undefined;
    };
    const stack = new LiteLlmStack(name, config({ ...DECLARED_CONTENTS, ...overrides }), {
      transformations: [record],
    });
    await value(stack.virtualKeys);
    const entries = await Promise.all(seen);
    expect(entries.map(([type]) => type).sort()).toEqual([...CONTENT_TYPES].sort());
    return Object.fromEntries(entries);
  }

  it("ties every content resource to the data volume when destroy deletes it (no admin call on destroy)", async () => {
    // The Database component's Volume (mock URNs name the direct parent type only).
    const volumeUrn = expect.stringMatching(/\$docker:index\/volume:Volume::dw1-db-data$/);
    const all = await deletedWithOf("dw1", { deleteDataOnDestroy: true });
    expect(all).toEqual(Object.fromEntries(CONTENT_TYPES.map((t) => [t, volumeUrn])));
  });

  it("leaves them to be deleted through the admin API when the data is kept or the volume adopted", async () => {
    const none = Object.fromEntries(CONTENT_TYPES.map((t) => [t, undefined]));
    expect(await deletedWithOf("dw2", { deleteDataOnDestroy: false })).toEqual(none);
    expect(
      await deletedWithOf("dw3", { deleteDataOnDestroy: true, existingVolume: "old_pgdata" }),
    ).toEqual(none);
  });
});

describe("LiteLlmStack contents' admin URL", () => {
  const adminUrls = async (name: string, overrides: Partial<StackConfig>) => {
    const { mine } = await build(name, { ...DECLARED_CONTENTS, ...overrides });
    const contents = mine.filter((r) =>
      /^pulumi-nodejs:dynamic\/litellm:(ProviderCredential|ModelAlias|VirtualKey)$/.test(r.type),
    );
    expect(contents.map((r) => r.type.split(":").pop()).sort()).toEqual([
      "ModelAlias",
      "ProviderCredential",
      "VirtualKey",
    ]);
    return contents.map((r) => r.inputs["adminUrl"]);
  };

  it("sends the admin calls to the published URL by default", async () => {
    expect(await adminUrls("au1", { hostPort: 4123 })).toEqual(
      Array(3).fill("http://127.0.0.1:4123"),
    );
  });

  it("sends them to adminUrl when it is configured (a tunnel or proxy), the gateway unchanged", async () => {
    const { find } = await build("au2x", { hostPort: 4124 });
    expect(JSON.stringify(find(CONTAINER, "gateway-container").inputs["ports"])).toContain("4124");
    expect(await adminUrls("au2", { hostPort: 4124, adminUrl: "http://127.0.0.1:9999" })).toEqual(
      Array(3).fill("http://127.0.0.1:9999"),
    );
  });
});
