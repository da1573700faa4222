// Entry point: read the config once, build the stack, export the consuming server's env.
import { loadConfig } from "./config";
import { LiteLlmStack } from "./components";

const config = loadConfig();
const stack = new LiteLlmStack("litellm", config);

export const LLM_PROVIDER = "litellm";
export const LITELLM_BASE_URL = stack.baseUrl;
export const LITELLM_MASTER_KEY = stack.masterKey;
export const LITELLM_MODELS = stack.modelNames.join(",");
export const LITELLM_VIRTUAL_KEYS = stack.virtualKeys;
export const LITELLM_UI_USERNAME = stack.uiUsername;
export const LITELLM_UI_PASSWORD = stack.uiPassword;
// Non-env outputs are camelCase (docs/outputs.md).
export const dockerNames = stack.names;
export const dataVolume = stack.dataVolume;
export const dataSecrets = stack.dataSecrets;
