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
export {
  ModelAlias,
  ProviderCredential,
  VirtualKey,
  defaultModelId,
  type ModelAliasArgs,
  type ProviderCredentialArgs,
  type VirtualKeyArgs,
} from "./resources";
export { credentialProvider, keyProvider, modelProvider } from "./providers";
