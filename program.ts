/**
 * The stack program: read the config once, build the stack of its mode, return the outputs (the
 * consuming server's env, then camelCase non-env outputs: server-env/outputs.ts,
 * docs/outputs.md). `index.ts` exports its result; an Automation API inline program can call it
 * as it is.
 */
import { loadConfig } from "./config";
import { KubernetesStack, LiteLlmStack } from "./components";
import { directOutputs, gatewayOutputs } from "./server-env/outputs";

/**
 * Declares the whole stack from this project's config and returns its outputs. The
 * direct-OpenAI mode declares no resource at all.
 */
export function litellmStackProgram() {
  const config = loadConfig();
  if (config.llmProvider === "openai") {
    return directOutputs(config);
  }
  if (config.kubernetes !== undefined) {
    const kubernetes = config.kubernetes;
    return gatewayOutputs(config, new KubernetesStack("litellm", { ...config, kubernetes }));
  }
  return gatewayOutputs(config, new LiteLlmStack("litellm", config));
}
