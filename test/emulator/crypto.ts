/**
 * Hashing of virtual keys and encryption at rest of credential values and string model params.
 *
 * Keys: LiteLLM stores `sha256(raw key)` hex as the token and never the raw key.
 * Encryption: the secret is `LITELLM_SALT_KEY`, or the master key when the salt is unset (as in
 * LiteLLM). The format imitates newest LiteLLM's `v3:gcm:` + base64url(AES-256-GCM, HKDF-SHA256
 * key) in shape only; it is not byte-compatible with LiteLLM's ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

const PREFIX = "v3:gcm:";

/** sha256 hex of a raw key, as LiteLLM's `hash_token`. */
export function hashToken(rawKey: string): string {
  return createHash("sha256").update(rawKey).digest("hex");
}

/** LiteLLM's `_hash_token_if_needed`: `sk-…` is hashed, anything else is taken as a hash already. */
export function tokenOf(keyOrHash: string): string {
  return keyOrHash.startsWith("sk-") ? hashToken(keyOrHash) : keyOrHash;
}

/** A new virtual key: `sk-` + `token_urlsafe(16)` (22 characters), 25 in total. */
export function generateVirtualKey(): string {
  return `sk-${randomBytes(16).toString("base64url")}`;
}

function deriveKey(secret: string): Buffer {
  return Buffer.from(
    hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), "litellm-emulator", 32),
  );
}

/** Encrypts a string with the salt (or master) key. */
export function encryptValue(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** Decrypts a value written by {@link encryptValue}; `undefined` when it is not ours or the secret is wrong. */
export function decryptValue(stored: string, secret: string): string | undefined {
  if (!stored.startsWith(PREFIX)) {
    return undefined;
  }
  const data = Buffer.from(stored.slice(PREFIX.length), "base64url");
  if (data.length < 28) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(secret), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([
      decipher.update(data.subarray(12, data.length - 16)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Encrypts every string value of a flat object; other values are kept as they are. */
export function encryptStrings<T>(
  values: Record<string, T>,
  secret: string,
): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = typeof v === "string" ? encryptValue(v, secret) : v;
  }
  return out;
}

/**
 * Decrypts every string value of a flat object. A value that does not decrypt is returned as
 * stored (LiteLLM's `decrypt(...) or v` / `return_original_value=True`), so a changed salt shows
 * up as ciphertext rather than an error.
 */
export function decryptStrings<T>(
  values: Record<string, T>,
  secret: string,
): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = typeof v === "string" ? (decryptValue(v, secret) ?? v) : v;
  }
  return out;
}
