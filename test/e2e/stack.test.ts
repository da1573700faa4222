/**
 * End-to-end test of the gateway stack on the `ci` stack (Pulumi.ci.yaml): the real CLI, Docker,
 * the local Postgres image and the real LiteLLM image (both built offline by `npm run images`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GATEWAY_HEALTHCHECK } from "../../components/gateway";
import {
  POSTGRES_IMAGE,
  adminApi,
  ROOT,
  describeE2E,
  docker,
  generatedPasswords,
  inspect,
  pulumi,
  pulumiOk,
  previewNoChanges,
  removeStack,
  stackOutput,
  run,
  stackCommand,
} from "./harness";
import { LITELLM_IMAGE } from "../gateway/real-litellm";

const STACK = "ci";
const REPLACEMENT_IMAGE = "litellm-stack/litellm:e2e-replace";
const BASE_URL = "http://127.0.0.1:4100";
const NAMES = {
  db: "litellm-ci-db",
  gateway: "litellm-ci",
  network: "litellm-ci-net",
  volume: "litellm_ci_pgdata",
};
const stackFile = path.join(ROOT, "Pulumi.ci.yaml");

type Json = Record<string, unknown>;

const api = (method: string, route: string, key: string, body?: unknown) =>
  adminApi(BASE_URL, method, route, key, body);

async function waitHealthy(container: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const state = (await inspect("container", container))?.["State"] as
      { Health?: { Status: string } } | undefined;
    if (state?.Health?.Status === "healthy") {
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${container} did not become healthy`);
}

describeE2E(
  "gateway stack on the ci stack (real pulumi CLI, Docker, Postgres)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    let stackFileBefore = "";
    let masterKey = "";
    let persistedToken = "";

    beforeAll(async () => {
      stackFileBefore = readFileSync(stackFile, "utf8");
      await removeStack(STACK);
    });

    afterAll(async () => {
      await removeStack(STACK);
      await run("docker", ["rmi", REPLACEMENT_IMAGE]);
      writeFileSync(stackFile, stackFileBefore);
    });

    it("rejects a non-loopback bind before creating anything, naming the key and the fix", async () => {
      await pulumiOk(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
      await pulumiOk(["config", "set", "--stack", STACK, "bindAddress", "0.0.0.0"]);
      const result = await stackCommand("up", STACK);
      expect(result.code).not.toBe(0);
      const out = result.stdout + result.stderr;
      expect(out).toContain("litellm-stack:bindAddress");
      expect(out).toContain("pulumi config set litellm-stack:allowNonLoopbackBind true");
      expect(await docker(["ps", "-aq", "--filter", "label=litellm-stack.stack=ci"])).toBe("");
      expect(await inspect("volume", NAMES.volume)).toBeUndefined();
      await pulumiOk(["config", "rm", "--stack", STACK, "bindAddress"]);
    });

    it("npm run up brings up litellm-db and the gateway, both healthy", async () => {
      const result = await stackCommand("up", STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      for (const name of [NAMES.db, NAMES.gateway]) {
        const state = (await inspect("container", name))?.["State"] as {
          Running: boolean;
          Health: { Status: string };
        };
        expect(state.Running).toBe(true);
        expect(state.Health.Status).toBe("healthy");
      }
      masterKey = await stackOutput("LITELLM_MASTER_KEY", STACK);
      expect(masterKey).toMatch(/^sk-[A-Za-z0-9]{48}$/);
      expect(result.stdout + result.stderr).not.toContain(masterKey);
      const outputs = JSON.parse((await stackCommand("outputs", STACK)).stdout) as Json;
      expect(outputs).toMatchObject({
        LLM_PROVIDER: "litellm",
        LITELLM_BASE_URL: BASE_URL,
        LITELLM_MASTER_KEY: "[secret]",
      });
    });

    it("runs the gateway healthcheck command inside the gateway image", async () => {
      const [, ...command] = GATEWAY_HEALTHCHECK;
      const result = await run("docker", ["exec", NAMES.gateway, ...command]);
      expect(result.code, result.stderr).toBe(0);
    });

    it("publishes no port for the database and only 127.0.0.1:4100 for the gateway", async () => {
      const db = (await inspect("container", NAMES.db)) as Json;
      const dbHost = db["HostConfig"] as { PortBindings: Record<string, unknown> | null };
      expect(Object.keys(dbHost.PortBindings ?? {})).toEqual([]);
      const dbPorts = (db["NetworkSettings"] as { Ports: Record<string, unknown> }).Ports;
      expect(Object.values(dbPorts ?? {}).every((v) => v === null)).toBe(true);
      const gw = (await inspect("container", NAMES.gateway)) as Json;
      expect((gw["HostConfig"] as { PortBindings: unknown }).PortBindings).toEqual({
        "4000/tcp": [{ HostIp: "127.0.0.1", HostPort: "4100" }],
      });
      const networks = Object.keys((gw["NetworkSettings"] as { Networks: Json }).Networks);
      expect(networks).toContain(NAMES.network);
    });

    it("mounts the named volume at the data directory, with labels", async () => {
      const db = (await inspect("container", NAMES.db)) as Json;
      const mounts = db["Mounts"] as { Type: string; Name: string; Destination: string }[];
      expect(mounts).toContainEqual(
        expect.objectContaining({
          Type: "volume",
          Name: NAMES.volume,
          Destination: "/var/lib/postgresql/data",
        }),
      );
      const volume = (await inspect("volume", NAMES.volume)) as { Labels: Record<string, string> };
      expect(volume.Labels).toMatchObject({
        "litellm-stack.stack": "ci",
        "litellm-stack.role": "data",
      });
    });

    it("reports the database connected through the real Postgres on /health/readiness", async () => {
      const res = await fetch(`${BASE_URL}/health/readiness`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json)["db"]).toBe("connected");
    });

    it("keeps every generated secret out of `pulumi stack export` in plaintext", async () => {
      const generated = [...(await generatedPasswords(STACK)).values()];
      expect(generated).toHaveLength(4);
      const plain = await pulumiOk(["stack", "export", "--stack", STACK]);
      for (const secret of [...generated, masterKey]) {
        expect(secret.length).toBeGreaterThan(10);
        expect(plain).not.toContain(secret);
      }
    });

    it("keeps every secret out of the gateway's and the database's container logs", async () => {
      const secrets = [...(await generatedPasswords(STACK)).values()];
      expect(secrets).toHaveLength(4);
      for (const container of [NAMES.gateway, NAMES.db]) {
        const logs = await run("docker", ["logs", container]);
        const text = logs.stdout + logs.stderr;
        expect(text.length).toBeGreaterThan(0);
        for (const secret of [...secrets, masterKey]) {
          expect(text).not.toContain(secret);
        }
      }
    });

    it("a second run changes nothing (preview --refresh --expect-no-changes)", async () => {
      const result = await previewNoChanges(STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it("refuses a salt key change before changing anything, with the explanation", async () => {
      await pulumiOk([
        "config",
        "set",
        "--secret",
        "--stack",
        STACK,
        "saltKey",
        "a-brand-new-salt-0123456789",
      ]);
      const result = await pulumi(["preview", "--stack", STACK]);
      expect(result.code).not.toBe(0);
      const out = result.stdout + result.stderr;
      expect(out).toContain("LITELLM_SALT_KEY would change");
      expect(out).toContain("pulumi config set litellm-stack:allowSaltKeyChange true");
      expect(out).not.toContain("a-brand-new-salt-0123456789");
      const up = await stackCommand("up", STACK);
      expect(up.code).not.toBe(0);
      await pulumiOk(["config", "rm", "--stack", STACK, "saltKey"]);
      const clean = await pulumi(["preview", "--expect-no-changes", "--stack", STACK]);
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    });

    it("preview --refresh reports a gateway stopped by hand as drift; npm run up restarts it", async () => {
      await docker(["stop", NAMES.gateway]);
      const drift = await previewNoChanges(STACK);
      expect(drift.code).not.toBe(0);
      expect(drift.stdout + drift.stderr).toContain("litellm-gateway-container");
      const up = await stackCommand("up", STACK, ["--refresh"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const state = (await inspect("container", NAMES.gateway))?.["State"] as { Running: boolean };
      expect(state.Running).toBe(true);
      await waitHealthy(NAMES.gateway);
      const clean = await previewNoChanges(STACK);
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    });

    it("keeps data when both containers are stopped and started", async () => {
      const created = await api("POST", "/key/generate", masterKey, { key_alias: "e2e-persist" });
      expect(created.status).toBe(200);
      persistedToken = String(created.body["token"]);
      await docker(["stop", NAMES.gateway, NAMES.db]);
      await docker(["start", NAMES.db]);
      await waitHealthy(NAMES.db);
      await docker(["start", NAMES.gateway]);
      await waitHealthy(NAMES.gateway);
      const info = await api("GET", `/key/info?key=${persistedToken}`, masterKey);
      expect(info.status).toBe(200);
    });

    it("keeps data when the gateway container is replaced (image change)", async () => {
      const before = ((await inspect("container", NAMES.gateway)) as Json)["Id"];
      await docker(["tag", LITELLM_IMAGE, REPLACEMENT_IMAGE]);
      await pulumiOk(["config", "set", "--stack", STACK, "gatewayImage", REPLACEMENT_IMAGE]);
      const result = await stackCommand("up", STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const after = ((await inspect("container", NAMES.gateway)) as Json)["Id"];
      expect(after).not.toBe(before);
      const info = await api("GET", `/key/info?key=${persistedToken}`, masterKey);
      expect(info.status).toBe(200);
    });

    it("npm run down removes the containers and network but leaves the data volume", async () => {
      const result = await stackCommand("down", STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(await inspect("container", NAMES.gateway)).toBeUndefined();
      expect(await inspect("container", NAMES.db)).toBeUndefined();
      expect(await inspect("network", NAMES.network)).toBeUndefined();
      expect(await inspect("volume", NAMES.volume)).toBeDefined();
    });

    it("a later npm run up reuses the kept volume and keys: stored data is still there", async () => {
      const result = await stackCommand("up", STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const again = await stackOutput("LITELLM_MASTER_KEY", STACK);
      expect(again).toBe(masterKey);
      const info = await api("GET", `/key/info?key=${persistedToken}`, masterKey);
      expect(info.status).toBe(200);
    });

    it("deletes the data volume on down only when deleteDataOnDestroy is opted in", async () => {
      await pulumiOk(["config", "set", "--stack", STACK, "deleteDataOnDestroy", "true"]);
      const up = await stackCommand("up", STACK);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const down = await stackCommand("down", STACK);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await inspect("volume", NAMES.volume)).toBeUndefined();
    });
  },
);
