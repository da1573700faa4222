/**
 * The stack outputs of each mode (docs/outputs.md): first the consuming server's env, named as it
 * reads it (upper case; what `npm run env` writes), then the non-env outputs (camelCase).
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import type { KubernetesStack, LiteLlmStack } from "../components";
import { virtualKeyEnvName } from "./rules";

/** Outputs of a stack whose server goes through this stack's gateway (`llmProvider` litellm). */
export function gatewayOutputs(config: StackConfig, stack: LiteLlmStack | KubernetesStack) {
  const baseUrl = config.server.baseUrl ?? stack.baseUrl;
  const keyEnv: Record<string, pulumi.Output<string>> = Object.fromEntries(
    config.keys.map((k) => [
      virtualKeyEnvName(k.alias),
      pulumi.secret(stack.virtualKeys.apply((keys) => keys[k.alias] ?? "")),
    ]),
  );
  return {
    LLM_PROVIDER: "litellm",
    LITELLM_BASE_URL: baseUrl,
    LITELLM_MASTER_KEY: stack.masterKey,
    ...(config.server.models === undefined ? {} : { LITELLM_MODELS: config.server.models }),
    ...config.server.keyEnv,
    ...keyEnv,
    inferenceBaseUrl: pulumi.interpolate`${baseUrl}/v1`,
    // What the stack administers the gateway through (drift asks the same URL; on Kubernetes
    // through a port-forward to the `kubernetes` output's Service unless adminUrl is set).
    adminUrl: config.adminUrl ?? ("names" in stack ? stack.baseUrl : stack.kubernetes.inClusterUrl),
    virtualKeys: stack.virtualKeys,
    modelAliases: stack.modelNames,
    uiUsername: stack.uiUsername,
    uiPassword: stack.uiPassword,
    ...("names" in stack
      ? { dockerNames: stack.names }
      : { kubernetes: stack.kubernetes, inClusterUrl: stack.kubernetes.inClusterUrl }),
    dataVolume: stack.dataVolume,
    dataSecrets: stack.dataSecrets,
  };
}

/** Outputs of a stack whose server calls OpenAI directly (`llmProvider` openai): env only. */
export function directOutputs(config: StackConfig) {
  for (const warning of config.warnings) {
    void pulumi.log.warn(warning);
  }
  return {
    LLM_PROVIDER: "openai",
    OPENAI_API_KEY: config.openai.apiKey,
    ...(config.openai.baseUrl === undefined ? {} : { OPENAI_BASE_URL: config.openai.baseUrl }),
  };
}
