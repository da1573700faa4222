/** Named exports of the stack's components. */
export { LiteLlmStack } from "./stack";
export { KubernetesStack } from "./kubernetes/stack";
export type { GatewayStack } from "./outputs";
export { GatewayNetwork } from "./network";
export { Database } from "./database";
export { Gateway } from "./gateway";
export { Migration } from "./migration";
export { Redis } from "./redis";
export { SaltGuard } from "./salt-guard";
export { stackNames, stackLabels } from "./naming";
export * from "./admin";
