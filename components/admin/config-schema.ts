/**
 * zod schema for the stack-config shape of the gateway contents: the three lists, each entry
 * parsed by its kind's one schema (`credential/`, `model/`, `key/`), and the cross-references
 * between them. The stack's config loader parses the lists with it; `GatewayContents` takes the
 * result.
 * Secret credential values belong in a secret config value: parse them inside `.apply` and never
 * echo them.
 */
import { z } from "zod";
import { credentialConfigSchema } from "./credential/schema";
import { keyConfigSchema } from "./key/schema";
import { modelConfigSchema } from "./model/schema";

export { credentialConfigSchema, keyConfigSchema, modelConfigSchema };
export type { CredentialConfig } from "./credential/schema";
export type { KeyConfig } from "./key/schema";
export type { ModelConfig } from "./model/schema";

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
