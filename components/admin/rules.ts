/**
 * Validation rules shared by the config schema, the component and the dynamic providers: provider
 * normalization (the consuming server's map), reserved key aliases, LiteLLM duration units, which
 * model params LiteLLM masks and how it coerces them.
 * Plain functions and constants, no Pulumi and no zod imports.
 */
import knownProviders from "./known-providers.json";

/**
 * Historical and alternative provider spellings mapped to LiteLLM's canonical key. Mirrors the
 * consuming server's `providerNormalization.ts` (anchors §1c).
 */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  azure_openai: "azure",
  "azure-openai": "azure",
  azureopenai: "azure",
  azure_openai_chat: "azure",
  azure_openai_completion: "azure",
  azure_openai_responses: "azure",
  azure_openai_embeddings: "azure",
  azure_ad: "azure",
  "azure-ad": "azure",
  azure_ai_studio: "azure_ai",
  "azure-ai-studio": "azure_ai",
  azure_ai_foundry: "azure_ai",
  "azure-ai-foundry": "azure_ai",
  text_completion_openai: "text-completion-openai",
};

/** Trims and lowercases a provider name and maps historical aliases to the canonical key. */
export function normalizeProvider(raw: string): string {
  const p = raw.trim().toLowerCase();
  const mapped = PROVIDER_ALIASES[p];
  if (mapped !== undefined) {
    return mapped;
  }
  if (p.startsWith("openai_chat")) {
    return "openai";
  }
  if (p.startsWith("openai_text")) {
    return "text-completion-openai";
  }
  return p;
}

/**
 * Every provider the default LiteLLM release serves on `GET /public/providers` (its
 * `LlmProviders`), taken from that release; the contract suite checks the list against the real
 * gateway. The stack config refuses any other provider before anything is deployed, when the
 * gateway runs this release (other releases are checked live, at deploy).
 */
export const KNOWN_PROVIDERS: {
  readonly litellmVersion: string;
  readonly providers: readonly string[];
} = knownProviders;

/**
 * Providers every supported LiteLLM release serves on `GET /public/providers`; used when the live
 * list cannot be fetched (preview, proxy not up yet).
 */
