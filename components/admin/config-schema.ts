/**
 * zod schema for the stack-config shape of the gateway contents (credentials, models, keys). The
 * stack's config loader parses the three lists with it; `GatewayContents` takes the result.
 * Secret credential values belong in a secret config value: parse them inside `.apply` and never
 * echo them.
 */
import { z } from "zod";
import {
  DURATION_PATTERN,
  RESERVED_KEY_ALIASES,
  paramNameProblem,
  normalizeProvider,
} from "./rules";

const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`);

/**
 * A non-negative number (whole with `int`). `pulumi config set --path` types whole numbers but
 * keeps a decimal such as `25.5` as a string, so a decimal string is read as its number.
 */
const limit = (what: string, options: { int?: boolean } = {}) => {
  const number = z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} must not be negative`);
  return z.preprocess(
    (v) => (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    options.int === true ? number.int(`${what} must be a whole number`) : number,
  );
};

/** One provider credential. */
export const credentialConfigSchema = z.object({
  /** LiteLLM `credential_name`, unique on the proxy; models refer to it by this name. */
  name: name("name"),
  /**
   * Provider, e.g. `openai`, `azure`, `anthropic`. Trimmed, lowercased and mapped to LiteLLM's
   * canonical key (`azure_openai` → `azure`); checked against `GET /public/providers` at deploy.
   */
  provider: name("provider").transform(normalizeProvider),
  /** Credential values (`api_key`, `api_base`, `api_version`, …). Keep them in secret config. */
  values: z
    .record(z.string(), z.string({ error: "values must map names to strings" }))
    .refine((v) => Object.keys(v).length > 0, "values must not be empty"),
  /**
   * Take over a credential of this name that exists on the gateway but was not created by this
   * stack (e.g. made in the UI): its values are overwritten and destroy deletes it. Unset, the
   * deployment fails on such a name. @default false
   */
  adopt: z.boolean({ error: "adopt must be true or false" }).optional(),
});

/** One model alias (a LiteLLM deployment). */
export const modelConfigSchema = z.object({
  /** Public model name clients send (`model_name`); any non-empty string, unique in the list. */
  name: name("name"),
  /** Provider target `provider/model` (`litellm_params.model`), e.g. `openai/gpt-4o`. */
  target: z
    .string({ error: "target must be a string" })
    .trim()
    .regex(/^[^/\s]+\/\S+$/, 'target must be "<provider>/<model>", e.g. "openai/gpt-4o"'),
  /** Name of a credential declared in `credentials`. @default none (params or env carry auth) */
  credential: name("credential").optional(),
  /**
   * Replace deployments of this public name that exist on the gateway but were not created by
   * this stack (e.g. added in the UI): they are deleted, this one is created. Unset, the
   * deployment fails on such a name (LiteLLM would balance requests between them). @default false
   */
  adopt: z.boolean({ error: "adopt must be true or false" }).optional(),
  /** Extra non-secret `litellm_params` (`api_base`, `api_version`, `temperature`, `rpm`…). @default {} */
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .superRefine((p, ctx) => {
      for (const k of Object.keys(p)) {
        const message = paramNameProblem(k, "put it in a credential and set credential");
        if (message !== undefined) {
          ctx.addIssue({ code: "custom", path: [k], message });
        }
      }
    })
    .default({}),
});

/** One virtual key. */
export const keyConfigSchema = z.object({
  /** `key_alias`, unique on the proxy. `agyn_key` and `agents-service` belong to the consuming server. */
  alias: name("alias").refine((a) => !RESERVED_KEY_ALIASES.includes(a), {
    message: `alias is reserved by the consuming server (reserved: ${RESERVED_KEY_ALIASES.join(", ")})`,
  }),
  /** Public model names the key may call. @default every model declared in `models` */
  models: z.array(name("models[]")).optional(),
  /** Lifetime: a number and `s`, `m`, `h`, `d`, `w` or `mo` (e.g. `30d`). @default never expires */
  duration: z
    .string()
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
  /** Free-form metadata stored on the key. @default {} */
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** Rotation trigger: change it (e.g. a date) to replace the key create-before-delete. @default "0" */
  rotation: z.union([z.string(), z.number()]).transform(String).default("0"),
});

/** A cross-reference problem in the contents lists, with the property path it is about. */
export interface ContentsProblem {
  path: [string, number, string];
  message: string;
}

/**
 * Names declared twice and models referring to an undeclared credential, in list order. With
 * `allOccurrences` every entry of a duplicated name is reported; without it only the repeats.
 */
export function contentsProblems(
  c: {
    credentials: readonly { name: string }[];
    models: readonly { name: string; credential?: string | undefined }[];
    keys: readonly { alias: string }[];
  },
  allOccurrences: boolean,
): ContentsProblem[] {
  const problems: ContentsProblem[] = [];
  const duplicated = (values: string[]) => (value: string, index: number) => {
    const first = values.indexOf(value);
    return allOccurrences ? values.indexOf(value, first + 1) !== -1 : index > first;
  };
  const credNames = c.credentials.map((x) => x.name);
  const credDup = duplicated(credNames);
  c.credentials.forEach((x, i) => {
    if (credDup(x.name, i)) {
      problems.push({
        path: ["credentials", i, "name"],
        message: `duplicate credential name "${x.name}"`,
      });
    }
  });
  const modelDup = duplicated(c.models.map((x) => x.name));
  c.models.forEach((m, i) => {
    if (modelDup(m.name, i)) {
      problems.push({ path: ["models", i, "name"], message: `duplicate model name "${m.name}"` });
    }
    if (m.credential !== undefined && !credNames.includes(m.credential)) {
      problems.push({
        path: ["models", i, "credential"],
        message: `credential "${m.credential}" is not declared in credentials`,
      });
    }
  });
  const keyDup = duplicated(c.keys.map((x) => x.alias));
  c.keys.forEach((k, i) => {
    if (keyDup(k.alias, i)) {
      problems.push({ path: ["keys", i, "alias"], message: `duplicate key alias "${k.alias}"` });
    }
  });
  return problems;
}

/** The three lists; cross-references are checked (a model's credential must be declared). */
export const gatewayContentsConfigSchema = z
  .object({
    /** Provider credentials. @default [] */
    credentials: z.array(credentialConfigSchema).default([]),
    /** Model aliases. @default [] */
    models: z.array(modelConfigSchema).default([]),
    /** Virtual keys. @default [] */
    keys: z.array(keyConfigSchema).default([]),
  })
  .superRefine((c, ctx) => {
    for (const problem of contentsProblems(c, true)) {
      ctx.addIssue({ code: "custom", ...problem });
    }
  });

/** Parsed gateway contents config. */
export type GatewayContentsConfig = z.output<typeof gatewayContentsConfigSchema>;
/** Gateway contents config as written in stack config. */
export type GatewayContentsConfigInput = z.input<typeof gatewayContentsConfigSchema>;
export type CredentialConfig = z.output<typeof credentialConfigSchema>;
export type ModelConfig = z.output<typeof modelConfigSchema>;
export type KeyConfig = z.output<typeof keyConfigSchema>;
