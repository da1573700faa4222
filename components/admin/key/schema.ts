/**
 * The one schema of a virtual key: its fields and rules, from which the stack config's `keys[]`
 * entries, the VirtualKey provider's `check` and the `KeyInputs` type all come. No Pulumi imports.
 */
import { z } from "zod";
import { DURATION_PATTERN, keyAliasProblem } from "../rules";
import { connectionShape, limit, name, previewTolerant, u } from "../schema-parts";

/** Metadata field holding the owner tag of the resource that created the key. */
export const OWNER_FIELD = "pulumi_owner";
/** Metadata field holding the generation (the `rotation` value) the key was created for. */
export const GENERATION_FIELD = "pulumi_generation";

/** The fields a key has in stack config and as a resource. */
const fields = {
  /** `key_alias`, unique on the proxy. `agyn_key` and `agents-service` belong to the consuming server. */
  alias: name("alias").superRefine((a, ctx) => {
    const message = keyAliasProblem(a, undefined);
    if (message !== undefined) {
      ctx.addIssue({ code: "custom", message });
    }
  }),
  /** Lifetime: a number and `s`, `m`, `h`, `d`, `w` or `mo` (e.g. `30d`). @default never expires */
  duration: z
    .string({ error: "duration must be a string" })
    .regex(DURATION_PATTERN, "duration must be a number followed by s, m, h, d, w or mo")
    .optional(),
  /** Budget in USD. @default no budget */
  maxBudget: limit("maxBudget").optional(),
  /** Requests per minute. @default unlimited */
  rpmLimit: limit("rpmLimit", { int: true }).optional(),
  /** Tokens per minute. @default unlimited */
  tpmLimit: limit("tpmLimit", { int: true }).optional(),
  /** LiteLLM team id. @default none */
  teamId: name("teamId").optional(),
  /** Free-form metadata stored on the key, except the provider's own two fields. @default {} */
  metadata: z
    .record(z.string(), z.unknown(), { error: "metadata must be a map" })
    .superRefine((m, ctx) => {
      const own = [OWNER_FIELD, GENERATION_FIELD].filter((f) => f in m);
      if (own.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `metadata must not set ${own.join(" or ")}: the provider writes them to recognise its own keys (use \`owner\` and \`rotation\`)`,
        });
      }
    }),
  /**
   * The raw `sk-…` key of a key that exists on the gateway but was not created by this stack
   * (e.g. made in the UI), to take over instead of minting a new one: the key keeps its value,
   * gets this entry's settings and from then on is managed (destroy deletes it; a new `rotation`
   * mints a new key). Its alias must be this alias or none. A secret; read at create only.
   * @default none (a new key is minted)
   */
  adoptKey: z
    .string({ error: "adoptKey must be a string" })
    .regex(/^sk-\S+$/, "adoptKey must be a raw key starting with sk-")
    .optional(),
  /** Rotation trigger: change it (e.g. a date) to replace the key create-before-delete. @default "0" */
  rotation: z.string({ error: "rotation must be a string" }),
};

/** A public model name the key may call. */
const modelName = name("models[]");

/** One entry of the stack config's `keys` list. */
export const keyConfigSchema = z.object({
  ...fields,
  /** Public model names the key may call. @default every model declared in `models` */
  models: z.array(modelName, { error: "models must be a list of strings" }).optional(),
  metadata: fields.metadata.default({}),
  /** A number is read as its decimal string. */
  rotation: z
    .preprocess((v) => (typeof v === "number" ? String(v) : v), fields.rotation)
    .default("0"),
});

/** The VirtualKey provider's inputs. */
export const keyInputsSchema = z.object({
  ...connectionShape,
  ...fields,
  /** Stable owner tag stored in the key's metadata (stack + resource name). */
  owner: name("owner"),
  /** Public model names the key may call (an entry may be unknown during a preview). */
  models: z.array(u(modelName), { error: "models must be a list of strings" }),
  metadata: fields.metadata.optional(),
  rotation: fields.rotation.optional(),
});

/** What the provider's `check` validates (unknown values pass during a preview). */
export const keyCheckSchema = previewTolerant(keyInputsSchema.shape);

export type KeyConfig = z.output<typeof keyConfigSchema>;
/** Resolved inputs of a VirtualKey. */
export type KeyInputs = z.output<typeof keyInputsSchema>;
