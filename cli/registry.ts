/**
 * The digest a registry gives for an image's tag, through the registry HTTP API v2:
 * `HEAD /v2/<repository>/manifests/<tag>` accepting the OCI index and manifest and Docker's
 * manifest list and v2 manifest, read from the `Docker-Content-Digest` header (or, when a
 * registry leaves it out, the SHA-256 of the manifest a GET returns). Anonymous token auth is
 * handled (a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, as ghcr.io and
 * Docker Hub answer); other credentials are not. Loopback registries are spoken to over http,
 * every other one over https. Every failure is a {@link RegistryError} naming the URL tried.
 */
import { createHash } from "node:crypto";
import { request, type Dispatcher } from "undici";
import { DOCKER_HUB, isLoopbackRegistry, type ImageRef } from "./image-ref";

/** The manifest media types asked for and accepted, the multi-platform ones first. */
export const MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
] as const;

/** Default timeout of each registry request, in milliseconds. */
export const REGISTRY_TIMEOUT_MS = 15_000;

/** The largest manifest read (the distribution spec's limit is 4 MiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Raised when a registry gives no digest for a reference; names the URL tried and why. */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code = "REGISTRY_ERROR";
  constructor(
    /** The URL of the request that failed (manifest or token endpoint). */
    readonly url: string,
    /** What went wrong in a few words: the transport error, or the HTTP status and its meaning. */
    readonly reason: string,
    /** The HTTP status, or 0 when no answer came (refused, unknown host, timeout). */
    readonly status: number,
  ) {
    super(`${url}: ${reason}`);
  }
}

