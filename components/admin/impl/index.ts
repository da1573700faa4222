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
import { credential as credentialImpl } from "./credential";
import { virtualKey as keyImpl } from "./key";
import { model as modelImpl } from "./model";
import { OUTPUT_SCHEMA_VERSION, type Versioned } from "./shared";

/** The CRUD methods whose results are written to state. */
interface Writes<I, O extends Versioned> {
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<{ id: string; props: O }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
}

/** The implementation with `schemaVersion` stamped on everything it writes to state. */
function versioned<I, O extends Versioned, T extends Writes<I, O>>(impl: T): T {
  const stamp = (o: O): O => ({ ...o, schemaVersion: OUTPUT_SCHEMA_VERSION });
  return {
    ...impl,
    create: async (inputs: I) => {
      const r = await impl.create(inputs);
      return { ...r, outs: stamp(r.outs) };
    },
    read: async (id: string, props: O) => {
      const r = await impl.read(id, props);
      return r.id === "" ? r : { ...r, props: stamp(r.props) };
    },
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
