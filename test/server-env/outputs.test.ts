/**
 * The stack outputs of both modes under pulumi.runtime.setMocks: the server's env names, values
 * and secret-ness, the non-env outputs' camelCase names, and no resource in the direct mode.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, registered, value } from "../support/pulumi-mocks";
import { parseConfig } from "../../config";

beforeAll(installMocks);

const KEYS = new Set(["keys", "openaiApiKey"]);

/** Resolves every output of a program result: name → { value, secret }. */
async function resolve(
  outputs: Record<string, unknown>,
): Promise<Record<string, { value: unknown; secret: boolean }>> {
  const out: Record<string, { value: unknown; secret: boolean }> = {};
  for (const [name, v] of Object.entries(outputs)) {
    const o = pulumi.output(v);
    out[name] = { value: await value(o), secret: await pulumi.isSecret(o) };
  }
  return out;
}

async function gatewayStack(name: string, raw: Record<string, string>) {
  const { LiteLlmStack } = await import("../../components");
  const { gatewayOutputs } = await import("../../server-env/outputs");
  const config = parseConfig("ot", raw, KEYS);
  return resolve(gatewayOutputs(config, new LiteLlmStack(name, config)));
}

const CONTENTS = {
  models: JSON.stringify([
    { name: "chat", target: "openai/gpt-4o", params: { mock_response: "hi" } },
    { name: "mini", target: "openai/gpt-4o-mini" },
  ]),
  keys: JSON.stringify([{ alias: "my-app" }, { alias: "batch.jobs" }]),
};

describe("outputs of the gateway mode (llmProvider=litellm)", () => {
  it("exports the server's env: provider, root URL, secret master key, models of the declared aliases", async () => {
    const out = await gatewayStack("o1", CONTENTS);
    expect(out["LLM_PROVIDER"]).toEqual({ value: "litellm", secret: false });
    expect(out["LITELLM_BASE_URL"]).toEqual({ value: "http://127.0.0.1:4000", secret: false });
    expect(out["LITELLM_MASTER_KEY"]?.secret).toBe(true);
    expect(out["LITELLM_MASTER_KEY"]?.value).toMatch(/^sk-/);
    expect(out["LITELLM_MODELS"]).toEqual({ value: "chat,mini", secret: false });
    expect(out["inferenceBaseUrl"]).toEqual({ value: "http://127.0.0.1:4000/v1", secret: false });
  });

  it("exports each declared virtual key as a secret LITELLM_VIRTUAL_KEY_<ALIAS>", async () => {
    const out = await gatewayStack("o2", CONTENTS);
    const keyNames = Object.keys(out).filter((n) => n.startsWith("LITELLM_VIRTUAL_KEY_"));
    expect(keyNames.sort()).toEqual([
      "LITELLM_VIRTUAL_KEY_BATCH_JOBS",
      "LITELLM_VIRTUAL_KEY_MY_APP",
    ]);
    for (const n of keyNames) {
      expect(out[n]?.secret, n).toBe(true);
    }
    expect(out["virtualKeys"]?.secret).toBe(true);
  });

  it("exports the server key's settings only when configured, and serverBaseUrl over the host URL", async () => {
    const bare = await gatewayStack("o3", {});
    expect(Object.keys(bare).filter((n) => /^[A-Z_]+$/.test(n))).toEqual([
      "LLM_PROVIDER",
      "LITELLM_BASE_URL",
      "LITELLM_MASTER_KEY",
    ]);
    const set = await gatewayStack("o4", {
      ...CONTENTS,
      serverBaseUrl: "http://litellm:4000/",
      serverModels: "chat, openai/gpt-4.1",
      serverKeyDuration: "7d",
      serverKeyAlias: "platform",
      serverMaxBudget: "2.5",
      serverRpmLimit: "60",
      serverTpmLimit: "0",
      serverTeamId: "team-1",
    });
    const env = Object.fromEntries(
      Object.entries(set)
        .filter(([n]) => /^[A-Z_]+$/.test(n) && !n.startsWith("LITELLM_VIRTUAL_KEY_"))
        .map(([n, o]) => [n, o.value]),
    );
    expect(env).toEqual({
      LLM_PROVIDER: "litellm",
      LITELLM_BASE_URL: "http://litellm:4000",
      LITELLM_MASTER_KEY: expect.stringMatching(/^sk-/) as unknown,
      LITELLM_MODELS: "chat,openai/gpt-4.1",
      LITELLM_KEY_DURATION: "7d",
      LITELLM_KEY_ALIAS: "platform",
      LITELLM_MAX_BUDGET: "2.5",
      LITELLM_RPM_LIMIT: "60",
      LITELLM_TPM_LIMIT: "0",
      LITELLM_TEAM_ID: "team-1",
    });
    expect(set["inferenceBaseUrl"]?.value).toBe("http://litellm:4000/v1");
    // The stack itself (and drift) still administers the gateway on its published address.
    expect(set["adminUrl"]?.value).toBe("http://127.0.0.1:4000");
  });

  it("exports adminUrl: the configured admin URL, else the published host URL", async () => {
    expect((await gatewayStack("o6", {}))["adminUrl"]?.value).toBe("http://127.0.0.1:4000");
    const tunnel = await gatewayStack("o7", { adminUrl: "http://127.0.0.1:14000" });
    expect(tunnel["adminUrl"]).toEqual({ value: "http://127.0.0.1:14000", secret: false });
  });

  it("names every non-env output in camelCase", async () => {
    const out = await gatewayStack("o5", CONTENTS);
    const nonEnv = Object.keys(out).filter((n) => !/^[A-Z][A-Z0-9_]*$/.test(n));
    expect(nonEnv.sort()).toEqual([
      "adminUrl",
      "dataSecrets",
      "dataVolume",
      "dockerNames",
      "inferenceBaseUrl",
      "modelAliases",
      "uiPassword",
      "uiUsername",
      "virtualKeys",
    ]);
    expect(out["uiPassword"]?.secret).toBe(true);
    expect(out["dataSecrets"]?.secret).toBe(true);
    expect(out["modelAliases"]?.value).toEqual(["chat", "mini"]);
  });
});

