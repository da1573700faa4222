/**
 * End-to-end tests of the declarative gateway contents: 2 credentials, 3 model aliases and 3
 * virtual keys declared in stack config, reconciled by the real `pulumi up` against the real
 * LiteLLM, verified through the admin API and a real browser; drift from out-of-band changes is
 * read from the engine's preview events. The `gw` fixture deploys the stack once for this file.
 */
import * as path from "node:path";
import { expect, test as base } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  deployedFixture,
  health,
  type ConfigEntry,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";
import { ARTIFACTS, launchBrowser } from "./browser";

const OPENAI_KEY = "sk-openai-e2e-secret-0001";
const AZURE_KEY = "azure-e2e-secret-0002";

type Json = Record<string, unknown>;

/** Every alias answers chat completions itself (`mock_response`): no provider is called. */
const CONFIG: Record<string, ConfigEntry> = {
  imageSource: "local",
  "credentials[0].name": "openai-main",
  "credentials[0].provider": "openai",
  "credentials[0].values.api_key": { secret: OPENAI_KEY },
  "credentials[1].name": "azure-main",
  "credentials[1].provider": "Azure_OpenAI",
  "credentials[1].values.api_key": { secret: AZURE_KEY },
  "credentials[1].values.api_base": { secret: "https://example.openai.azure.com" },
  "models[0].name": "gpt-5",
  "models[0].target": "openai/gpt-4o",
  "models[0].credential": "openai-main",
  "models[0].params.mock_response": "answer from gpt-5",
  "models[1].name": "gpt-5-mini",
  "models[1].target": "openai/gpt-4o-mini",
  "models[1].credential": "openai-main",
  "models[1].params.mock_response": "answer from gpt-5-mini",
  "models[2].name": "azure-gpt",
  "models[2].target": "azure/gpt-4o",
  "models[2].credential": "azure-main",
  "models[2].params.mock_response": "answer from azure-gpt",
  "keys[0].alias": "app-backend",
  "keys[1].alias": "batch-jobs",
  "keys[1].duration": "30d",
  "keys[1].maxBudget": "25",
  "keys[2].alias": "analytics",
  "keys[2].models[0]": "gpt-5-mini",
  "keys[2].rpmLimit": "60",
};

/** Declared credential → the masked api_key LiteLLM shows once it decrypted the stored value. */
const MASKED = { "openai-main": "sk****01", "azure-main": "az****02" };
/** Declared key → the aliases it may call. */
const KEY_MODELS = {
  "app-backend": ["gpt-5", "gpt-5-mini", "azure-gpt"],
  "batch-jobs": ["gpt-5", "gpt-5-mini", "azure-gpt"],
  analytics: ["gpt-5-mini"],
};

const test = base.extend<{ gw: DeployedStack }>({
  gw: deployedFixture("contents", { config: CONFIG }),
});

const masterKeyOf = (gw: DeployedStack) => gw.output<string>("LITELLM_MASTER_KEY");
const rawKeysOf = (gw: DeployedStack) => gw.output<Record<string, string>>("virtualKeys");

/**
 * Every declared credential is stored and readable (LiteLLM decrypts it to mask it), and every
 * declared key, by its raw value, gets an answer from each alias it may call.
 */
async function expectContentsWork(gw: DeployedStack): Promise<void> {
  const masterKey = await masterKeyOf(gw);
  const creds = await adminApi(gw.baseUrl, "GET", "/credentials", masterKey);
  expect(creds.status).toBe(200);
  const masked = Object.fromEntries(
    (creds.body["credentials"] as { credential_name: string; credential_values: Json }[]).map(
      (c) => [c.credential_name, c.credential_values["api_key"]],
    ),
  );
  expect(masked).toMatchObject(MASKED);
  const raw = await rawKeysOf(gw);
  for (const [alias, models] of Object.entries(KEY_MODELS)) {
    for (const model of models) {
      expect(await chat(gw.baseUrl, raw[alias] ?? "", model), `${alias} → ${model}`).toEqual({
        status: 200,
        text: `answer from ${model}`,
      });
    }
  }
}

