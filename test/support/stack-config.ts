/**
 * A complete, valid StackConfig for the component tests under mocks (a dev stack on Docker with
 * test images and nothing declared), and declared contents to spread into it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";

/** One credential, one model alias using it and one virtual key. */
export const DECLARED_CONTENTS: Partial<StackConfig> = {
  credentials: [{ name: "c", provider: "openai", values: pulumi.secret({ api_key: "sk-x" }) }],
  models: [{ name: "m", target: "openai/gpt-4o", credential: "c", params: {} }],
  keys: [{ alias: "k", metadata: {}, rotation: "0" }],
};

/** The resource types of the declared contents' dynamic resources. */
export const CONTENT_TYPES = ["ProviderCredential", "ModelAlias", "VirtualKey"].map(
  (t) => `pulumi-nodejs:dynamic/litellm:${t}`,
);

/** A complete, valid StackConfig with `overrides` on top. */
export function stackConfig(overrides: Partial<StackConfig> = {}): StackConfig {
  return {
    stack: "dev",
    llmProvider: "litellm",
    server: { baseUrl: undefined, models: undefined, keyEnv: {} },
    openai: { apiKey: undefined, baseUrl: undefined },
    production: false,
    bindAddress: "127.0.0.1",
    hostPort: 4000,
    adminUrl: undefined,
    gatewayImage: "litellm:test",
    litellmVersion: "1.108.14",
    postgresImage: "postgres:test",
    redisImage: "redis:test",
    workers: 1,
    spendLogRetention: "30d",
    spendLogCleanupCron: "17 * * * *",
    uiUsername: "admin",
    uiPassword: undefined,
    masterKey: undefined,
    masterKeyRotation: 0,
    saltKey: undefined,
    databasePassword: undefined,
    allowSaltKeyChange: false,
    existingVolume: undefined,
    deleteDataOnDestroy: false,
    gatewayWaitTimeout: 600,
    credentials: [],
    models: [],
    keys: [],
    target: "docker",
    kubernetes: undefined,
    warnings: [],
    ...overrides,
  };
}
