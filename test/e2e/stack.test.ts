/**
 * End-to-end tests of the gateway stack (network, litellm-db, LiteLLM) with the real Pulumi CLI,
 * Docker, the local Postgres image and the real LiteLLM image (both built offline by `npm run
 * images`). Each test stack lives in its own temporary backend on a free port; the one shared
 * set-up is the `gw` fixture, a stack deployed once for this file.
 */
import { expect, test as base } from "vitest";
import { GATEWAY_HEALTHCHECK } from "../../components/gateway";
import { parseConfig } from "../../config";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  createTestStack,
  deployTestStack,
  deployedFixture,
  docker,
  generatedPasswords,
  health,
  inspect,
  run,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

type Json = Record<string, unknown>;

/** Every stack here runs the local images (the switch from upstream is offline-default's). */
const LOCAL = { imageSource: "local" };

const test = base.extend<{ gw: DeployedStack }>({
  gw: deployedFixture("stack", { config: LOCAL }),
});

async function waitHealthy(container: string): Promise<void> {
  for (let i = 0; i < 180; i++) {
    if ((await health(container)) === "healthy") {
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${container} did not become healthy`);
}

describeE2E(
  "gateway stack (real pulumi CLI, Docker, Postgres, LiteLLM)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("rejects a non-loopback bind before creating anything, naming the key and the fix", async () => {
      const t = await createTestStack("bind", { config: { ...LOCAL, bindAddress: "0.0.0.0" } });
      try {
        const result = await t.cli("up");
        expect(result.code).toBe(1);
        const out = result.stdout + result.stderr;
        expect(out).toContain("litellm-stack:bindAddress");
        expect(out).toContain("pulumi config set litellm-stack:allowNonLoopbackBind true");
        expect(await docker(["ps", "-aq", "--filter", `label=litellm-stack.stack=${t.name}`])).toBe(
          "",
        );
        expect(await inspect("volume", t.names.volume)).toBeUndefined();
        expect(await inspect("network", t.names.network)).toBeUndefined();
      } finally {
        await t.remove();
      }
    });

    test("npm run up brings up litellm-db and the gateway, both healthy, and outputs the server's env", async ({
      gw,
    }) => {
      for (const name of [gw.names.db, gw.names.gateway]) {
        const state = (await inspect("container", name))?.["State"] as {
          Running: boolean;
          Health: { Status: string };
        };
        expect(state.Running).toBe(true);
        expect(state.Health.Status).toBe("healthy");
      }
      const masterKey = await gw.output<string>("LITELLM_MASTER_KEY");
      expect(masterKey).toMatch(/^sk-[A-Za-z0-9]{48}$/);
      expect(gw.up.stdout + gw.up.stderr).not.toContain(masterKey);
      const outputs = await gw.cli("outputs");
      expect(outputs.code, outputs.stderr).toBe(0);
      expect(JSON.parse(outputs.stdout)).toMatchObject({
        LLM_PROVIDER: "litellm",
        LITELLM_BASE_URL: gw.baseUrl,
        LITELLM_MASTER_KEY: "[secret]",
      });
    });

    test("runs the gateway healthcheck command inside the gateway image", async ({ gw }) => {
      const [, ...command] = GATEWAY_HEALTHCHECK;
      const result = await run("docker", ["exec", gw.names.gateway, ...command]);
      expect(result.code, result.stderr).toBe(0);
    });

    test("publishes no port for the database and only 127.0.0.1:<hostPort> for the gateway", async ({
      gw,
    }) => {
      const db = (await inspect("container", gw.names.db)) as Json;
      const dbHost = db["HostConfig"] as { PortBindings: Record<string, unknown> | null };
      expect(Object.keys(dbHost.PortBindings ?? {})).toEqual([]);
      const dbPorts = (db["NetworkSettings"] as { Ports: Record<string, unknown> }).Ports;
      expect(Object.values(dbPorts ?? {}).every((v) => v === null)).toBe(true);
      const gateway = (await inspect("container", gw.names.gateway)) as Json;
      expect((gateway["HostConfig"] as { PortBindings: unknown }).PortBindings).toEqual({
        "4000/tcp": [{ HostIp: "127.0.0.1", HostPort: String(gw.port) }],
      });
      const networks = Object.keys((gateway["NetworkSettings"] as { Networks: Json }).Networks);
      expect(networks).toContain(gw.names.network);
    });

    test("mounts the named volume at the data directory, with the stack's labels", async ({
      gw,
    }) => {
      const db = (await inspect("container", gw.names.db)) as Json;
      const mounts = db["Mounts"] as { Type: string; Name: string; Destination: string }[];
      expect(mounts).toContainEqual(
        expect.objectContaining({
          Type: "volume",
          Name: gw.names.volume,
          Destination: "/var/lib/postgresql/data",
        }),
      );
      const volume = (await inspect("volume", gw.names.volume)) as {
        Labels: Record<string, string>;
      };
      expect(volume.Labels).toMatchObject({
        "litellm-stack.stack": gw.name,
        "litellm-stack.role": "data",
      });
    });

    test("reports the database connected through the real Postgres on /health/readiness", async ({
      gw,
    }) => {
      const res = await fetch(`${gw.baseUrl}/health/readiness`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json)["db"]).toBe("connected");
    });

    test("keeps every generated secret out of the stored state in plaintext", async ({ gw }) => {
      const generated = [...(await generatedPasswords(gw.stack)).values()];
      expect(generated).toHaveLength(4);
      const state = gw.rawState();
      expect(state).toContain("litellm-gateway-salt-key");
      for (const secret of [...generated, await gw.output<string>("LITELLM_MASTER_KEY")]) {
        expect(secret.length).toBeGreaterThan(10);
        expect(state).not.toContain(secret);
      }
    });

    test("the generated master key, salt key and passwords pass the checks a configured one must pass (strong, salt reused nowhere)", async ({
      gw,
    }) => {
      const generated = await generatedPasswords(gw.stack);
      const raw = {
        masterKey: await gw.output<string>("LITELLM_MASTER_KEY"),
        saltKey: generated.get("litellm-gateway-salt-key") ?? "",
        uiPassword: generated.get("litellm-gateway-ui-password") ?? "",
        databasePassword: generated.get("litellm-db-password") ?? "",
      };
      for (const value of Object.values(raw)) {
        expect(value.length).toBeGreaterThan(10);
      }
      // parseConfig throws a ConfigError listing every problem; it must find none.
      const settings = parseConfig("dev", raw, new Set(Object.keys(raw)));
      expect(settings.masterKey).toBeDefined();
    });

    test("keeps every secret out of the gateway's and the database's container logs", async ({
      gw,
    }) => {
      const secrets = [...(await generatedPasswords(gw.stack)).values()];
      expect(secrets).toHaveLength(4);
      for (const container of [gw.names.gateway, gw.names.db]) {
        const logs = await run("docker", ["logs", container]);
        const text = logs.stdout + logs.stderr;
        expect(text.length).toBeGreaterThan(0);
        for (const secret of [...secrets, await gw.output<string>("LITELLM_MASTER_KEY")]) {
          expect(text).not.toContain(secret);
        }
      }
    });

    test("a second run changes nothing (preview with refresh shows no step)", async ({ gw }) => {
      expect(await gw.changes()).toEqual([]);
    });

    test("refuses a salt key change before changing anything, with the explanation", async ({
      gw,
    }) => {
      const salt = "a-brand-new-salt-0123456789";
      await gw.setConfig({ saltKey: { secret: salt } });
      try {
        const preview = await gw.cli("preview");
        expect(preview.code).toBe(1);
        const out = preview.stdout + preview.stderr;
        expect(out).toContain("LITELLM_SALT_KEY would change");
        expect(out).toContain("pulumi config set litellm-stack:allowSaltKeyChange true");
        expect(out).not.toContain(salt);
        const up = await gw.cli("up");
        expect(up.code).toBe(1);
        expect(up.stdout + up.stderr).not.toContain(salt);
      } finally {
        await gw.removeConfig(["saltKey"]);
      }
      expect(await gw.changes()).toEqual([]);
    });

    test("preview reports a gateway stopped by hand as drift; npm run up --refresh restarts it", async ({
      gw,
    }) => {
      await docker(["stop", gw.names.gateway]);
      const drift = await gw.changes();
      expect(drift.map((c) => c.name)).toContain("litellm-gateway-container");
      const up = await gw.cli("up", ["--refresh"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      await waitHealthy(gw.names.gateway);
      expect(await gw.changes()).toEqual([]);
    });

    test("keeps stored data when the gateway container is replaced (image change)", async ({
      gw,
    }) => {
      const masterKey = await gw.output<string>("LITELLM_MASTER_KEY");
      const created = await adminApi(gw.baseUrl, "POST", "/key/generate", masterKey, {
        key_alias: "e2e-replace",
      });
      expect(created.status).toBe(200);
      const token = String(created.body["token"]);
      const before = ((await inspect("container", gw.names.gateway)) as Json)["Id"];
      const replacement = `litellm-stack/litellm:1.108.14-e2e-replace-${gw.name}`;
      await docker(["tag", LITELLM_IMAGE, replacement]);
      try {
        await gw.setConfig({ gatewayImage: replacement });
        const result = await gw.cli("up");
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const after = ((await inspect("container", gw.names.gateway)) as Json)["Id"];
        expect(after).not.toBe(before);
        expect(
          (await adminApi(gw.baseUrl, "GET", `/key/info?key=${token}`, masterKey)).status,
        ).toBe(200);
      } finally {
        await gw.removeConfig(["gatewayImage"]);
        const back = await gw.cli("up");
        expect(back.code, back.stdout + back.stderr).toBe(0);
        await run("docker", ["rmi", replacement]);
      }
    });

    test("npm run down keeps the data volume and saves what reading it needs; a stack-managed key is deleted and re-created, data made outside the stack survives", async () => {
      const config = {
        ...LOCAL,
        "credentials[0].name": "keep-cred",
        "credentials[0].provider": "openai",
        "credentials[0].values.api_key": { secret: "sk-down-test-secret-0042" },
        "models[0].name": "keep-model",
        "models[0].target": "openai/gpt-4o",
        "models[0].credential": "keep-cred",
        "models[0].params.mock_response": "kept",
        "keys[0].alias": "keep-key",
      };
      const t = await deployTestStack("down", { config });
      try {
        const masterKey = await t.output<string>("LITELLM_MASTER_KEY");
        const managed = (await t.output<Record<string, string>>("virtualKeys"))["keep-key"] ?? "";
        expect(managed).toMatch(/^sk-/);
        const outside = await adminApi(t.baseUrl, "POST", "/key/generate", masterKey, {
          key_alias: "made-outside",
        });
        expect(outside.status).toBe(200);
        const outsideKey = String(outside.body["key"]);
        const secrets = await t.output<Record<string, string>>("dataSecrets");

        const down = await t.cli("down");
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await inspect("container", t.names.gateway)).toBeUndefined();
        expect(await inspect("container", t.names.db)).toBeUndefined();
        expect(await inspect("network", t.names.network)).toBeUndefined();
        expect(await inspect("volume", t.names.volume)).toBeDefined();
        const saved = await t.stack.getAllConfig();
        for (const [key, value] of [
          ["masterKey", secrets["masterKey"]],
          ["saltKey", secrets["saltKey"]],
          ["databasePassword", secrets["databasePassword"]],
        ] as const) {
          expect(saved[`litellm-stack:${key}`]).toEqual({ value, secret: true });
        }

        const again = await t.cli("up");
        expect(again.code, again.stdout + again.stderr).toBe(0);
        expect(await t.output<string>("LITELLM_MASTER_KEY")).toBe(masterKey);
        const models = (key: string) =>
          fetch(`${t.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
        // The stack's own key was deleted by down and created anew by up.
        expect((await models(managed)).status).toBe(401);
        const recreated = (await t.output<Record<string, string>>("virtualKeys"))["keep-key"] ?? "";
        expect(recreated).not.toBe(managed);
        expect((await models(recreated)).status).toBe(200);
        // What was made outside the stack is still in the kept database, readable with the kept keys.
        expect((await models(outsideKey)).status).toBe(200);
        const creds = await adminApi(t.baseUrl, "GET", "/credentials", masterKey);
        const cred = (
          creds.body["credentials"] as { credential_name: string; credential_values: Json }[]
        ).find((c) => c.credential_name === "keep-cred");
        expect(cred?.credential_values["api_key"]).toBe("sk****42");
        expect(await t.changes()).toEqual([]);
      } finally {
        await t.remove();
      }
    });

    test("npm run down deletes the data volume only when deleteDataOnDestroy is set", async () => {
      const t = await deployTestStack("wipe", {
        config: { ...LOCAL, deleteDataOnDestroy: "true" },
      });
      try {
        expect(await inspect("volume", t.names.volume)).toBeDefined();
        const down = await t.cli("down");
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await inspect("volume", t.names.volume)).toBeUndefined();
        // Nothing was saved (the project's declared default, "", is all there is).
        expect((await t.stack.getAllConfig())["litellm-stack:saltKey"]?.value ?? "").toBe("");
      } finally {
        await t.remove();
      }
    });
  },
);
