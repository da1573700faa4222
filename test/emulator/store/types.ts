/**
 * The emulator's storage contract. Two implementations: {@link MemoryStore} (in-process, fast
 * tests) and {@link PostgresStore} (state kept across restarts). Rows are LiteLLM-shaped JSON
 * objects; the routes own their content, the store only keys, orders and persists them.
 */
import type { JsonObject } from "../errors";

/** A virtual key (`LiteLLM_VerificationToken` row). */
export interface KeyRecord {
  /** sha256 hex of the raw key; primary key. */
  token: string;
  /** `key_alias`, kept apart for uniqueness checks and the `key_alias` filter. */
  keyAlias: string | null;
  /** ISO creation time; list order. */
  createdAt: string;
  /** ISO deletion time, or null while the key is live (LiteLLM copies deleted rows to a table). */
  deletedAt: string | null;
  /** The full row as `/key/info` and `/key/list?return_full_object=true` show it (includes `token`). */
  row: JsonObject;
}

/** A model deployment (`LiteLLM_ProxyModelTable` row); string `litellm_params` are encrypted. */
export interface ModelRecord {
  /** `model_id` (= `model_info.id`); primary key. */
  modelId: string;
  /** The stored row: model_id, model_name, litellm_params, model_info, created/updated at/by. */
  row: JsonObject;
}

/** A provider credential (`LiteLLM_CredentialsTable` row); string values are encrypted. */
export interface CredentialRecord {
  /** `credential_name`; unique. */
  name: string;
  /** The stored row: credential_id, credential_name, credential_values, credential_info, created/updated at/by. */
  row: JsonObject;
}

/** Filters for {@link EmulatorStore.findKeys}; every set field must match exactly. */
export interface KeyFilter {
  /** Match `key_alias`. */
  keyAlias?: string | undefined;
  /** Match the token (hash). */
  token?: string | undefined;
  /** Include deleted keys (default: only live keys). */
  includeDeleted?: boolean | undefined;
}

/** Storage used by the emulator. All methods are async so Postgres and memory share one contract. */
export interface EmulatorStore {
  /** `"memory"` or `"postgres"`. */
  readonly kind: "memory" | "postgres";
  /** Connects (retrying) and creates the schema. */
  init(): Promise<void>;
  /** Resolves when the backing database answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;

  /** Inserts or replaces a key row (by token). */
  putKey(record: KeyRecord): Promise<void>;
  /** Reads a key by token, deleted or not. */
  getKey(token: string): Promise<KeyRecord | undefined>;
  /** Keys matching `filter`, oldest first. */
  findKeys(filter: KeyFilter): Promise<KeyRecord[]>;
  /** Marks the given live keys deleted; returns the tokens that were live. */
  deleteKeys(tokens: readonly string[], deletedAt: string): Promise<string[]>;

  /** Inserts a model; false when `modelId` already exists. */
  insertModel(record: ModelRecord): Promise<boolean>;
  /** Reads a model by id. */
  getModel(modelId: string): Promise<ModelRecord | undefined>;
  /** All models, oldest first. */
  listModels(): Promise<ModelRecord[]>;
  /** Replaces an existing model row; false when absent. */
  updateModel(record: ModelRecord): Promise<boolean>;
  /** Deletes a model; false when absent. */
  deleteModel(modelId: string): Promise<boolean>;

  /** Inserts a credential; false when the name is taken. */
  insertCredential(record: CredentialRecord): Promise<boolean>;
  /** Reads a credential by name. */
  getCredential(name: string): Promise<CredentialRecord | undefined>;
  /** All credentials, oldest first. */
  listCredentials(): Promise<CredentialRecord[]>;
  /** Replaces the credential stored under `name` (the record may carry a new name); false when absent. */
  updateCredential(name: string, record: CredentialRecord): Promise<boolean>;
  /** Deletes a credential; false when absent. */
  deleteCredential(name: string): Promise<boolean>;
}
