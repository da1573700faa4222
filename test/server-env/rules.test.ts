/**
 * The server's boot rules, at both places they are checked: the stack config (`up`, before
 * anything is created) and the env document (`npm run env`). Error texts are pinned.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config";
import { envDocumentProblems, virtualKeyEnvName } from "../../server-env/rules";

const SECRETS = new Set(["keys", "openaiApiKey", "masterKey"]);

function problems(raw: Record<string, string>): string[] {
  try {
    parseConfig("dev", raw, SECRETS);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

const MODELS = JSON.stringify([
  { name: "chat", target: "openai/gpt-4o" },
  { name: "mini", target: "openai/gpt-4o-mini" },
]);

describe("the server's boot rules in the stack config", () => {
  it("llmProvider is litellm or openai, in lowercase", () => {
    expect(problems({ llmProvider: "LiteLLM" })).toEqual([
      'litellm-stack:llmProvider: must be litellm or openai, in lowercase (got "LiteLLM"). Fix: pulumi config set litellm-stack:llmProvider litellm',
    ]);
    expect(parseConfig("dev", {}, SECRETS).llmProvider).toBe("litellm");
  });

  it("serverBaseUrl is the LiteLLM root: no /v1, an http(s) URL; trailing slashes dropped", () => {
    expect(problems({ serverBaseUrl: "http://litellm:4000/v1" })).toEqual([
      'litellm-stack:serverBaseUrl: must be the LiteLLM root without /v1 (got "http://litellm:4000/v1"). Fix: pulumi config set litellm-stack:serverBaseUrl http://127.0.0.1:4000',
    ]);
    expect(problems({ serverBaseUrl: "litellm:4000" })).toEqual([
      'litellm-stack:serverBaseUrl: must be an http(s) URL such as http://127.0.0.1:4000 (got "litellm:4000"). Fix: pulumi config set litellm-stack:serverBaseUrl http://127.0.0.1:4000',
    ]);
    expect(
      parseConfig("dev", { serverBaseUrl: "https://gw.example.com/litellm//" }, SECRETS).server
        .baseUrl,
    ).toBe("https://gw.example.com/litellm");
  });

  it("the server key's duration, budget and limits follow the server's formats", () => {
    expect(
      problems({
        serverKeyDuration: "30 days",
        serverMaxBudget: "-1",
        serverRpmLimit: "1.5",
        serverTpmLimit: "many",
      }),
    ).toEqual([
      'litellm-stack:serverKeyDuration: must be a number followed by s, m, h, d, w or mo, e.g. 30d (got "30 days"). Fix: pulumi config set litellm-stack:serverKeyDuration 30d',
      'litellm-stack:serverMaxBudget: must be a non-negative number, e.g. 25 or 2.5 (got "-1"). Fix: pulumi config set litellm-stack:serverMaxBudget 25',
      'litellm-stack:serverRpmLimit: must be a non-negative whole number, e.g. 60 (got "1.5"). Fix: pulumi config set litellm-stack:serverRpmLimit 60',
      'litellm-stack:serverTpmLimit: must be a non-negative whole number, e.g. 60 (got "many"). Fix: pulumi config set litellm-stack:serverTpmLimit 100000',
    ]);
    const ok = parseConfig(
      "dev",
      { serverKeyDuration: "1mo", serverMaxBudget: "0", serverRpmLimit: "0" },
      SECRETS,
    );
    expect(ok.server.keyEnv).toEqual({
      LITELLM_KEY_DURATION: "1mo",
      LITELLM_MAX_BUDGET: "0",
      LITELLM_RPM_LIMIT: "0",
    });
  });

  it("serverModels names only declared aliases or provider-prefixed ids, provider canonical", () => {
    expect(problems({ models: MODELS, serverModels: "chat,gpt-5" })).toEqual([
      'litellm-stack:serverModels: "gpt-5" is neither a declared model alias (declared: chat, mini) nor a provider-prefixed id such as openai/gpt-4o. Fix: pulumi config set litellm-stack:serverModels chat,mini, or pulumi config rm litellm-stack:serverModels for the declared aliases',
    ]);
    expect(problems({ models: MODELS, serverModels: "OpenAI/gpt-4o" })).toEqual([
      'litellm-stack:serverModels: "OpenAI/gpt-4o" names the provider "OpenAI" in a non-canonical form; write "openai/gpt-4o". Fix: pulumi config set litellm-stack:serverModels chat,mini, or pulumi config rm litellm-stack:serverModels for the declared aliases',
    ]);
    expect(problems({ serverModels: "a,,b" })[0]).toContain(
      "must be a comma-separated list without empty entries",
    );
    expect(
      parseConfig("dev", { models: MODELS, serverModels: " mini , azure/dep " }, SECRETS).server
        .models,
    ).toBe("mini,azure/dep");
    expect(parseConfig("dev", { models: MODELS }, SECRETS).server.models).toBe("chat,mini");
    expect(parseConfig("dev", {}, SECRETS).server.models).toBeUndefined();
  });

  it("refuses a declared key under the server's own alias, or two keys sharing an env name", () => {
    expect(
      problems({
        serverKeyAlias: "platform",
        keys: JSON.stringify([{ alias: "platform" }, { alias: "my-app" }, { alias: "my_app" }]),
      }),
    ).toEqual([
      `litellm-stack:keys[0].alias: alias "platform" is the server's own key alias (LITELLM_KEY_ALIAS), which the server deletes and re-creates at boot. Fix: pulumi config set --path 'litellm-stack:keys[0].alias' <another alias>`,
      `litellm-stack:keys[2].alias: "my_app" and "my-app" would both be exported as LITELLM_VIRTUAL_KEY_MY_APP. Fix: pulumi config set --path 'litellm-stack:keys[2].alias' <another alias>`,
    ]);
  });

  it("refuses an alias name with a comma when LITELLM_MODELS lists the aliases", () => {
    expect(
      problems({ models: JSON.stringify([{ name: "a,b", target: "openai/gpt-4o" }]) }),
    ).toEqual([
      `litellm-stack:models[0].name: "a,b" contains a comma, so LITELLM_MODELS (a comma-separated list) cannot name it. Fix: pulumi config set --path 'litellm-stack:models[0].name' <a name without commas>`,
    ]);
  });

  it("the direct mode needs openaiApiKey, checks openaiBaseUrl, and warns about unused gateway keys", () => {
    expect(problems({ llmProvider: "openai" })).toEqual([
      "litellm-stack:openaiApiKey: is required with litellm-stack:llmProvider=openai (it is the server's OPENAI_API_KEY). Fix: pulumi config set --secret litellm-stack:openaiApiKey <sk-...>, or pulumi config set litellm-stack:llmProvider litellm",
    ]);
    expect(
      problems({
        llmProvider: "openai",
        openaiApiKey: "sk-direct-0123456789",
        openaiBaseUrl: "https://api.openai.com",
      }),
    ).toEqual([
      'litellm-stack:openaiBaseUrl: must end with /v1 (the OpenAI API root, e.g. https://api.openai.com/v1) (got "https://api.openai.com"). Fix: pulumi config set litellm-stack:openaiBaseUrl https://api.openai.com/v1',
    ]);
    const direct = parseConfig(
      "dev",
      {
        llmProvider: "openai",
        openaiApiKey: "sk-direct-0123456789",
        models: MODELS,
        serverKeyDuration: "7d",
        // a gateway-only problem does not stop the direct mode
        bindAddress: "0.0.0.0",
      },
      SECRETS,
    );
    expect(direct.warnings).toEqual([
      "litellm-stack:llmProvider=openai provisions no gateway, so litellm-stack:models, litellm-stack:serverKeyDuration are not used (kept for a switch back to llmProvider=litellm)",
    ]);
    // the OpenAI key is the server's, not a gateway credential
    expect(direct.credentials).toEqual([]);
  });

  it("warns that openaiBaseUrl is ignored by a gateway stack", () => {
    expect(
      parseConfig("dev", { openaiBaseUrl: "https://api.openai.com/v1" }, SECRETS).warnings,
    ).toEqual([
      "litellm-stack:openaiBaseUrl: is only used with litellm-stack:llmProvider=openai; this stack runs the gateway, so it is ignored",
    ]);
  });
});

describe("the server's boot rules on the env document (npm run env)", () => {
  const context = { modelAliases: ["chat"], keyAliases: ["my-app"] };
  const gateway = {
    LLM_PROVIDER: "litellm",
    LITELLM_BASE_URL: "http://127.0.0.1:4000",
    LITELLM_MASTER_KEY: "sk-master-secret-value",
    LITELLM_MODELS: "chat",
    [virtualKeyEnvName("my-app")]: "sk-virtual-secret-value",
  };

  it("passes a document the stack writes", () => {
    expect(envDocumentProblems(gateway, context)).toEqual([]);
    expect(
      envDocumentProblems({ LLM_PROVIDER: "openai", OPENAI_API_KEY: "sk-x-secret" }, context),
    ).toEqual([]);
  });

  it("names each broken rule, never echoing a secret", () => {
    const found = envDocumentProblems(
      {
        ...gateway,
        LITELLM_BASE_URL: "http://127.0.0.1:4000/v1",
        LITELLM_MODELS: "chat,gpt-5",
        LITELLM_KEY_DURATION: "forever",
        LITELLM_MAX_BUDGET: "-3",
        LITELLM_KEY_ALIAS: "my-app",
        OPENAI_API_KEY: "sk-leak-me-not",
      },
      context,
    );
    expect(found).toEqual([
      'LITELLM_BASE_URL: must be the LiteLLM root without /v1 (got "http://127.0.0.1:4000/v1")',
      'LITELLM_MODELS: "gpt-5" is neither a declared model alias (declared: chat) nor a provider-prefixed id such as openai/gpt-4o (got "chat,gpt-5")',
      'LITELLM_KEY_DURATION: must be a number followed by s, m, h, d, w or mo, e.g. 30d (got "forever")',
      'LITELLM_MAX_BUDGET: must be a non-negative number, e.g. 25 or 2.5 (got "-3")',
      `LITELLM_VIRTUAL_KEY_MY_APP: alias "my-app" is the server's own key alias (LITELLM_KEY_ALIAS), which the server deletes and re-creates at boot`,
      "OPENAI_API_KEY: not read with LLM_PROVIDER=litellm; the stack does not export them in this mode",
    ]);
    expect(found.join("\n")).not.toContain("secret-value");
    expect(found.join("\n")).not.toContain("leak-me-not");
  });

  it("refuses a wrong or non-canonical LLM_PROVIDER and LITELLM_* in the direct mode", () => {
    expect(envDocumentProblems({ ...gateway, LLM_PROVIDER: "LiteLLM" }, context)).toEqual([
      'LLM_PROVIDER: must be litellm or openai, in lowercase (got "LiteLLM")',
    ]);
    expect(
      envDocumentProblems(
        { LLM_PROVIDER: "openai", OPENAI_API_KEY: "sk-x-secret", LITELLM_MASTER_KEY: "sk-y" },
        context,
      ),
    ).toEqual([
      "LITELLM_MASTER_KEY: not read with LLM_PROVIDER=openai; the stack does not export them in this mode",
    ]);
    expect(envDocumentProblems({ LLM_PROVIDER: "openai" }, context)).toEqual([
      "OPENAI_API_KEY: is required with LLM_PROVIDER=openai",
    ]);
  });

  it("refuses a base URL not in its canonical form (trailing slash)", () => {
    expect(
      envDocumentProblems({ ...gateway, LITELLM_BASE_URL: "http://127.0.0.1:4000/" }, context),
    ).toEqual([
      'LITELLM_BASE_URL: must be written as "http://127.0.0.1:4000" (got "http://127.0.0.1:4000/")',
    ]);
  });
});
