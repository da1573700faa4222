/**
 * How LiteLLM hides secrets on read: credential values (`/credentials*`) and model params
 * (`/model/info`).
 */
import type { Json, JsonObject } from "./errors";

const CREDENTIAL_SECRET_WORDS_A = ["authorization", "token", "key", "secret"];
const CREDENTIAL_SECRET_WORDS_M = [
  ...CREDENTIAL_SECRET_WORDS_A,
  "credentials",
  "password",
  "passwd",
];

/** Credential mask: first 2 + `****` + last 2; 4 characters or fewer → `*****`. */
export function maskCredentialValue(value: string): string {
  if (value.length <= 4) {
    return "*****";
  }
  return `${value.slice(0, 2)}****${value.slice(-2)}`;
}

/**
 * Masks the secret-looking values of a credential (keys containing authorization|token|key|secret,
 * and with `newest` also credentials|password|passwd). Other values come back in clear.
 */
export function maskCredentialValues(values: JsonObject, newest: boolean): JsonObject {
  const words = newest ? CREDENTIAL_SECRET_WORDS_M : CREDENTIAL_SECRET_WORDS_A;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(values)) {
    const lower = k.toLowerCase();
    out[k] =
      typeof v === "string" && words.some((w) => lower.includes(w)) ? maskCredentialValue(v) : v;
  }
  return out;
}

const REMOVED_MODEL_PARAMS = new Set([
  "api_key",
  "client_secret",
  "vertex_credentials",
  "aws_access_key_id",
  "aws_secret_access_key",
]);

const SENSITIVE_SEGMENTS = new Set([
  "password",
  "secret",
  "key",
  "token",
  "auth",
  "credential",
  "access",
  "private",
  "certificate",
  "fingerprint",
  "tenancy",
]);

/** LiteLLM's `SensitiveDataMasker._mask_value`: first 4 + one `*` per hidden char + last 4; under 8 chars unchanged. */
export function maskModelParamValue(value: string): string {
  if (value.length < 8) {
    return value;
  }
  return `${value.slice(0, 4)}${"*".repeat(value.length - 8)}${value.slice(-4)}`;
}

/**
 * What `/model/info` shows of `litellm_params`: secret params removed, secret-looking ones
 * (by `_`-separated segment) masked. `litellm_credential_name` is left in clear unless
 * `maskCredentialName` (LiteLLM ≤ ~1.80.0, before PR #16950).
 */
export function maskModelParams(params: JsonObject, maskCredentialName: boolean): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(params)) {
    if (REMOVED_MODEL_PARAMS.has(k)) {
      continue;
    }
    const excluded = k === "litellm_credential_name" && !maskCredentialName;
    const segments = k.toLowerCase().replace(/-/g, "_").split("_");
    const sensitive = !excluded && segments.some((s) => SENSITIVE_SEGMENTS.has(s));
    out[k] = sensitive && typeof v === "string" ? maskModelParamValue(v) : (v satisfies Json);
  }
  return out;
}
