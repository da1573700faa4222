/**
 * Postgres-backed {@link EmulatorStore} (via `pg`): three tables holding LiteLLM-shaped JSON rows.
 * `init()` waits for the database (retrying once a second) and creates the schema.
 */
import { Pool, type PoolConfig } from "pg";
import type { JsonObject } from "../errors";
import type { CredentialRecord, EmulatorStore, KeyFilter, KeyRecord, ModelRecord } from "./types";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS litellm_emulator_keys (
  token text PRIMARY KEY,
  key_alias text,
  created_at text NOT NULL,
  deleted_at text,
  seq bigserial,
  data jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS litellm_emulator_keys_alias ON litellm_emulator_keys (key_alias);
CREATE TABLE IF NOT EXISTS litellm_emulator_models (
  model_id text PRIMARY KEY,
  seq bigserial,
  data jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS litellm_emulator_credentials (
  credential_name text PRIMARY KEY,
  seq bigserial,
  data jsonb NOT NULL
);`;

/** Arbitrary constant for the advisory lock that serialises schema creation between instances. */
const SCHEMA_LOCK_ID = 400_040_000;

interface KeyRow {
  token: string;
  key_alias: string | null;
  created_at: string;
  deleted_at: string | null;
  data: JsonObject;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function toKey(r: KeyRow): KeyRecord {
  return {
    token: r.token,
    keyAlias: r.key_alias,
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
    row: r.data,
  };
}

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://…` connection string. */
  databaseUrl: string;
  /** How long `init()` keeps retrying the first connection, in ms. @default 60000 */
  connectTimeoutMs?: number | undefined;
}

/** Postgres store. Restarting the emulator on the same database keeps keys, models and credentials. */
export class PostgresStore implements EmulatorStore {
  readonly kind = "postgres" as const;
  private readonly pool: Pool;
  private readonly connectTimeoutMs: number;

  constructor(options: PostgresStoreOptions) {
    const config: PoolConfig = {
      connectionString: options.databaseUrl,
      connectionTimeoutMillis: 5_000,
      max: 5,
    };
    this.pool = new Pool(config);
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on("error", () => undefined);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
  }

  async init(): Promise<void> {
    const deadline = Date.now() + this.connectTimeoutMs;
    for (;;) {
      try {
        await this.pool.query("SELECT 1");
        break;
      } catch (err) {
        if (Date.now() >= deadline) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new Error(`Postgres not reachable after ${this.connectTimeoutMs} ms: ${reason}`);
        }
        await sleep(1_000);
      }
    }
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [SCHEMA_LOCK_ID]);
      await client.query(SCHEMA);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [SCHEMA_LOCK_ID]).catch(() => undefined);
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async putKey(r: KeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO litellm_emulator_keys (token, key_alias, created_at, deleted_at, data)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (token) DO UPDATE SET key_alias = EXCLUDED.key_alias, created_at = EXCLUDED.created_at,
         deleted_at = EXCLUDED.deleted_at, data = EXCLUDED.data`,
      [r.token, r.keyAlias, r.createdAt, r.deletedAt, JSON.stringify(r.row)],
    );
  }

  async getKey(token: string): Promise<KeyRecord | undefined> {
    const res = await this.pool.query<KeyRow>(
      "SELECT * FROM litellm_emulator_keys WHERE token = $1",
      [token],
    );
    const row = res.rows[0];
    return row === undefined ? undefined : toKey(row);
  }

  async findKeys(filter: KeyFilter): Promise<KeyRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.includeDeleted !== true) {
      where.push("deleted_at IS NULL");
    }
    if (filter.keyAlias !== undefined) {
      args.push(filter.keyAlias);
      where.push(`key_alias = $${args.length}`);
    }
    if (filter.token !== undefined) {
      args.push(filter.token);
      where.push(`token = $${args.length}`);
    }
    const sql = `SELECT * FROM litellm_emulator_keys ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`;
    return (await this.pool.query<KeyRow>(sql, args)).rows.map(toKey);
  }

  async deleteKeys(tokens: readonly string[], deletedAt: string): Promise<string[]> {
    const res = await this.pool.query<{ token: string }>(
      `UPDATE litellm_emulator_keys SET deleted_at = $2 WHERE token = ANY($1::text[]) AND deleted_at IS NULL RETURNING token`,
      [tokens, deletedAt],
    );
    return res.rows.map((r) => r.token);
  }

  async insertModel(r: ModelRecord): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO litellm_emulator_models (model_id, data) VALUES ($1, $2::jsonb) ON CONFLICT (model_id) DO NOTHING`,
      [r.modelId, JSON.stringify(r.row)],
    );
    return res.rowCount === 1;
  }

  async getModel(modelId: string): Promise<ModelRecord | undefined> {
    const res = await this.pool.query<{ model_id: string; data: JsonObject }>(
      "SELECT model_id, data FROM litellm_emulator_models WHERE model_id = $1",
      [modelId],
    );
    const row = res.rows[0];
    return row === undefined ? undefined : { modelId: row.model_id, row: row.data };
  }

  async listModels(): Promise<ModelRecord[]> {
    const res = await this.pool.query<{ model_id: string; data: JsonObject }>(
      "SELECT model_id, data FROM litellm_emulator_models ORDER BY seq",
    );
    return res.rows.map((r) => ({ modelId: r.model_id, row: r.data }));
  }

  async updateModel(r: ModelRecord): Promise<boolean> {
    const res = await this.pool.query(
      "UPDATE litellm_emulator_models SET data = $2::jsonb WHERE model_id = $1",
      [r.modelId, JSON.stringify(r.row)],
    );
    return res.rowCount === 1;
  }

  async deleteModel(modelId: string): Promise<boolean> {
    const res = await this.pool.query("DELETE FROM litellm_emulator_models WHERE model_id = $1", [
      modelId,
    ]);
    return res.rowCount === 1;
  }

  async insertCredential(r: CredentialRecord): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO litellm_emulator_credentials (credential_name, data) VALUES ($1, $2::jsonb)
       ON CONFLICT (credential_name) DO NOTHING`,
      [r.name, JSON.stringify(r.row)],
    );
    return res.rowCount === 1;
  }

  async getCredential(name: string): Promise<CredentialRecord | undefined> {
    const res = await this.pool.query<{ credential_name: string; data: JsonObject }>(
      "SELECT credential_name, data FROM litellm_emulator_credentials WHERE credential_name = $1",
      [name],
    );
    const row = res.rows[0];
    return row === undefined ? undefined : { name: row.credential_name, row: row.data };
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    const res = await this.pool.query<{ credential_name: string; data: JsonObject }>(
      "SELECT credential_name, data FROM litellm_emulator_credentials ORDER BY seq",
    );
    return res.rows.map((r) => ({ name: r.credential_name, row: r.data }));
  }

  async updateCredential(name: string, r: CredentialRecord): Promise<boolean> {
    const res = await this.pool.query(
      "UPDATE litellm_emulator_credentials SET credential_name = $2, data = $3::jsonb WHERE credential_name = $1",
      [name, r.name, JSON.stringify(r.row)],
    );
    return res.rowCount === 1;
  }

  async deleteCredential(name: string): Promise<boolean> {
    const res = await this.pool.query(
      "DELETE FROM litellm_emulator_credentials WHERE credential_name = $1",
      [name],
    );
    return res.rowCount === 1;
  }
}
