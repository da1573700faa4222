/**
 * The one schema of a model alias (a LiteLLM deployment: public `model_name` → provider target):
 * its rules, from which the stack config's `models[]` entries, the ModelAlias provider's `check`
 * and the `ModelInputs` type all come. The stack config names the public name `name` and the
 * credential `credential`; the resource, `publicName` and `credentialName`. No Pulumi imports.
 */
import { z } from "zod";
import { paramNameProblem } from "../rules";
import { adoptFlag, connectionShape, name, previewTolerant } from "../schema-parts";

/** Provider target `provider/model` (`litellm_params.model`), e.g. `openai/gpt-4o`. */
const target = z
  .string({ error: "target must be a string" })
  .trim()
  .regex(/^[^/\s]+\/\S+$/, 'target must be "<provider>/<model>", e.g. "openai/gpt-4o"');

/**
 * Extra non-secret `litellm_params` (`api_base`, `api_version`, `temperature`, `rpm`…). Names
 * that look like secrets or that LiteLLM masks are refused; `fix` says where they go instead.
 */
const params = (fix: string) =>
  z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
      error: "params must map names to strings, numbers or booleans",
    })
    .superRefine((p, ctx) => {
      for (const k of Object.keys(p)) {
        const message = paramNameProblem(k, fix);
        if (message !== undefined) {
          ctx.addIssue({ code: "custom", path: [k], message });
        }
      }
    });

/**
 * Replace deployments of this public name that exist on the gateway but were not created by this
 * stack (e.g. added in the UI): they are deleted, this one is created. Unset, the deployment
 * fails on such a name (LiteLLM would balance requests between them). @default false
 */
const adopt = adoptFlag.optional();

/** One entry of the stack config's `models` list. */
export const modelConfigSchema = z.object({
  /** Public model name clients send (`model_name`); any non-empty string, unique in the list. */
  name: name("name"),
  target,
  /** Name of a credential declared in `credentials`. @default none (params or env carry auth) */
  credential: name("credential").optional(),
  adopt,
  /** @default {} */
  params: params("put it in a credential and set credential").default({}),
});

/** The ModelAlias provider's inputs. */
export const modelInputsSchema = z.object({
  ...connectionShape,
  /** `model_info.id`, chosen by the resource; stable across updates. */
  modelId: name("modelId"),
  /** Public model name clients send (`model_name`). */
  publicName: name("publicName"),
  target,
  /** `litellm_params.litellm_credential_name`: a ProviderCredential's name. */
  credentialName: name("credentialName").optional(),
  params: params("put it in a ProviderCredential and set credentialName").optional(),
  /**
   * Owner tag written to `model_info.pulumi_owner` at create; a deployment of the same public
   * name without it (or with another) was not made by this resource. ModelAlias always sets it.
   */
  owner: name("owner").optional(),
  adopt,
});

/** What the provider's `check` validates (unknown values pass during a preview). */
export const modelCheckSchema = previewTolerant(modelInputsSchema.shape);

export type ModelConfig = z.output<typeof modelConfigSchema>;
/** Resolved inputs of a ModelAlias. */
export type ModelInputs = z.output<typeof modelInputsSchema>;
