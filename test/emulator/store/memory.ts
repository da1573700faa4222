/** In-process {@link EmulatorStore}: Maps in insertion order; state lives as long as the object. */
import type { CredentialRecord, EmulatorStore, KeyFilter, KeyRecord, ModelRecord } from "./types";

const clone = <T>(value: T): T => structuredClone(value);

/** Memory-backed store. Share one instance between two emulators to simulate a restart without Postgres. */
export class MemoryStore implements EmulatorStore {
  readonly kind = "memory" as const;
  private readonly keys = new Map<string, KeyRecord>();
  private readonly models = new Map<string, ModelRecord>();
  private readonly credentials = new Map<string, CredentialRecord>();
  private down = false;

  /** Makes {@link ping} fail (or succeed again), to emulate a database outage in readiness tests. */
  setDatabaseDown(down: boolean): void {
    this.down = down;
  }

  async init(): Promise<void> {}

  async ping(): Promise<void> {
    if (this.down) {
      throw new Error("database is down (emulated)");
    }
  }

  async close(): Promise<void> {}

  async putKey(record: KeyRecord): Promise<void> {
    // Map.set keeps an existing entry's position, like an UPDATE keeps the row's sequence number.
    this.keys.set(record.token, clone(record));
  }

  async getKey(token: string): Promise<KeyRecord | undefined> {
    const rec = this.keys.get(token);
    return rec === undefined ? undefined : clone(rec);
  }

  async findKeys(filter: KeyFilter): Promise<KeyRecord[]> {
    return [...this.keys.values()]
      .filter((k) => filter.includeDeleted === true || k.deletedAt === null)
      .filter((k) => filter.keyAlias === undefined || k.keyAlias === filter.keyAlias)
      .filter((k) => filter.token === undefined || k.token === filter.token)
      .map(clone);
  }

  async deleteKeys(tokens: readonly string[], deletedAt: string): Promise<string[]> {
    const deleted: string[] = [];
    for (const token of tokens) {
      const rec = this.keys.get(token);
      if (rec !== undefined && rec.deletedAt === null) {
        rec.deletedAt = deletedAt;
        deleted.push(token);
      }
    }
    return deleted;
  }

  async insertModel(record: ModelRecord): Promise<boolean> {
    if (this.models.has(record.modelId)) {
      return false;
    }
    this.models.set(record.modelId, clone(record));
    return true;
  }

  async getModel(modelId: string): Promise<ModelRecord | undefined> {
    const rec = this.models.get(modelId);
    return rec === undefined ? undefined : clone(rec);
  }

  async listModels(): Promise<ModelRecord[]> {
    return [...this.models.values()].map(clone);
  }

  async updateModel(record: ModelRecord): Promise<boolean> {
    if (!this.models.has(record.modelId)) {
      return false;
    }
    this.models.set(record.modelId, clone(record));
    return true;
  }

  async deleteModel(modelId: string): Promise<boolean> {
    return this.models.delete(modelId);
  }

  async insertCredential(record: CredentialRecord): Promise<boolean> {
    if (this.credentials.has(record.name)) {
      return false;
    }
    this.credentials.set(record.name, clone(record));
    return true;
  }

  async getCredential(name: string): Promise<CredentialRecord | undefined> {
    const rec = this.credentials.get(name);
    return rec === undefined ? undefined : clone(rec);
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    return [...this.credentials.values()].map(clone);
  }

  async updateCredential(name: string, record: CredentialRecord): Promise<boolean> {
    if (!this.credentials.has(name)) {
      return false;
    }
    if (record.name !== name && this.credentials.has(record.name)) {
      throw new Error(`Unique constraint failed on the fields: (\`credential_name\`)`);
    }
    this.credentials.delete(name);
    this.credentials.set(record.name, clone(record));
    return true;
  }

  async deleteCredential(name: string): Promise<boolean> {
    return this.credentials.delete(name);
  }
}