/** Options of {@link resolveDigest}. */
export interface ResolveOptions {
  /** Timeout of each request in milliseconds. @default {@link REGISTRY_TIMEOUT_MS} */
  timeoutMs?: number;
  /** The undici dispatcher (tests pass a MockAgent). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
}

/** A digest and where it came from. */
export interface Resolved {
  /** `sha256:<64 hex>`. */
  digest: string;
  /** The manifest URL that answered. */
  url: string;
}

/**
 * The registry's API root for `ref`: `https://<host>`, `http://<host>` for a loopback registry,
 * and `https://registry-1.docker.io` for Docker Hub.
 */
export function registryBaseUrl(ref: ImageRef): string {
  if (ref.domain === DOCKER_HUB) {
    return "https://registry-1.docker.io";
  }
  return `${isLoopbackRegistry(ref.domain) ? "http" : "https"}://${ref.domain}`;
}

/** The manifest URL of `ref` for `reference` (a tag or a digest). */
export function manifestUrl(ref: ImageRef, reference: string): string {
  return `${registryBaseUrl(ref)}/v2/${ref.repository}/manifests/${reference}`;
}

/** The parameters of a `WWW-Authenticate: Bearer k="v",…` challenge; undefined for other schemes. */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (match === null) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const m of (match[1] ?? "").matchAll(
    /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g,
  )) {
    params[(m[1] ?? "").toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return params;
}

/** A transport error in a few words, e.g. `connection refused (ECONNREFUSED)`. */
export function describeTransportError(err: unknown, timeoutMs: number): string {
  const { name, code, message } = (err ?? {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "host name lookup failed",
    ETIMEDOUT: "timed out",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    UND_ERR_SOCKET: "connection closed",
    UND_ERR_CONNECT_TIMEOUT: `no connection within ${timeoutMs} ms`,
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${timeoutMs} ms`,
    UND_ERR_BODY_TIMEOUT: `no answer within ${timeoutMs} ms`,
  };
  if (name === "TimeoutError" || name === "AbortError") {
    return `no answer within ${timeoutMs} ms`;
  }
  if (typeof code === "string") {
    return `${words[code] ?? (typeof message === "string" ? message : "request failed")} (${code})`;
  }
  return typeof message === "string" ? message : String(err);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

async function send(
  url: string,
  method: "GET" | "HEAD",
  headers: Record<string, string>,
  options: ResolveOptions,
): Promise<Answer> {
  const timeoutMs = options.timeoutMs ?? REGISTRY_TIMEOUT_MS;
  try {
    const res = await request(url, {
      method,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    const length = Number(res.headers["content-length"] ?? 0);
    if (method === "HEAD" || length > MAX_MANIFEST_BYTES) {
      await res.body.dump();
      return { status: res.statusCode, headers: res.headers, body: Buffer.alloc(0) };
    }
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body };
  } catch (err) {
    throw new RegistryError(url, describeTransportError(err, timeoutMs), 0);
  }
}

/** What an error status means here, in a few words. */
function statusReason(status: number, what: string): string {
  const meaning: Record<number, string> = {
    401: "authentication required (pin-images only pulls anonymously)",
    403: "access denied",
    404: `${what} not found`,
    429: "rate limited",
  };
  return `HTTP ${status}${meaning[status] === undefined ? "" : `: ${meaning[status]}`}`;
}

/** An anonymous pull token from the challenge's realm. */
async function fetchToken(
  challenge: Record<string, string>,
  ref: ImageRef,
  manifest: string,
  options: ResolveOptions,
): Promise<string> {
  const realm = challenge["realm"];
  if (realm === undefined || !URL.canParse(realm) || !/^https?:$/.test(new URL(realm).protocol)) {
    throw new RegistryError(
      manifest,
      `HTTP 401 with a Bearer challenge without a usable realm`,
      401,
    );
  }
  const url = new URL(realm);
  if (challenge["service"] !== undefined) {
    url.searchParams.set("service", challenge["service"]);
  }
  url.searchParams.set("scope", challenge["scope"] ?? `repository:${ref.repository}:pull`);
  const answer = await send(url.toString(), "GET", { accept: "application/json" }, options);
  if (answer.status !== 200) {
    throw new RegistryError(url.toString(), statusReason(answer.status, "token"), answer.status);
  }
  let token: unknown;
  try {
    const body = JSON.parse(answer.body.toString("utf8")) as {
      token?: unknown;
      access_token?: unknown;
    };
    token = body.token ?? body.access_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || token === "") {
    throw new RegistryError(url.toString(), "the token answer has no token", answer.status);
  }
  return token;
}

/**
 * The digest the registry of `ref` gives for `reference` (default: the reference's tag, else its
 * digest). Throws {@link RegistryError} when it gives none: no answer, an error status, an
 * unaccepted media type, or a digest that is not sha256.
 */
export async function resolveDigest(
  ref: ImageRef,
  options: ResolveOptions = {},
  reference: string | undefined = ref.tag ?? ref.digest,
): Promise<Resolved> {
  if (reference === undefined) {
    throw new RegistryError(registryBaseUrl(ref), "the reference has neither tag nor digest", 0);
  }
  const url = manifestUrl(ref, reference);
  const headers: Record<string, string> = { accept: MANIFEST_MEDIA_TYPES.join(", ") };
  let answer = await send(url, "HEAD", headers, options);
  if (answer.status === 401) {
    const challenge = parseBearerChallenge(header(answer, "www-authenticate") ?? "");
    if (challenge !== undefined) {
      headers["authorization"] = `Bearer ${await fetchToken(challenge, ref, url, options)}`;
      answer = await send(url, "HEAD", headers, options);
    }
  }
  if (answer.status !== 200) {
    throw new RegistryError(url, statusReason(answer.status, "manifest"), answer.status);
  }
  const mediaType = (header(answer, "content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (!(MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new RegistryError(
      url,
      `the manifest's media type ${JSON.stringify(mediaType)} is none of ${MANIFEST_MEDIA_TYPES.join(", ")}`,
      answer.status,
    );
  }
  let digest = header(answer, "docker-content-digest");
  if (digest === undefined) {
    // A registry may leave the header out of a HEAD: the digest is the manifest's SHA-256.
    const got = await send(url, "GET", headers, options);
    if (got.status !== 200 || got.body.length === 0) {
      throw new RegistryError(url, statusReason(got.status, "manifest"), got.status);
    }
    digest = `sha256:${createHash("sha256").update(got.body).digest("hex")}`;
  }
  if (!DIGEST.test(digest)) {
    throw new RegistryError(
      url,
      `the registry's digest ${JSON.stringify(digest)} is not sha256`,
      200,
    );
  }
  return { digest, url };
}
