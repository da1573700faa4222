/**
 * The consuming server's boot rules for its env (contract: ../shared/docs/anchors.md §1d), each
 * stated once: the stack config's `llmProvider`, `openaiBaseUrl` and `server*` keys are parsed
 * with these schemas at `up`, before anything is created, and `npm run env` checks the env
 * document it writes against them again. No Pulumi imports.
 */
import { z } from "zod";
import { DURATION_PATTERN, keyAliasProblem, normalizeProvider } from "../components/admin/rules";

export { keyAliasProblem };

/** The server's `LLM_PROVIDER` values: through the gateway, or straight to OpenAI. */
export const LLM_PROVIDERS = ["litellm", "openai"] as const;

/** One of {@link LLM_PROVIDERS}. */
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** `LLM_PROVIDER`: exactly `litellm` or `openai`, lowercase (the server's zod enum). */
export const llmProvider = z
  .string({ error: "must be litellm or openai" })
  .refine((v): v is LlmProvider => (LLM_PROVIDERS as readonly string[]).includes(v), {
    error: "must be litellm or openai, in lowercase",
  });

/** The path of a URL without trailing slashes. */
const pathOf = (url: URL): string => url.pathname.replace(/\/+$/, "");

/** An http(s) URL with a host, no query or fragment; trailing slashes are stripped. */
const httpUrl = z
  .string({ error: "must be an http(s) URL" })
  .trim()
  .superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "must be an http(s) URL such as http://127.0.0.1:4000",
      });
      return;
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
      ctx.addIssue({
        code: "custom",
        message: "must be an http(s) URL such as http://127.0.0.1:4000",
      });
    } else if (url.search !== "" || url.hash !== "" || v.includes("?") || v.includes("#")) {
      ctx.addIssue({ code: "custom", message: "must not have a query or fragment" });
    } else if (url.username !== "" || url.password !== "") {
      ctx.addIssue({ code: "custom", message: "must not hold credentials" });
    }
  })
  .transform((v) => v.replace(/\/+$/, ""));

/** `LITELLM_BASE_URL`: the gateway's root URL, never ending in `/v1`, no trailing slash. */
export const litellmBaseUrl = httpUrl.refine((v) => !/\/v1$/i.test(pathOf(new URL(v))), {
  error: "must be the LiteLLM root without /v1",
});

/** `OPENAI_BASE_URL`: an OpenAI-compatible API root, which includes `/v1`. */
export const openaiBaseUrl = httpUrl.refine((v) => /\/v1$/.test(pathOf(new URL(v))), {
  error: "must end with /v1 (the OpenAI API root, e.g. https://api.openai.com/v1)",
});

/** `LITELLM_KEY_DURATION`: a LiteLLM duration, a whole number and s, m, h, d, w or mo. */
export const keyDuration = z
  .string({ error: "must be a duration string" })
  .trim()
  .regex(DURATION_PATTERN, "must be a number followed by s, m, h, d, w or mo, e.g. 30d");

/** `LITELLM_MAX_BUDGET`: a non-negative number, as a decimal string. */
export const maxBudget = z
  .union([z.number(), z.string()], { error: "must be a number" })
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+(\.\d+)?$/.test(v), {
    error: "must be a non-negative number, e.g. 25 or 2.5",
  });

/** `LITELLM_RPM_LIMIT`, `LITELLM_TPM_LIMIT`: a non-negative whole number. */
export const limit = z
  .union([z.number(), z.string()], { error: "must be a whole number" })
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+$/.test(v), { error: "must be a non-negative whole number, e.g. 60" });

/** `LITELLM_KEY_ALIAS`, `LITELLM_TEAM_ID`: a non-empty string without spaces around it. */
export const nonEmpty = z.string({ error: "must be a string" }).trim().min(1, "must not be empty");

/** Whether a model id is provider-prefixed (`openai/gpt-4o`), the provider written canonically. */
export function isProviderPrefixed(id: string): boolean {
  const match = /^([^/\s]+)\/\S+$/.exec(id);
  return match !== null && normalizeProvider(match[1] ?? "") === match[1];
}

/** Why an entry of `LITELLM_MODELS` is refused, or undefined: see {@link modelsList}. */
export function modelEntryProblem(entry: string, declared: readonly string[]): string | undefined {
  if (declared.includes(entry) || isProviderPrefixed(entry)) {
    return undefined;
  }
  const prefix = /^([^/\s]+)\//.exec(entry)?.[1];
  if (prefix !== undefined && normalizeProvider(prefix) !== prefix) {
    return `"${entry}" names the provider "${prefix}" in a non-canonical form; write "${normalizeProvider(prefix)}${entry.slice(prefix.length)}"`;
  }
  const names = declared.length === 0 ? "none declared" : `declared: ${declared.join(", ")}`;
  return `"${entry}" is neither a declared model alias (${names}) nor a provider-prefixed id such as openai/gpt-4o`;
}

/**
 * `LITELLM_MODELS`: comma-separated, no empty entries, each a declared model alias or a
 * provider-prefixed id (the gateway serves nothing else under that name).
 */
export function modelsList(declared: readonly string[]) {
  return z
    .string({ error: "must be a comma-separated list of model names" })
    .transform((v) => v.split(",").map((m) => m.trim()))
    .superRefine((entries, ctx) => {
      if (entries.some((m) => m === "")) {
        ctx.addIssue({
          code: "custom",
          message: "must be a comma-separated list without empty entries",
        });
        return;
      }
      for (const entry of entries) {
        const problem = modelEntryProblem(entry, declared);
        if (problem !== undefined) {
          ctx.addIssue({ code: "custom", message: problem });
        }
      }
    })
    .transform((entries) => entries.join(","));
}

