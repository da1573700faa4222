/**
 * The Redis component under pulumi.runtime.setMocks: the inputs of every child resource.
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
import type { RedisArgs } from "../../components/redis";

beforeAll(installMocks);

interface Upload {
  file: string;
  content: string;
}

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const PASSWORD = "random:index/randomPassword:RandomPassword";

async function build(name: string, overrides: Partial<RedisArgs> = {}) {
  // Imported after setMocks, so the component registers against the mocks.
  const { Redis } = await import("../../components/redis");
  const before = registered.length;
  const redis = new Redis(name, {
    stack: "qa",
    containerName: "litellm-redis",
    volumeName: "litellm_redis",
    network: "litellm-net",
    ...overrides,
  });
  const password = await value(redis.password);
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
  return { redis, password, mine, find };
}

describe("Redis", () => {
  it("publishes no ports and joins the given network as litellm-redis", async () => {
    const { find, redis } = await build("a");
    const c = find(CONTAINER, "container").inputs;
    expect(c["ports"]).toBeUndefined();
    expect(c["networksAdvanced"]).toEqual([{ name: "litellm-net", aliases: ["litellm-redis"] }]);
    expect(c["name"]).toBe("litellm-redis");
    expect(c["image"]).toBe("litellm-stack/redis:7-local");
    expect(c["command"]).toEqual(["/etc/redis/litellm-stack.conf"]);
    expect(c["restart"]).toBe("unless-stopped");
    expect(c["wait"]).toBe(true);
    expect(await value(redis.host)).toBe("litellm-redis");
    expect(await value(redis.port)).toBe(6379);
    expect(await value(redis.containerName)).toBe("litellm-redis");
  });

  it("uploads the config file as a secret holding requirepass", async () => {
    const { find, password } = await build("b");
    // A secret nested in a list makes the whole input secret, as the engine stores it.
    const uploads = secretValue(find(CONTAINER, "container").inputs["uploads"]) as Upload[];
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.file).toBe("/etc/redis/litellm-stack.conf");
    expect(uploads[0]!.content.split("\n")).toEqual([
      "bind 0.0.0.0",
      "port 6379",
      "protected-mode yes",
      `requirepass ${password}`,
      "dir /data",
      "appendonly yes",
      "appendfsync everysec",
      'save ""',
      "",
    ]);
  });

  it("checks health through redis-cli without the password on any command line", async () => {
    const { find, password } = await build("c", { password: pulumi.secret("given-pass-123") });
    const c = find(CONTAINER, "container").inputs;
    const hc = c["healthcheck"] as { tests: string[] };
    expect(hc).toMatchObject({ interval: "5s", timeout: "5s", retries: 12, startPeriod: "10s" });
    expect(hc.tests).toEqual([
      "CMD-SHELL",
      `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/litellm-stack.conf)" redis-cli ping | grep -q PONG`,
    ]);
    expect(JSON.stringify(hc)).not.toContain(password);
    expect(JSON.stringify(c["command"])).not.toContain(password);
    expect(c["envs"]).toBeUndefined();
  });

  it("creates the data volume and mounts it at /data", async () => {
    const { find } = await build("d");
    const volume = find(VOLUME, "data").inputs;
    expect(volume["name"]).toBe("litellm_redis");
    expect(find(CONTAINER, "container").inputs["volumes"]).toEqual([
      { volumeName: "litellm_redis", containerPath: "/data" },
    ]);
  });

  it("labels the container and the volume with the stack and role redis", async () => {
    const { find } = await build("e");
    for (const r of [find(CONTAINER, "container"), find(VOLUME, "data")]) {
      expect(r.inputs["labels"]).toEqual([
        { label: "litellm-stack.stack", value: "qa" },
        { label: "litellm-stack.role", value: "redis" },
      ]);
    }
  });

  it("uses a given password instead of generating one", async () => {
    const { mine, find, redis, password } = await build("f", {
      password: pulumi.secret("kept-redis-pass"),
    });
    expect(password).toBe("kept-redis-pass");
    expect(mine.some((r) => r.type === PASSWORD)).toBe(false);
    expect(await pulumi.isSecret(redis.password)).toBe(true);
    const uploads = secretValue(find(CONTAINER, "container").inputs["uploads"]) as Upload[];
    expect(uploads[0]!.content).toContain("\nrequirepass kept-redis-pass\n");
  });

  it("keeps a given plain password secret", async () => {
    const { redis } = await build("g", { password: "plain-given-pass" });
    expect(await pulumi.isSecret(redis.password)).toBe(true);
  });

  it("generates the password with RandomPassword (32, no special characters) and keeps it secret", async () => {
    const { mine, find, redis, password } = await build("h");
    expect(mine.filter((r) => r.type === PASSWORD).map((r) => r.name)).toEqual(["h-password"]);
    expect(find(PASSWORD, "password").inputs).toMatchObject({ length: 32, special: false });
    expect(mine.some((r) => r.type === "random:index/randomString:RandomString")).toBe(false);
    expect(password).toBe("generated-h-password");
    expect(await pulumi.isSecret(redis.password)).toBe(true);
  });
});

describe("buildRedisConfig", () => {
  it("refuses a password that cannot be written unquoted, without echoing it", async () => {
    const { buildRedisConfig } = await import("../../components/redis");
    const message =
      "The Redis `password` must be non-empty and contain no whitespace or quote characters (it is written unquoted to the config file as `requirepass`).";
    for (const bad of ["", "has space", 'quo"te', "it's", "new\nline"]) {
      expect(() => buildRedisConfig(bad)).toThrow(message);
    }
    expect(buildRedisConfig("A-b_c.9$x")).toContain("\nrequirepass A-b_c.9$x\n");
  });
});