describe("outputs of the direct-OpenAI mode (llmProvider=openai)", () => {
  it("exports LLM_PROVIDER=openai, the secret OPENAI_API_KEY and OPENAI_BASE_URL, no LITELLM_*", async () => {
    const { directOutputs } = await import("../../server-env/outputs");
    const config = parseConfig(
      "ot",
      {
        llmProvider: "openai",
        openaiApiKey: "sk-direct-0123456789",
        openaiBaseUrl: "https://api.openai.com/v1/",
      },
      KEYS,
    );
    const out = await resolve(directOutputs(config));
    expect(out).toEqual({
      LLM_PROVIDER: { value: "openai", secret: false },
      OPENAI_API_KEY: { value: "sk-direct-0123456789", secret: true },
      OPENAI_BASE_URL: { value: "https://api.openai.com/v1", secret: false },
    });
    const noUrl = await resolve(
      directOutputs(
        parseConfig("ot", { llmProvider: "openai", openaiApiKey: "sk-direct-0123456789" }, KEYS),
      ),
    );
    expect(Object.keys(noUrl)).toEqual(["LLM_PROVIDER", "OPENAI_API_KEY"]);
  });

  it("declares no resource at all: the program returns the env only", async () => {
    const { litellmStackProgram } = await import("../../program");
    pulumi.runtime.setAllConfig(
      {
        "litellm-stack:llmProvider": "openai",
        "litellm-stack:openaiApiKey": "sk-direct-0123456789",
        "litellm-stack:models": CONTENTS.models,
      },
      ["litellm-stack:openaiApiKey"],
    );
    try {
      const before = registered.length;
      const out = await resolve(litellmStackProgram());
      await new Promise((r) => setTimeout(r, 50));
      expect(registered.slice(before)).toEqual([]);
      expect(Object.keys(out)).toEqual(["LLM_PROVIDER", "OPENAI_API_KEY"]);
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
  });
});
