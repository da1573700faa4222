/**
 * Emulator options: the programmatic contract of {@link startEmulator} and how the CLI derives it
 * from the environment LiteLLM's image reads.
 */
import { z } from "zod";
import type { FaultConfig } from "./faults";
import { faultConfigSchema } from "./faults";
import type { EmulatorStore } from "./store/types";

/**
 * Which LiteLLM release line to imitate where versions differ (docs/emulator.md has the table).
 * - `"main"`: newest main (late 2026) — the default.
 * - `"1.84"`: LiteLLM 1.80.12 … 1.84.x (the version the stack pins).
 * - `"1.80"`: LiteLLM 1.80.0 … 1.80.11.
 */
export type CompatProfile = "main" | "1.84" | "1.80";

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /**
   * `LITELLM_MASTER_KEY`. Should start with `sk-` (LiteLLM's docs require it).
   * If unset, no request is authenticated and every caller is admin, as in LiteLLM; avoid this.
   */
  masterKey?: string | undefined;
  /**
   * `LITELLM_SALT_KEY`: encrypts credential values and string model params at rest.
   * @default the master key, as in LiteLLM
   */
  saltKey?: string | undefined;
  /**
   * `DATABASE_URL` (Postgres). When set (and `storage` is not `"memory"`), state lives in Postgres
   * and survives restarts.
   */
  databaseUrl?: string | undefined;
  /**
   * Storage: `"memory"`, `"postgres"` (needs `databaseUrl`), or a ready {@link EmulatorStore}
   * instance (not closed by `close()`; share a {@link MemoryStore} to simulate a restart).
   * @default "postgres" when `databaseUrl` is set, else "memory"
   */
  storage?: "memory" | "postgres" | EmulatorStore | undefined;
  /**
   * `STORE_MODEL_IN_DB`: enables /model/new, updates and deletes, and shows DB models in /model/info.
   * @default false, as in LiteLLM
   */
  storeModelInDb?: boolean | undefined;
  /** `UI_USERNAME` for `POST /login`. @default "admin" */
  uiUsername?: string | undefined;
  /** `UI_PASSWORD` for `POST /login`. @default the master key */
  uiPassword?: string | undefined;
  /** TCP port; `0` picks a free one. @default 4000 */
  port?: number | undefined;
  /** Listen address. @default "127.0.0.1" (the CLI uses "0.0.0.0") */
  host?: string | undefined;
  /** Initial fault injection; off when unset. */
  faults?: FaultConfig | undefined;
  /** LiteLLM release line to imitate. @default "main" */
  compat?: CompatProfile | undefined;
  /**
   * `/key/generate` with a caller-chosen `key` that already exists: `"noop"` answers 200 and
   * changes nothing (all released versions, issue #20494); `"reject"` answers 400 (open PR #36435).
   * @default "noop"
   */
  existingKeyOnGenerate?: "noop" | "reject" | undefined;
  /** How long to wait for Postgres at start, retrying every second. @default 60000 */
  dbConnectTimeoutMs?: number | undefined;
  /** The `litellm_version` reported by /health/readiness. @default per `compat` ("1.84.0" for 1.84) */
  litellmVersion?: string | undefined;
}

const boolFromEnv = z
  .string()
  .transform((s) => ["true", "1", "yes", "on"].includes(s.trim().toLowerCase()));

const envSchema = z.object({
  LITELLM_MASTER_KEY: z.string().min(1).optional(),
  LITELLM_SALT_KEY: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  STORE_MODEL_IN_DB: boolFromEnv.optional(),
  UI_USERNAME: z.string().min(1).optional(),
  UI_PASSWORD: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  EMULATOR_FAULTS: z
    .string()
    .min(1)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "EMULATOR_FAULTS must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(faultConfigSchema)
    .optional(),
  EMULATOR_STORAGE: z.enum(["memory", "postgres"]).optional(),
  EMULATOR_LITELLM_COMPAT: z.enum(["main", "1.84", "1.80"]).optional(),
  EMULATOR_EXISTING_KEY_ON_GENERATE: z.enum(["noop", "reject"]).optional(),
  EMULATOR_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
});

/**
 * Reads the emulator options from an environment (LiteLLM's own variables plus `EMULATOR_*`).
 * Empty strings count as unset.
 *
 * @throws Error naming the variable when a value is invalid (values are never echoed).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const present: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== "") {
      present[k] = v;
    }
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => String(i.path[0])).join(", ");
    throw new Error(`Invalid emulator environment: check ${names}.`);
  }
  const e = parsed.data;
  return {
    masterKey: e.LITELLM_MASTER_KEY,
    saltKey: e.LITELLM_SALT_KEY,
    databaseUrl: e.DATABASE_URL,
    storage: e.EMULATOR_STORAGE,
    storeModelInDb: e.STORE_MODEL_IN_DB ?? false,
    uiUsername: e.UI_USERNAME,
    uiPassword: e.UI_PASSWORD,
    port: e.PORT ?? 4000,
    host: e.HOST ?? "0.0.0.0",
    faults: e.EMULATOR_FAULTS,
    compat: e.EMULATOR_LITELLM_COMPAT,
    existingKeyOnGenerate: e.EMULATOR_EXISTING_KEY_ON_GENERATE,
    dbConnectTimeoutMs: e.EMULATOR_DB_CONNECT_TIMEOUT_MS,
  };
}
