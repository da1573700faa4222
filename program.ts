/**
 * The stack program: read the config once, build the stack, return the outputs (the consuming
 * server's env, then camelCase non-env outputs, docs/outputs.md). `index.ts` exports its result;
 * an Automation API inline program can call it as it is.
 */
import { loadConfig } from "./config";
import { LiteLlmStack } from "./components";

/** Declares the whole stack from this project's config and returns its outputs. */
export function litellmStackProgram() {
  const config = loadConfig();
  const stack = new LiteLlmStack("litellm", config);
  return {
    LLM_PROVIDER: "litellm",
    LITELLM_BASE_URL: stack.baseUrl,
    LITELLM_MASTER_KEY: stack.masterKey,
    LITELLM_MODELS: stack.modelNames.join(","),
    LITELLM_VIRTUAL_KEYS: stack.virtualKeys,
    LITELLM_UI_USERNAME: stack.uiUsername,
    LITELLM_UI_PASSWORD: stack.uiPassword,
    dockerNames: stack.names,
    dataVolume: stack.dataVolume,
    dataSecrets: stack.dataSecrets,
  };
}
