/**
 * LiteLLM's auth (`user_api_key_auth.py`): where the key may be sent, the master-key check and the
 * virtual-key lookup, with LiteLLM's 401 bodies (`code` as a string).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Access, Caller, EmulatorContext } from "./context";
import { hashToken } from "./crypto";
import { ProxyError } from "./errors";
import { header } from "./http";

/** LiteLLM's user id for the master key (`LITELLM_PROXY_ADMIN_NAME`). */
export const PROXY_ADMIN_ID = "default_user_id";

/** Routes a non-admin virtual key may call. */
const KEY_ROUTES = new Set(["/v1/models", "/models", "/key/info", "/model/info", "/v1/model/info"]);

function stripPrefix(value: string, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) {
    if (value.startsWith(p)) {
      return value.slice(p.length).trim();
    }
  }
  return undefined;
}

/**
 * Extracts the API key from the headers in LiteLLM's order: `x-litellm-api-key` (Bearer optional),
 * `Authorization` (Bearer/bearer/Basic; without a prefix the key is empty → "Malformed"),
 * then `api-key`, `x-api-key`, `x-goog-api-key`, `Ocp-Apim-Subscription-Key`.
 *
 * @returns the key, `""` for a malformed Authorization header, or undefined when none was sent.
 */
export function extractApiKey(headers: IncomingHttpHeaders): string | undefined {
  const litellm = header(headers, "x-litellm-api-key");
  if (litellm !== undefined) {
    return stripPrefix(litellm, ["Bearer ", "bearer "]) ?? litellm.trim();
  }
  const authorization = header(headers, "authorization");
  if (authorization !== undefined) {
    return stripPrefix(authorization, ["Bearer ", "bearer ", "Basic "]) ?? "";
  }
  for (const name of ["api-key", "x-api-key", "x-goog-api-key", "ocp-apim-subscription-key"]) {
    const v = header(headers, name);
    if (v !== undefined) {
      return v.trim();
    }
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function authError(
  message: string,
  type = "auth_error",
  param: string | null = "None",
): ProxyError {
  return new ProxyError(401, `Authentication Error, ${message}`, type, param);
}

/** LiteLLM's `abbreviate_api_key`-style masking for messages: first 4 + `****` + last 4. */
function abbreviate(key: string): string {
  return key.length <= 8 ? "****" : `${key.slice(0, 4)}****${key.slice(-4)}`;
}

/**
 * Authenticates one request for a route of the given access level.
 *
 * @throws ProxyError 401 (LiteLLM's messages and types) when the key is missing, malformed,
 *   unknown, expired or blocked, or when a virtual key calls an admin-only route.
 */
export async function authenticate(
  headers: IncomingHttpHeaders,
  path: string,
  access: Access,
  ctx: EmulatorContext,
): Promise<Caller> {
  if (access === "public") {
    return { isAdmin: false, userId: null };
  }
  if (ctx.masterKey === undefined) {
    return { isAdmin: true, userId: PROXY_ADMIN_ID };
  }

  const apiKey = extractApiKey(headers);
  if (apiKey === undefined) {
    throw authError("No api key passed in.");
  }
  if (apiKey === "") {
    throw authError("Malformed API Key passed in. Ensure Key has `Bearer ` prefix.");
  }
  if (sameSecret(apiKey, ctx.masterKey)) {
    return { isAdmin: true, userId: PROXY_ADMIN_ID, rawKey: apiKey };
  }
  if (!apiKey.startsWith("sk-")) {
    throw authError(
      `LiteLLM Virtual Key expected. Received=${abbreviate(apiKey)}, expected to start with 'sk-'.`,
    );
  }

  const record = await ctx.store.getKey(hashToken(apiKey));
  if (record === undefined || record.deletedAt !== null) {
    throw authError(
      `Invalid proxy server token passed. Received API Key = sk-...${apiKey.slice(-4)}, Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
      "token_not_found_in_db",
      "key",
    );
  }
  const expires = record.row["expires"];
  if (typeof expires === "string" && Date.parse(expires) < Date.now()) {
    throw new ProxyError(
      401,
      `Authentication Error - Expired Key. Key Expiry time ${expires} and current time ${new Date().toISOString()}`,
      "expired_key",
      "key",
    );
  }
  if (record.row["blocked"] === true) {
    throw new ProxyError(
      401,
      "Key is blocked. Update via `/key/unblock` if you're an admin.",
      "auth_error",
      "None",
    );
  }
  if (access === "admin" || !KEY_ROUTES.has(path)) {
    throw authError(
      `Only proxy admin can be used to call this route. Route=${path}`,
      "auth_error",
      "None",
    );
  }
  const userId = record.row["user_id"];
  return {
    isAdmin: false,
    userId: typeof userId === "string" ? userId : null,
    key: record,
    rawKey: apiKey,
  };
}