export const WELL_KNOWN_PROVIDERS: readonly string[] = [
  "anthropic",
  "azure",
  "azure_ai",
  "azure_text",
  "bedrock",
  "cohere",
  "custom_openai",
  "databricks",
  "deepseek",
  "fireworks_ai",
  "gemini",
  "groq",
  "hosted_vllm",
  "huggingface",
  "litellm_proxy",
  "mistral",
  "ollama",
  "ollama_chat",
  "openai",
  "openai_like",
  "openrouter",
  "perplexity",
  "sagemaker",
  "text-completion-openai",
  "together_ai",
  "vertex_ai",
  "vllm",
  "watsonx",
  "xai",
];

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest known provider within a small edit distance, if any. */
export function closestProvider(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Error text for a provider that is not in `known`, or undefined when it is. */
export function unknownProviderReason(
  canonical: string,
  known: readonly string[],
): string | undefined {
  if (known.includes(canonical)) {
    return undefined;
  }
  const hint = closestProvider(canonical, known);
  return `unknown provider "${canonical}"${hint === undefined ? "" : `; did you mean ${hint}?`} (see GET /public/providers)`;
}

/**
 * Params LiteLLM adds to every deployment's `litellm_params` with these values (seen on 1.108.14
 * in `/model/info`). A read ignores them while they keep these values; any other param the
 * gateway holds is reported, so a hand-added `api_base` shows as drift.
 */
export const SERVER_DEFAULT_PARAMS: Readonly<Record<string, unknown>> = {
  use_in_pass_through: false,
  use_litellm_proxy: false,
  use_xai_oauth: false,
  allow_client_keepalive_override: false,
  merge_reasoning_content_in_choices: false,
};

/** Key aliases the consuming server owns (it deletes and re-creates keys under them). */
export const RESERVED_KEY_ALIASES: readonly string[] = ["agyn_key", "agents-service"];

/**
 * Why a virtual key alias would be lost when the consuming server boots, or undefined: the server
 * deletes and re-creates the keys under the reserved aliases and under its own `LITELLM_KEY_ALIAS`
 * (`serverKeyAlias`, when set).
 */
export function keyAliasProblem(
  alias: string,
  serverKeyAlias: string | undefined,
): string | undefined {
  if (RESERVED_KEY_ALIASES.includes(alias)) {
    return `alias "${alias}" is reserved by the consuming server, which deletes keys under it at boot (reserved: ${RESERVED_KEY_ALIASES.join(", ")})`;
  }
  if (serverKeyAlias !== undefined && alias === serverKeyAlias) {
    return `alias "${alias}" is the server's own key alias (LITELLM_KEY_ALIAS), which the server deletes and re-creates at boot`;
  }
  return undefined;
}

/** LiteLLM durations: a number and one of s, m, h, d, w, mo (e.g. `30d`, `1mo`). */
export const DURATION_PATTERN = /^[0-9]+(s|m|h|d|w|mo)$/;

/**
 * Name segments (after lowercasing and reading `-` as `_`) for which LiteLLM 1.108.14 masks a
 * `litellm_params` value in `/model/info` (`_DEFAULT_SENSITIVE_PATTERNS` in
 * `litellm/litellm_core_utils/sensitive_data_masker.py`): a masked value can never equal the
 * desired one, so such a param would show as changed on every run.
 */
export const LITELLM_MASKED_PARAM_SEGMENTS: readonly string[] = [
  "password",
  "secret",
  "key",
  "token",
  "auth",
  "authorization",
  "cookie",
  "credential",
  "credentials",
  "access",
  "private",
  "certificate",
  "fingerprint",
  "tenancy",
];

/** Segments of names that look like secrets (`passwd` is one LiteLLM does not mask). */
const SECRET_PARAM_SEGMENTS: readonly string[] = [
  "key",
  "secret",
  "token",
  "password",
  "passwd",
  "credential",
  "credentials",
];

/**
 * Params LiteLLM returns in clear although a segment matches: exact names it excludes
 * (`remove_sensitive_info_from_deployment`), and any name with a `cost` segment (its
 * `non_sensitive_overrides`, for pricing fields such as `input_cost_per_token`).
 */
const LITELLM_CLEAR_PARAMS: readonly string[] = [
  "default_api_key_tpm_limit",
  "default_api_key_rpm_limit",
];

function paramSegments(name: string): string[] {
  return name.toLowerCase().replace(/-/g, "_").split("_");
}

function isClearParam(name: string): boolean {
  return LITELLM_CLEAR_PARAMS.includes(name) || paramSegments(name).includes("cost");
}

/**
 * The segment for which LiteLLM masks (or drops) this param in `/model/info`, or undefined when
 * it comes back in clear.
 */
export function maskedParamSegment(name: string): string | undefined {
  if (isClearParam(name)) {
    return undefined;
  }
  return paramSegments(name).find((s) => LITELLM_MASKED_PARAM_SEGMENTS.includes(s));
}

/** Parameter names that must not appear in a model's params (put them in a credential). */
export function isSecretParamName(name: string): boolean {
  return !isClearParam(name) && paramSegments(name).some((s) => SECRET_PARAM_SEGMENTS.includes(s));
}

/**
 * Why a model param name is refused, or undefined: `model` belongs in the target, the credential
 * reference has its own field, names that look like secrets belong in a credential, and so do
 * names LiteLLM masks when it reads them back (`oci_tenancy`, `x-auth-mode`): they could never
 * be compared. `credentialHint` names the fix, e.g. "put it in a ProviderCredential and set
 * credentialName".
 */
export function paramNameProblem(name: string, credentialHint: string): string | undefined {
  if (name === "model") {
    return "params.model is not allowed; set target instead";
  }
  if (name === "litellm_credential_name") {
    return `params.litellm_credential_name is not allowed; declare the credential instead: ${credentialHint}`;
  }
  if (isSecretParamName(name)) {
    return `params.${name} looks like a secret; ${credentialHint}`;
  }
  const masked = maskedParamSegment(name);
  if (masked !== undefined) {
    return `params.${name} is masked by LiteLLM when read back (name segment "${masked}"), so it would show as changed on every run; ${credentialHint}`;
  }
  return undefined;
}

/** Strings pydantic (lax mode) reads as booleans; LiteLLM validates `litellm_params` with it. */
const PYDANTIC_TRUE = ["1", "on", "t", "true", "y", "yes"];
const PYDANTIC_FALSE = ["0", "off", "f", "false", "n", "no"];

/** A decimal literal as Python's int()/float() read it (sign, `_` between digits, exponent). */
const NUMERIC_LITERAL = /^[+-]?(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][+-]?\d(_?\d)*)?$/;

/**
 * Whether a param value LiteLLM returns is the value the stack sent, after the coercion LiteLLM's
 * pydantic model (`LiteLLM_Params`) applies to typed fields: `rpm: "10"` comes back `10`,
 * `max_budget: "3"` as `3.0`, `use_in_pass_through: "yes"` as `true`, `rpm: true` as `1`.
 * Untyped (extra) params and string fields come back as sent.
 */
export function sameParamValue(sent: string | number | boolean, served: unknown): boolean {
  if (sent === served) {
    return true;
  }
  if (typeof served === "number") {
    if (typeof sent === "boolean") {
      return Number(sent) === served;
    }
    if (typeof sent === "string") {
      const s = sent.trim();
      return /\d/.test(s) && NUMERIC_LITERAL.test(s) && Number(s.replace(/_/g, "")) === served;
    }
    return false;
  }
  if (typeof served === "boolean") {
    if (typeof sent === "number") {
      return sent === (served ? 1 : 0);
    }
    if (typeof sent === "string") {
      return (served ? PYDANTIC_TRUE : PYDANTIC_FALSE).includes(sent.toLowerCase());
    }
  }
  return false;
}
