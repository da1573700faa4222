/**
 * A complete, valid StackConfig for the component tests under mocks (a dev stack on Docker with
 * test images and nothing declared), with `overrides` on top.
 */
import type { StackConfig } from "../../config";

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
