/** Named exports of the stack's components. */
export { LiteLlmStack } from "./stack";
export { GatewayNetwork } from "./network";
export { Database } from "./database";
export { Gateway } from "./gateway";
export { SaltGuard } from "./salt-guard";
export { stackNames, stackLabels } from "./naming";
export * from "./admin";
