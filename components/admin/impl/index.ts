/**
 * CRUD implementation of the three gateway-content resources (ProviderCredential, ModelAlias,
 * VirtualKey) against LiteLLM's admin API. No Pulumi imports: the serialized dynamic providers
 * (`providers.ts`) load its compiled form by package name (`litellm-stack/admin-impl`) at
 * deployment time, and the tests call it directly. Every output carries `schemaVersion`.
 *
 * Verb map:
 * - credential: create POST /credentials, read GET /credentials/by_name/{n}, update PATCH
 *   /credentials/{n}, delete DELETE /credentials/{n}
 * - model: create POST /model/new (caller-chosen model_info.id), read GET
 *   /model/info?litellm_model_id=, update PATCH /model/{id}/update, delete POST /model/delete
 * - key: create POST /key/generate (caller-chosen raw key), read GET /key/info, update POST
 *   /key/update, delete POST /key/delete
 */
import { credential as credentialImpl } from "../credential/impl";
import { virtualKey as keyImpl } from "../key/impl";
import { model as modelImpl } from "../model/impl";
import { LiteLlmApiError } from "../client";
import { hostUrl } from "../../naming";
import { OUTPUT_SCHEMA_VERSION, type AdminConnection, type Versioned } from "./shared";

/** The migration step's run (components/migration-run.ts), loaded by the Migration provider. */
export { runMigration } from "../../migration-run";

/** The private network's operations (components/network-run.ts), loaded by the Network provider. */
export { ensureNetwork, inspectNetwork, removeNetwork } from "../../network-run";

/** The stack config as the dynamic-provider host hands it to `configure` (`project:key`). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/**
 * The admin connection the *current* program gives the gateway, from the stack config the
 * provider host is configured with (the stack config of this run): `litellm-stack:bindAddress`
 * and `hostPort` for the URL, `litellm-stack:masterKey` for the key, each only when set. Stacks
 * of other projects (the components used as a library) have none of these: the connection each
 * resource stored is all there is.
 */
let current: Partial<AdminConnection> = {};

/** Reads the current connection from the provider's config (see {@link current}). */
export async function configure(config: ProviderConfig): Promise<void> {
  const value = (key: string): string | undefined => {
    const v = config.get(`litellm-stack:${key}`);
    return v === undefined || v === "" ? undefined : v;
  };
  const port = value("hostPort");
  const key = value("masterKey");
  current = {
    ...(port === undefined ? {} : { adminUrl: hostUrl(value("bindAddress") ?? "127.0.0.1", port) }),
    ...(key === undefined ? {} : { adminKey: key }),
  };
}

/** Whether another connection may work where this one failed: no answer, or the key refused. */
const tryAnother = (err: unknown): boolean =>
  err instanceof LiteLlmApiError && (err.status === 0 || err.status === 401);

/**
 * Runs `op` with the stored connection and the current one (if it differs), in `order`, moving
 * to the next only when the gateway does not answer or refuses the key there. A read during a
 * refresh runs before the gateway is updated (stored first); the delete of an object removed
 * from the program runs after it (current first), when the stored port or key may be gone.
 */
async function withConnections<P extends AdminConnection, R>(
  props: P,
  order: "stored" | "current",
  op: (props: P) => Promise<R>,
): Promise<R> {
  const now = { ...props, ...current };
  const same = now.adminUrl === props.adminUrl && now.adminKey === props.adminKey;
  const candidates = same ? [props] : order === "stored" ? [props, now] : [now, props];
  let error: unknown;
  for (const candidate of candidates) {
    try {
      return await op(candidate);
    } catch (err) {
      if (!tryAnother(err)) {
        throw err;
      }
      error ??= err;
    }
  }
  throw error;
}

/**
 * Whether a read failed because the gateway cannot serve its contents at all: it does not answer
 * (stopped, removed: connection refused, reset or timed out), or its database is unreachable
 * (LiteLLM 1.108.14 answers 503 `no_db_connection`, or 500 "All connection attempts failed", an
 * httpx.ConnectError or Prisma's P1001 "Can't reach database server", while Postgres is down or
 * off its network; which one depends on how far the proxy got when the database went away).
 */
function cannotServeContents(err: unknown): boolean {
  if (!(err instanceof LiteLlmApiError)) {
    return false;
  }
  if (err.status === 0) {
    // A host name that does not resolve is a wrong address, not a stopped gateway: it is reported.
    return !/ENOTFOUND|EAI_AGAIN/.test(err.bodyExcerpt);
  }
  return (
    err.status === 503 ||
    (err.status === 500 &&
      /connection attempts failed|no_db_connection|ConnectError|Can't reach database server/i.test(
        `${err.bodyExcerpt} ${JSON.stringify(err.body ?? "")}`,
      ))
  );
}

/** The CRUD methods that write state or use a stored connection. */
interface Writes<I, O extends Versioned & AdminConnection> {
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<{ id: string; props: O }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

/**
 * The implementation with `schemaVersion` stamped on everything it writes to state, and read and
 * delete run against the current connection too (see {@link withConnections}).
 */
function versioned<I, O extends Versioned & AdminConnection, T extends Writes<I, O>>(impl: T): T {
  const stamp = (o: O): O => ({ ...o, schemaVersion: OUTPUT_SCHEMA_VERSION });
  return {
    ...impl,
    create: async (inputs: I) => {
      const r = await impl.create(inputs);
      return { ...r, outs: stamp(r.outs) };
    },
    read: async (id: string, props: O) => {
      let r: { id: string; props: O };
      try {
        r = await withConnections(props, "stored", (p) => impl.read(id, p));
      } catch (err) {
        // A gateway that cannot serve its contents (stopped, removed, its database down) cannot say how they changed:
        // the state stays as it was, so a refresh still reports the container's own drift and
        // `up` can start or recreate it. `npm run drift` notes that the contents were not compared.
        if (cannotServeContents(err)) {
          return { id, props };
        }
        throw err;
      }
      return r.id === "" ? r : { ...r, props: stamp(r.props) };
    },
    delete: (id: string, props: O) => withConnections(props, "current", (p) => impl.delete(id, p)),
    update: async (id: string, olds: O, news: I) => {
      const r = await impl.update(id, olds, news);
      return { ...r, outs: stamp(r.outs) };
    },
  };
}

/** ProviderCredential implementation. */
export const credential = versioned(credentialImpl);
/** ModelAlias implementation. */
export const model = versioned(modelImpl);
/** VirtualKey implementation. */
export const virtualKey = versioned(keyImpl);
export {
  OUTPUT_SCHEMA_VERSION,
  UNKNOWN,
  configureAdminTuning,
  type AdminConnection,
  type AdminTuning,
  type CheckFailure,
  type CredentialInputs,
  type CredentialOutputs,
  type DiffResult,
  type KeyInputs,
  type KeyOutputs,
  type ModelInputs,
  type ModelOutputs,
} from "./shared";