describeE2E(
  "gateway contents (credentials, models, keys) on the real LiteLLM",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    const api = async (gw: DeployedStack, method: string, route: string, body?: unknown) =>
      adminApi(gw.baseUrl, method, route, await masterKeyOf(gw), body);

    test("registers both credentials under canonical provider keys, values masked by LiteLLM", async ({
      gw,
    }) => {
      const res = await api(gw, "GET", "/credentials");
      expect(res.status).toBe(200);
      const creds = res.body["credentials"] as {
        credential_name: string;
        credential_info: Json;
        credential_values: Json;
      }[];
      const byName = Object.fromEntries(creds.map((c) => [c.credential_name, c]));
      expect(byName["openai-main"]?.credential_info["litellm_provider"]).toBe("openai");
      expect(byName["azure-main"]?.credential_info["litellm_provider"]).toBe("azure");
      expect(byName["openai-main"]?.credential_values["api_key"]).toBe(MASKED["openai-main"]);
    });

    test("registers the three model aliases with their targets and credentials", async ({ gw }) => {
      const res = await api(gw, "GET", "/model/info");
      const models = (res.body["data"] as { model_name: string; litellm_params: Json }[]).map(
        (m) => [
          m.model_name,
          m.litellm_params["model"],
          m.litellm_params["litellm_credential_name"],
        ],
      );
      expect(models.sort()).toEqual([
        ["azure-gpt", "azure/gpt-4o", "azure-main"],
        ["gpt-5", "openai/gpt-4o", "openai-main"],
        ["gpt-5-mini", "openai/gpt-4o-mini", "openai-main"],
      ]);
    });

    test("creates the three virtual keys, usable and with their limits; raw keys only as secret output", async ({
      gw,
    }) => {
      const out = await rawKeysOf(gw);
      expect(Object.keys(out).sort()).toEqual(["analytics", "app-backend", "batch-jobs"]);
      const info = await api(gw, "GET", `/key/info?key=${out["analytics"]}`);
      expect(info.status).toBe(200);
      expect(info.body["info"]).toMatchObject({
        key_alias: "analytics",
        models: ["gpt-5-mini"],
        rpm_limit: 60,
      });
      const batch = await api(gw, "GET", `/key/info?key=${out["batch-jobs"]}`);
      expect(batch.body["info"]).toMatchObject({ key_alias: "batch-jobs", max_budget: 25 });
      expect((batch.body["info"] as Json)["expires"]).not.toBeNull();
      // A key limited to gpt-5-mini is refused another alias.
      expect((await chat(gw.baseUrl, out["analytics"] ?? "", "gpt-5")).status).not.toBe(200);
      const outputs = await gw.cli("outputs");
      expect(outputs.code, outputs.stderr).toBe(0);
      const printed = JSON.parse(outputs.stdout) as Json;
      expect(printed["LITELLM_MODELS"]).toBe("gpt-5,gpt-5-mini,azure-gpt");
      expect(printed["virtualKeys"]).toBe("[secret]");
      expect(printed["LITELLM_VIRTUAL_KEY_APP_BACKEND"]).toBe("[secret]");
    });

    test("every declared credential, alias and key works through the real gateway", async ({
      gw,
    }) => {
      await expectContentsWork(gw);
    });

    test("keeps credential values, raw keys and the master key out of state and program output", async ({
      gw,
    }) => {
      const raw = Object.values(await rawKeysOf(gw));
      expect(raw).toHaveLength(3);
      const state = gw.rawState();
      const upOutput = gw.up.stdout + gw.up.stderr;
      for (const secret of [OPENAI_KEY, AZURE_KEY, await masterKeyOf(gw), ...raw]) {
        expect(state).not.toContain(secret);
        expect(upOutput).not.toContain(secret);
      }
      const providers = (
        JSON.parse(state) as {
          checkpoint: { latest: { resources: { type: string; inputs?: Json }[] } };
        }
      ).checkpoint.latest.resources
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/litellm:"))
        .map((r) => r.inputs?.["__provider"]);
      expect(providers.length).toBeGreaterThanOrEqual(9);
      for (const p of providers) {
        expect(typeof p).toBe("string");
        expect((p as string).length).toBeLessThanOrEqual(4096);
      }
    });

    test("the admin UI logs in with the stack's UI user and password in a real browser and lists the stack's models; a wrong password is refused", async ({
      gw,
    }) => {
      const uiPassword = await gw.output<string>("uiPassword");
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`${gw.baseUrl}/ui/`, { waitUntil: "networkidle", timeout: 60_000 });
        await page.fill('input[name="username"]', "admin");
        await page.fill('input[name="password"]', `${uiPassword}-wrong`);
        const [refused] = await Promise.all([
          page.waitForResponse((r) => /\/login$/.test(r.url()) && r.request().method() === "POST"),
          page.click('button:has-text("Login")'),
        ]);
        expect(refused.status()).toBe(401);
        await page.getByText("Invalid credentials").first().waitFor({ timeout: 30_000 });
        expect(new URL(page.url()).pathname).toContain("/login");
        await page.fill('input[name="password"]', uiPassword);
        const [accepted] = await Promise.all([
          page.waitForResponse((r) => /\/login$/.test(r.url()) && r.request().method() === "POST"),
          page.click('button:has-text("Login")'),
        ]);
        expect(accepted.status()).toBeLessThan(400);
        await page
          .getByRole("link", { name: "Models + Endpoints" })
          .first()
          .click({ timeout: 60_000 });
        for (const name of ["gpt-5", "gpt-5-mini", "azure-gpt"]) {
          await page.getByText(name, { exact: true }).first().waitFor({ timeout: 60_000 });
        }
        await page.screenshot({ path: path.join(ARTIFACTS, "ui-models.png"), fullPage: true });
      } finally {
        await browser.close();
      }
    });

    test("a second run changes nothing", async ({ gw }) => {
      expect(await gw.changes()).toEqual([]);
    });

    test("npm run stop / start keep every credential, alias and key working, and state untouched", async ({
      gw,
    }) => {
      const stateBefore = gw.rawState();
      const stop = await gw.cli("stop");
      expect(stop.code, stop.stderr).toBe(0);
      for (const container of [gw.names.gateway, gw.names.db]) {
        expect(await health(container)).not.toBe("healthy");
      }
      const start = await gw.cli("start");
      expect(start.code, start.stderr).toBe(0);
      expect(await health(gw.names.db)).toBe("healthy");
      expect(await health(gw.names.gateway)).toBe("healthy");
      expect(gw.rawState()).toBe(stateBefore);
      await expectContentsWork(gw);
      expect(await gw.changes()).toEqual([]);
    });

    test("preview reports a model deleted and a credential changed by hand; up --refresh repairs both", async ({
      gw,
    }) => {
      const info = await api(gw, "GET", "/model/info");
      const gpt5 = (info.body["data"] as { model_name: string; model_info: { id: string } }[]).find(
        (m) => m.model_name === "gpt-5",
      );
      expect((await api(gw, "POST", "/model/delete", { id: gpt5?.model_info.id })).status).toBe(
        200,
      );
      // LiteLLM 1.108 wants the whole credential in a PATCH (422 otherwise).
      const patched = await api(gw, "PATCH", "/credentials/azure-main", {
        credential_name: "azure-main",
        credential_info: { litellm_provider: "azure", custom_llm_provider: "azure" },
        credential_values: { api_key: "changed-by-hand-9999" },
      });
      expect(patched.status).toBe(200);

      const drift = await gw.changes();
      expect(drift.map((c) => c.name).sort()).toEqual([
        "litellm-contents-credential-azure-main",
        "litellm-contents-model-gpt-5",
      ]);
      const preview = await gw.cli("preview");
      expect(preview.stdout + preview.stderr).not.toContain("changed-by-hand-9999");
      expect(preview.stdout + preview.stderr).not.toContain(AZURE_KEY);

      const up = await gw.cli("up", ["--refresh"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(await gw.changes()).toEqual([]);
      await expectContentsWork(gw);
    });
  },
);
