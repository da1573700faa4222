/** Programmatic entry of the LiteLLM admin-API emulator (test equipment; see docs/emulator.md). */
export { startEmulator, type RunningEmulator } from "./server";
export { optionsFromEnv, type CompatProfile, type EmulatorOptions } from "./options";
export { faultConfigSchema, type FaultConfig, type FaultRule } from "./faults";
export { MemoryStore } from "./store/memory";
export { PostgresStore, type PostgresStoreOptions } from "./store/postgres";
export type {
  CredentialRecord,
  EmulatorStore,
  KeyFilter,
  KeyRecord,
  ModelRecord,
} from "./store/types";
export { hashToken } from "./crypto";
