/**
 * Validation rules shared by the config schema, the component and the dynamic providers: provider
 * normalization (the consuming server's map), reserved key aliases, LiteLLM duration units.
 * Plain functions and constants, no Pulumi and no zod imports.
 */

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

/** LiteLLM durations: a number and one of s, m, h, d, w, mo (e.g. `30d`, `1mo`). */
export const DURATION_PATTERN = /^[0-9]+(s|m|h|d|w|mo)$/;

/** Parameter names that must not appear in a model's params (put them in a credential). */
export function isSecretParamName(name: string): boolean {
  return /(^|_)(api_key|key|secret|token|password|passwd|credentials?)($|_)/i.test(name)
    ? name !== "litellm_credential_name"
    : false;
}

/**
 * Why a model param name is refused, or undefined: `model` belongs in the target, and names that
 * look like secrets belong in a credential. `credentialHint` names the field that refers to one.
 */
export function paramNameProblem(name: string, credentialHint: string): string | undefined {
  if (name === "model") {
    return "params.model is not allowed; set target instead";
  }
  if (isSecretParamName(name)) {
    return `params.${name} looks like a secret; ${credentialHint}`;
  }
  return undefined;
}
