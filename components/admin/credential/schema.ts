/**
 * The one schema of a provider credential: its fields and rules, from which the stack config's
 * `credentials[]` entries, the ProviderCredential provider's `check` and the `CredentialInputs`
 * type all come. No Pulumi imports.
 */
import { z } from "zod";
import { normalizeProvider } from "../rules";
import { adoptFlag, connectionShape, name, previewTolerant } from "../schema-parts";

/** The fields a credential has in stack config and as a resource. */
const fields = {
  /** LiteLLM `credential_name`, unique on the proxy; models refer to it by this name. */
  name: name("name"),
  /**
   * Provider, e.g. `openai`, `azure`, `anthropic`; mapped to LiteLLM's canonical key
   * (`azure_openai` → `azure`) and checked against `GET /public/providers` at deploy.
   */
  provider: name("provider"),
  /** Credential values (`api_key`, `api_base`, `api_version`, …). Keep them in secret config. */
  values: z
    .record(z.string(), z.string({ error: "values must map names to strings" }), {
      error: "values must be a map of strings",
    })
    .refine((v) => Object.keys(v).length > 0, "values must not be empty"),
  /**
   * Take over a credential of this name that exists on the gateway but was not created by this
   * stack (e.g. made in the UI): its values are overwritten and destroy deletes it. Unset, the
   * deployment fails on such a name. @default false
   */
  adopt: adoptFlag.optional(),
};

/** One entry of the stack config's `credentials` list. */
export const credentialConfigSchema = z.object({
  ...fields,
  provider: fields.provider.transform(normalizeProvider),
});

/** The ProviderCredential provider's inputs. */
export const credentialInputsSchema = z.object({
  ...connectionShape,
  ...fields,
  /**
   * Owner tag written to `credential_info.pulumi_owner`; tells this resource's own lost create
   * apart from a credential someone else made. ProviderCredential always sets it.
   */
  owner: name("owner").optional(),
});

/** What the provider's `check` validates (unknown values pass during a preview). */
export const credentialCheckSchema = previewTolerant(credentialInputsSchema.shape);

export type CredentialConfig = z.output<typeof credentialConfigSchema>;
/** Resolved inputs of a ProviderCredential. */
export type CredentialInputs = z.output<typeof credentialInputsSchema>;
