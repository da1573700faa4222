/** Gateway contents: LiteLLM credentials, model aliases and virtual keys as dynamic resources. */
export { AdminClient, LiteLlmApiError, type AdminClientOptions } from "./client";
export {
  credentialConfigSchema,
  gatewayContentsConfigSchema,
  keyConfigSchema,
  modelConfigSchema,
  type CredentialConfig,
  type GatewayContentsConfig,
  type GatewayContentsConfigInput,
  type KeyConfig,
  type ModelConfig,
} from "./config-schema";
export {
  GatewayContents,
  validateGatewayContents,
  type CredentialSpec,
  type GatewayContentsArgs,
} from "./contents";
export { ProviderCredential, type ProviderCredentialArgs } from "./credential/resource";
export { VirtualKey, type VirtualKeyArgs } from "./key/resource";
export { ModelAlias, defaultModelId, type ModelAliasArgs } from "./model/resource";
export type { AdminConnectionArgs } from "./resource-args";
export { credentialProvider, keyProvider, modelProvider } from "./providers";
