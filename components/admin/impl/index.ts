/**
 * CRUD implementation of the three gateway-content resources (ProviderCredential, ModelAlias,
 * VirtualKey) against LiteLLM's admin API. No Pulumi imports: the serialized dynamic providers
 * (`providers.ts`) load this module by path at deployment time, and the tests call it directly.
 *
 * Verb map:
 * - credential: create POST /credentials, read GET /credentials/by_name/{n}, update PATCH
 *   /credentials/{n}, delete DELETE /credentials/{n}
 * - model: create POST /model/new (caller-chosen model_info.id), read GET
 *   /model/info?litellm_model_id=, update PATCH /model/{id}/update, delete POST /model/delete
 * - key: create POST /key/generate (caller-chosen raw key), read GET /key/info, update POST
 *   /key/update, delete POST /key/delete
 */
export { credential } from "./credential";
export { model } from "./model";
export { virtualKey } from "./key";
export {
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
