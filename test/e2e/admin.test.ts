/**
 * End-to-end test of the declarative gateway contents on the `ci` stack: 2 credentials, 3 model
 * aliases and 3 virtual keys declared in stack config, reconciled by the real `pulumi up`,
 * verified through the admin API, and drift from out-of-band changes shown by
 * `pulumi preview --refresh`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  POSTGRES_IMAGE,
  ROOT,
  adminApi,
  describeE2E,
  pulumi,
  pulumiOk,
  previewNoChanges,
  removeStack,
  stackOutput,
  stackCommand,
} from "./harness";
import { LITELLM_IMAGE } from "../gateway/real-litellm";
import { ARTIFACTS, launchBrowser } from "./browser";

const STACK = "ci";
const BASE_URL = "http://127.0.0.1:4100";
const stackFile = path.join(ROOT, "Pulumi.ci.yaml");
const OPENAI_KEY = "sk-openai-e2e-secret-0001";
const AZURE_KEY = "azure-e2e-secret-0002";

type Json = Record<string, unknown>;

const CONFIG: [string, string, boolean][] = [
  ["credentials[0].name", "openai-main", false],
  ["credentials[0].provider", "openai", false],
  ["credentials[0].values.api_key", OPENAI_KEY, true],
  ["credentials[1].name", "azure-main", false],
  ["credentials[1].provider", "Azure_OpenAI", false],
  ["credentials[1].values.api_key", AZURE_KEY, true],
  ["credentials[1].values.api_base", "https://example.openai.azure.com", true],
  ["models[0].name", "gpt-5", false],
  ["models[0].target", "openai/gpt-4o", false],
  ["models[0].credential", "openai-main", false],
  ["models[1].name", "gpt-5-mini", false],
  ["models[1].target", "openai/gpt-4o-mini", false],
  ["models[1].credential", "openai-main", false],
  ["models[2].name", "azure-gpt", false],
  ["models[2].target", "azure/gpt-4o", false],
  ["models[2].credential", "azure-main", false],
  ["keys[0].alias", "app-backend", false],
  ["keys[1].alias", "batch-jobs", false],
  ["keys[1].duration", "30d", false],
  ["keys[1].maxBudget", "25", false],
  ["keys[2].alias", "analytics", false],
  ["keys[2].models[0]", "gpt-5-mini", false],
  ["keys[2].rpmLimit", "60", false],
];

describeE2E(
  "gateway contents on the ci stack (credentials, models, keys)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    let stackFileBefore = "";
    let masterKey = "";
    let upOutput = "";
    const api = (method: string, route: string, body?: unknown) =>
      adminApi(BASE_URL, method, route, masterKey, body);

    beforeAll(async () => {
      stackFileBefore = readFileSync(stackFile, "utf8");
      await removeStack(STACK);
      await pulumiOk(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
      for (const [key, value, secret] of CONFIG) {
        await pulumiOk([
          "config",
          "set",
          "--path",
          ...(secret ? ["--secret"] : []),
          "--stack",
          STACK,
          `litellm-stack:${key}`,
          value,
        ]);
      }
      const result = await stackCommand("up", STACK);
      upOutput = result.stdout + result.stderr;
      expect(result.code, upOutput).toBe(0);
      masterKey = await stackOutput("LITELLM_MASTER_KEY", STACK);
    });

    afterAll(async () => {
      await removeStack(STACK);
      writeFileSync(stackFile, stackFileBefore);
    });

    it("registers both credentials under canonical provider keys, values masked by LiteLLM", async () => {
      const res = await api("GET", "/credentials");
      expect(res.status).toBe(200);
      const creds = res.body["credentials"] as {
        credential_name: string;
        credential_info: Json;
        credential_values: Json;
      }[];
      const byName = Object.fromEntries(creds.map((c) => [c.credential_name, c]));
      expect(byName["openai-main"]?.credential_info["litellm_provider"]).toBe("openai");
      expect(byName["azure-main"]?.credential_info["litellm_provider"]).toBe("azure");
      expect(byName["openai-main"]?.credential_values["api_key"]).toBe("sk****01");
    });

    it("registers the three model aliases with their targets and credentials", async () => {
      const res = await api("GET", "/model/info");
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

    it("creates the three virtual keys, usable and with their limits; raw keys only as secret output", async () => {
      const out = JSON.parse(await stackOutput("LITELLM_VIRTUAL_KEYS", STACK)) as Record<
        string,
        string
      >;
      expect(Object.keys(out).sort()).toEqual(["analytics", "app-backend", "batch-jobs"]);
      const info = await api("GET", `/key/info?key=${out["analytics"]}`);
      expect(info.status).toBe(200);
      expect(info.body["info"]).toMatchObject({
        key_alias: "analytics",
        models: ["gpt-5-mini"],
        rpm_limit: 60,
      });
      const batch = await api("GET", `/key/info?key=${out["batch-jobs"]}`);
      expect(batch.body["info"]).toMatchObject({ key_alias: "batch-jobs", max_budget: 25 });
      expect((batch.body["info"] as Json)["expires"]).not.toBeNull();
      const models = await fetch(`${BASE_URL}/v1/models`, {
        headers: { authorization: `Bearer ${out["app-backend"]}` },
      });
      expect(models.status).toBe(200);
      const outputs = JSON.parse((await stackCommand("outputs", STACK)).stdout) as Json;
      expect(outputs["LITELLM_MODELS"]).toBe("gpt-5,gpt-5-mini,azure-gpt");
      expect(outputs["LITELLM_VIRTUAL_KEYS"]).toBe("[secret]");
    });

    it("keeps credential values, raw keys and the master key out of state and program output", async () => {
      const out = JSON.parse(await stackOutput("LITELLM_VIRTUAL_KEYS", STACK)) as Record<
        string,
        string
      >;
      const state = await pulumiOk(["stack", "export", "--stack", STACK]);
      for (const secret of [OPENAI_KEY, AZURE_KEY, masterKey, ...Object.values(out)]) {
        expect(state).not.toContain(secret);
        expect(upOutput).not.toContain(secret);
      }
      const providers = (
        JSON.parse(state) as { deployment: { resources: { type: string; inputs?: Json }[] } }
      ).deployment.resources
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/litellm:"))
        .map((r) => JSON.stringify(r.inputs?.["__provider"] ?? ""));
      expect(providers.length).toBeGreaterThanOrEqual(9);
      for (const p of providers) {
        expect(p.length).toBeLessThanOrEqual(4096 + 2);
      }
    });

    it("the admin UI logs in with the stack's UI user and password in a real browser and lists the stack's models; a wrong password is refused", async () => {
      const uiPassword = await stackOutput("LITELLM_UI_PASSWORD", STACK);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`${BASE_URL}/ui/`, { waitUntil: "networkidle", timeout: 60_000 });
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

    it("a second run changes nothing", async () => {
      const result = await previewNoChanges(STACK);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it("preview --refresh reports a model deleted and a credential changed by hand; up repairs both", async () => {
      const info = await api("GET", "/model/info");
      const gpt5 = (info.body["data"] as { model_name: string; model_info: { id: string } }[]).find(
        (m) => m.model_name === "gpt-5",
      );
      expect((await api("POST", "/model/delete", { id: gpt5?.model_info.id })).status).toBe(200);
      expect(
        // LiteLLM 1.108 wants the whole credential in a PATCH (422 otherwise).
        (
          await api("PATCH", "/credentials/azure-main", {
            credential_name: "azure-main",
            credential_info: { litellm_provider: "azure", custom_llm_provider: "azure" },
            credential_values: { api_key: "changed-by-hand-9999" },
          })
        ).status,
      ).toBe(200);

      const drift = await pulumi([
        "preview",
        "--refresh",
        "--expect-no-changes",
        "--diff",
        "--stack",
        STACK,
      ]);
      expect(drift.code).not.toBe(0);
      const text = drift.stdout + drift.stderr;
      expect(text).toContain("litellm-contents-model-gpt-5");
      expect(text).toContain("litellm-contents-credential-azure-main");
      expect(text).not.toContain("changed-by-hand-9999");
      expect(text).not.toContain(AZURE_KEY);

      const up = await stackCommand("up", STACK, ["--refresh"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const after = await previewNoChanges(STACK);
      expect(after.code, after.stdout + after.stderr).toBe(0);
      const models = await api("GET", "/model/info");
      expect((models.body["data"] as { model_name: string }[]).map((m) => m.model_name)).toContain(
        "gpt-5",
      );
    });
  },
);