/**
 * The settings of the server's own virtual key: stack config key → the env it feeds and its rule.
 * The server mints that key itself with the master key; these only pass its settings through.
 */
export const SERVER_KEY_SETTINGS = {
  serverKeyDuration: { env: "LITELLM_KEY_DURATION", rule: keyDuration, example: "30d" },
  serverKeyAlias: { env: "LITELLM_KEY_ALIAS", rule: nonEmpty, example: "platform-server" },
  serverMaxBudget: { env: "LITELLM_MAX_BUDGET", rule: maxBudget, example: "25" },
  serverRpmLimit: { env: "LITELLM_RPM_LIMIT", rule: limit, example: "60" },
  serverTpmLimit: { env: "LITELLM_TPM_LIMIT", rule: limit, example: "100000" },
  serverTeamId: { env: "LITELLM_TEAM_ID", rule: nonEmpty, example: "<team id>" },
} as const;

/** A config key of {@link SERVER_KEY_SETTINGS}. */
export type ServerKeySetting = keyof typeof SERVER_KEY_SETTINGS;

/** Prefix of the env name of each declared virtual key. */
export const VIRTUAL_KEY_ENV_PREFIX = "LITELLM_VIRTUAL_KEY_";

/** The env name a declared virtual key is exported under: `my-app` → `LITELLM_VIRTUAL_KEY_MY_APP`. */
export function virtualKeyEnvName(alias: string): string {
  return `${VIRTUAL_KEY_ENV_PREFIX}${alias.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** Env names that are the gateway mode's (`LITELLM_*`) and the direct mode's (`OPENAI_*`). */
export const isGatewayEnv = (name: string): boolean => name.startsWith("LITELLM_");
/** See {@link isGatewayEnv}. */
export const isDirectEnv = (name: string): boolean => name.startsWith("OPENAI_");

/** Whether an output name is an env name (upper-case); other outputs are camelCase. */
export const isEnvName = (name: string): boolean => /^[A-Z_][A-Z0-9_]*$/.test(name);

/** What an env document is checked against besides itself: the stack's declared names. */
export interface EnvContext {
  /** Public names of the declared model aliases. */
  modelAliases: readonly string[];
  /** Aliases of the declared virtual keys. */
  keyAliases: readonly string[];
}

/** Env names whose values are secrets (never echoed in an error). */
const isSecretEnv = (name: string): boolean =>
  name === "LITELLM_MASTER_KEY" ||
  name === "OPENAI_API_KEY" ||
  name.startsWith(VIRTUAL_KEY_ENV_PREFIX);

/**
 * Checks an env document against the server's boot rules; returns every problem as
 * `NAME: problem (got "value")`, secrets never echoed. Empty: the server boots with it.
 */
export function envDocumentProblems(
  env: Readonly<Record<string, string>>,
  context: EnvContext,
): string[] {
  const problems: string[] = [];
  const check = (name: string, schema: z.ZodType, required: boolean): void => {
    const value = env[name];
    if (value === undefined) {
      if (required) {
        problems.push(`${name}: is required with LLM_PROVIDER=${env["LLM_PROVIDER"] ?? "?"}`);
      }
      return;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const got = isSecretEnv(name) ? "" : ` (got ${JSON.stringify(value)})`;
      for (const issue of parsed.error.issues) {
        problems.push(`${name}: ${issue.message}${got}`);
      }
    } else if (parsed.data !== value && !isSecretEnv(name)) {
      problems.push(
        `${name}: must be written as ${JSON.stringify(parsed.data)}${` (got ${JSON.stringify(value)})`}`,
      );
    }
  };
  for (const name of Object.keys(env)) {
    if (!isEnvName(name)) {
      problems.push(`${JSON.stringify(name)}: is not an env name (A-Z, 0-9, _)`);
    }
  }
  check("LLM_PROVIDER", llmProvider, true);
  const provider = env["LLM_PROVIDER"];
  if (provider === "litellm") {
    check("LITELLM_BASE_URL", litellmBaseUrl, true);
    check("LITELLM_MASTER_KEY", nonEmpty, true);
    check("LITELLM_MODELS", modelsList(context.modelAliases), false);
    for (const setting of Object.values(SERVER_KEY_SETTINGS)) {
      check(setting.env, setting.rule, false);
    }
    for (const name of Object.keys(env).filter((n) => n.startsWith(VIRTUAL_KEY_ENV_PREFIX))) {
      check(name, nonEmpty, true);
    }
    for (const alias of context.keyAliases) {
      const problem = keyAliasProblem(alias, env["LITELLM_KEY_ALIAS"]);
      if (problem !== undefined) {
        problems.push(`${virtualKeyEnvName(alias)}: ${problem}`);
      }
    }
    const direct = Object.keys(env).filter(isDirectEnv);
    if (direct.length > 0) {
      problems.push(
        `${direct.join(", ")}: not read with LLM_PROVIDER=litellm; the stack does not export them in this mode`,
      );
    }
  } else if (provider === "openai") {
    check("OPENAI_API_KEY", nonEmpty, true);
    check("OPENAI_BASE_URL", openaiBaseUrl, false);
    const gateway = Object.keys(env).filter(isGatewayEnv);
    if (gateway.length > 0) {
      problems.push(
        `${gateway.join(", ")}: not read with LLM_PROVIDER=openai; the stack does not export them in this mode`,
      );
    }
  }
  return problems;
}
