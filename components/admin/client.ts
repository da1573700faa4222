/**
 * Minimal client for LiteLLM's admin (management) API, on undici. No Pulumi imports: the dynamic
 * providers load it at deployment time and the tests use it directly.
 *
 * Retries: connection errors, 429 and 5xx are retried with exponential backoff for every method,
 * POST included, because every create the providers send is idempotent by design (caller-chosen
 * raw key, deterministic model id, unique credential name). A caller can veto a retry for a
 * response it recognises as final (`noRetryWhen`, e.g. LiteLLM's duplicate-id 500). undici's
 * RetryAgent decides on the status alone and cannot read the body, so the loop is ours.
 *
 * A gateway that never answers (connection refused or reset, no connection or no answer in time)
 * fails every call, after the same retries, with one {@link GatewayUnreachableError} line: the
 * URL, the cause in a few words and how to start the gateway.
 *
 * Secrets: every error text, error body and log line is scrubbed of the master key, of the values
 * given as `secrets` (or later with `addSecrets`, e.g. a credential's values), in the forms an
 * echo may take (JSON- or Python-repr-escaped, URL-encoded, a URL's user info and query values),
 * and of anything that looks like an `sk-` key.
 */
import { Agent, errors as undiciErrors, request, type Dispatcher } from "undici";

/** Raised for every failed admin call; the body excerpt is redacted (no key or credential value). */
export class LiteLlmApiError extends Error {
  override readonly name: string = "LiteLlmApiError";
  readonly code = "LITELLM_API_ERROR";
  constructor(
    readonly method: string,
    readonly path: string,
    /** HTTP status, or 0 when no response arrived (connection error, timeout). */
    readonly status: number,
    /** Redacted, truncated body excerpt (or the transport error text). */
    readonly bodyExcerpt: string,
    /** Parsed JSON body, redacted like the excerpt (safe to log). */
    readonly body?: unknown,
  ) {
    super(
      status === 0
        ? `LiteLLM admin API ${method} ${path} failed: ${bodyExcerpt}`
        : status < 300
          ? `LiteLLM admin API ${method} ${path} failed (HTTP ${status} with an error body): ${bodyExcerpt}`
          : `LiteLLM admin API ${method} ${path} failed with HTTP ${status}: ${bodyExcerpt}`,
    );
  }
}

/**
 * Raised when the gateway gave no answer at all, on every attempt (status 0): connection refused
 * or reset, no connection or no response in time. The message is one line: the gateway's URL,
 * the cause in a few words and the fix (how to start the gateway).
 */
export class GatewayUnreachableError extends LiteLlmApiError {
  override readonly name = "GatewayUnreachableError";
  constructor(
    method: string,
    path: string,
    /** The gateway's root URL, without user info or query. */
    readonly url: string,
    /** The cause in a few words, e.g. `connection refused, ECONNREFUSED`. */
    readonly reason: string,
    /** The stack the gateway belongs to, named in the fix; unknown: a generic fix. */
    stack: string | undefined,
  ) {
    super(method, path, 0, reason);
    const fix =
      stack === undefined
        ? "start the gateway (npm run start) or run npm run up, then try again."
        : `start it with 'npm run start -- --stack ${stack}' (or 'npm run up -- --stack ${stack}' if its container is gone), then try again.`;
    this.message = `LiteLLM gateway at ${url} does not answer (${reason}). Fix: ${fix}`;
    // The cause is outside the code, so frames help no one; and the dynamic-provider host prints
    // a failed read or delete as `${err}: ${err.stack}`: with no stack, that is this one line.
    this.stack = "";
  }
}

/** Options of {@link AdminClient}. */
export interface AdminClientOptions {
  /** Root URL of the proxy, without `/v1` (a trailing slash is stripped). */
  baseUrl: string;
  /** The master key, sent as `Authorization: Bearer <key>`. */
  masterKey: string;
  /** Per-attempt timeout in milliseconds. @default 15000 */
  timeoutMs?: number;
  /** Attempts per request (first try included). @default 5 */
  maxAttempts?: number;
  /** First backoff delay in milliseconds; doubles per attempt, capped at 5 s. @default 250 */
  backoffMs?: number;
  /**
   * The stack whose gateway this is: the fix of a {@link GatewayUnreachableError} names it
   * (`npm run start -- --stack <stack>`). @default unknown: a generic fix
   */
  stack?: string;
  /** Receives progress lines (retries, readiness), scrubbed like the errors. */
  log?: (message: string) => void;
  /**
   * Further secret values (provider keys, credential values…) to scrub from errors and log lines,
   * beside the master key. @default []
   */
  secrets?: readonly string[];
}

/** One admin call. */
export interface AdminRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path plus query, e.g. `/key/info?key=<hash>`. */
  path: string;
  body?: unknown;
  /** Return true to stop retrying a 5xx/429 answer that is known to be final. */
  noRetryWhen?: (status: number, body: unknown) => boolean;
  /**
   * Return true when a 2xx body is an error payload (LiteLLM returns some errors with HTTP 200):
   * the call then throws a redacted {@link LiteLlmApiError} with that status, without retrying.
   */
  errorBody?: (body: unknown) => boolean;
  /** Sends no Authorization header (public routes). */
  anonymous?: boolean;
}

/** A successful answer. */
export interface AdminResponse<T = unknown> {
  status: number;
  body: T;
}

const SECRET_SEGMENTS = new Set([
  "key",
  "keys",
  "token",
  "password",
  "passwd",
  "secret",
  "credential",
  "credentials",
  "authorization",
  "auth",
]);
const NOT_SECRET = new Set(["key_alias", "key_aliases", "key_name", "key_type"]);

/** True when a JSON field name may hold a secret (`api_key`, `master_key`, `credential_values`…). */
export function isSecretFieldName(name: string): boolean {
  const lower = name.toLowerCase();
  if (NOT_SECRET.has(lower)) {
    return false;
  }
  return lower.split(/[_\-.]/).some((s) => SECRET_SEGMENTS.has(s)) || lower.includes("secret");
}

/** Shorter values are not scrubbed (LiteLLM masks them whole; scrubbing would garble text). */
const MIN_SECRET_LENGTH = 4;

function escapedForms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const pyRepr = s.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  const forms = [s, json, pyRepr, JSON.stringify(pyRepr).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(s), encodeURI(s));
  } catch {
    // a lone surrogate cannot be URL-encoded, so it cannot be echoed that way either
  }
  return forms;
}

/**
 * The strings under which `secret` may show up in an error text: as is, JSON-escaped,
 * Python-repr-escaped, URL-encoded, and, for a URL (an `api_base` with a token), the user name,
 * password and query values on their own. Longest first, each at least 4 characters.
 */
export function secretForms(secret: string): string[] {
  const parts = [secret];
  if (URL.canParse(secret)) {
    const url = new URL(secret);
    parts.push(url.username, url.password, ...url.searchParams.values());
    for (const raw of [url.username, url.password]) {
      try {
        parts.push(decodeURIComponent(raw));
      } catch {
        // not percent-encoded text: the raw form is already listed
      }
    }
  }
  const forms = new Set(parts.flatMap(escapedForms));
  return [...forms]
    .filter((f) => f.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * Replaces every form ({@link secretForms}) of each of `secrets` (the master key, credential
 * values…) and any `sk-…` looking string by a marker.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) {
    out = out.split(f).join("[REDACTED]");
  }
  return out.replace(/sk-[A-Za-z0-9_\-.*]{2,}/g, "sk-[REDACTED]");
}

/** Deep copy of a JSON value with every secret-named field replaced by `[REDACTED]`. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redactJson);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretFieldName(k) && v !== null ? "[REDACTED]" : redactJson(v);
    }
    return out;
  }
  return value;
}

/** {@link redactJson} plus {@link scrubSecrets} on every string. */
export function redactDeep(value: unknown, extra: readonly string[] = []): unknown {
  const redacted = redactJson(value);
  if (typeof redacted === "string") {
    return scrubSecrets(redacted, extra);
  }
  if (Array.isArray(redacted)) {
    return redacted.map((v) => redactDeep(v, extra));
  }
  if (redacted !== null && typeof redacted === "object") {
    return Object.fromEntries(
      Object.entries(redacted as Record<string, unknown>).map(([k, v]) => [
        k,
        redactDeep(v, extra),
      ]),
    );
  }
  return redacted;
}

/** Redacted, truncated excerpt of a response body for error messages. */
export function redactBody(body: unknown, extra: readonly string[] = [], max = 400): string {
  // Scrub the parsed strings first (an echo inside a JSON string is escaped once more in the text).
  const text = typeof body === "string" ? body : JSON.stringify(redactDeep(body, extra));
  const scrubbed = scrubSecrets(text ?? "", extra);
  return scrubbed.length > max ? `${scrubbed.slice(0, max)}…` : scrubbed;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isTransportError(err: unknown): boolean {
  if (err instanceof undiciErrors.UndiciError) {
    return true;
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return true;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_.*)$/.test(code)
  );
}

/** A transport error's code as a few words, for the errors that mean "no answer at all". */
const NO_ANSWER: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
  ETIMEDOUT: "timed out",
};

/**
 * The cause in a few words when `err` means that the gateway gave no answer at all (refused,
 * reset, no connection or no response within `timeoutMs`); undefined for anything else (a name
 * that does not resolve, a body cut short…).
 */
export function noAnswerReason(err: unknown, timeoutMs: number): string | undefined {
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return `no connection within ${timeoutMs} ms, ${code}`;
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT") {
    return `no response within ${timeoutMs} ms, ${code}`;
  }
  if (name === "TimeoutError") {
    return `no response within ${timeoutMs} ms`;
  }
  return typeof code === "string" && code in NO_ANSWER ? `${NO_ANSWER[code]}, ${code}` : undefined;
}

/** A root URL without user info, query or fragment (what an error may show of it). */
function displayUrl(baseUrl: string): string {
  if (!URL.canParse(baseUrl)) {
    return baseUrl;
  }
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
}

/** Admin API client: bearer auth, timeouts, retries with backoff, redacted errors. */
export class AdminClient {
  readonly baseUrl: string;
  readonly #masterKey: string;
  /** Values scrubbed from errors and logs: the master key first, then the added secrets. */
  readonly #secrets: string[];
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;
  readonly #stack: string | undefined;
  readonly #log: (message: string) => void;
  readonly #dispatcher: Dispatcher;

  constructor(options: AdminClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#masterKey = options.masterKey;
    this.#secrets = [options.masterKey, ...(options.secrets ?? [])];
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#backoffMs = options.backoffMs ?? 250;
    this.#stack = options.stack;
    const log = options.log ?? (() => undefined);
    this.#log = (message) => log(scrubSecrets(message, this.#secrets));
    this.#dispatcher = new Agent({
      connect: { timeout: this.#timeoutMs },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      keepAliveTimeout: 1_000,
    });
  }

  /**
   * Adds values to scrub from this client's errors and log lines from now on (a credential's
   * values before the calls that carry them). Non-strings are ignored.
   */
  addSecrets(values: Iterable<unknown>): void {
    for (const v of values) {
      if (typeof v === "string" && !this.#secrets.includes(v)) {
        this.#secrets.push(v);
      }
    }
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  /** Sends one call with retries; resolves on 2xx, throws {@link LiteLlmApiError} otherwise. */
  async call<T = unknown>(req: AdminRequest): Promise<AdminResponse<T>> {
    let lastError: LiteLlmApiError | undefined;
    let retryAfterMs: number | undefined;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1) {
        // A server's Retry-After (429/503) wins over the backoff, capped so a run never stalls.
        const delay =
          retryAfterMs !== undefined
            ? Math.min(retryAfterMs, 30_000)
            : Math.min(5_000, this.#backoffMs * 2 ** (attempt - 2));
        this.#log(
          `LiteLLM ${req.method} ${this.#safePath(req.path)}: ${lastError?.status === 0 ? "no response" : `HTTP ${lastError?.status}`}, retry ${attempt - 1}/${this.#maxAttempts - 1} in ${delay} ms`,
        );
        await sleep(delay);
      }
      let status: number;
      let body: unknown;
      retryAfterMs = undefined;
      try {
        ({ status, body, retryAfterMs } = await this.#once(req));
      } catch (err) {
        if (!isTransportError(err)) {
          throw err;
        }
        const reason = noAnswerReason(err, this.#timeoutMs);
        lastError =
          reason === undefined
            ? this.#error(req, 0, (err as Error).message)
            : this.#unreachable(req, reason);
        continue;
      }
      if (status >= 200 && status < 300) {
        if (req.errorBody?.(body) === true) {
          throw this.#error(req, status, body);
        }
        return { status, body: body as T };
      }
      lastError = this.#error(req, status, body);
      const transient = status === 429 || status >= 500;
      if (!transient || (req.noRetryWhen?.(status, body) ?? false)) {
        throw lastError;
      }
    }
    throw lastError ?? this.#error(req, 0, "no attempt made");
  }

  /** The one-line error for a gateway that gave no answer (`reason`) to `req`. */
  #unreachable(req: AdminRequest, reason: string): GatewayUnreachableError {
    return new GatewayUnreachableError(
      req.method,
      this.#safePath(req.path.split("?")[0] ?? req.path),
      scrubSecrets(displayUrl(this.baseUrl), this.#secrets),
      reason,
      this.#stack,
    );
  }

  /**
   * Waits until `GET /health/readiness` answers 200 with `db: "connected"` (the proxy migrated
   * and reached its database), polling every `intervalMs` for at most `timeoutMs`.
   */
  async waitReady(options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const intervalMs = options.intervalMs ?? 1_000;
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    let noAnswer: string | undefined;
    for (let round = 1; ; round++) {
      try {
        const { status, body } = await this.#once({
          method: "GET",
          path: "/health/readiness",
          anonymous: true,
        });
        const db = (body as { db?: unknown } | null)?.db;
        if (status === 200 && db === "connected") {
          if (round > 1) {
            this.#log(`LiteLLM at ${this.baseUrl} is ready`);
          }
          return;
        }
        last = `HTTP ${status}, db=${typeof db === "string" ? db : "missing"}`;
        noAnswer = undefined;
      } catch (err) {
        if (!isTransportError(err)) {
          throw err;
        }
        noAnswer = noAnswerReason(err, this.#timeoutMs);
        last = noAnswer ?? (err as Error).message;
      }
      if (Date.now() + intervalMs > deadline) {
        if (noAnswer !== undefined) {
          throw this.#unreachable(
            { method: "GET", path: "/health/readiness" },
            `${noAnswer}; waited ${timeoutMs} ms`,
          );
        }
        throw new LiteLlmApiError(
          "GET",
          "/health/readiness",
          0,
          `not ready after ${timeoutMs} ms (last: ${scrubSecrets(last, this.#secrets)})`,
        );
      }
      this.#log(`Waiting for LiteLLM at ${this.baseUrl} (${last})`);
      await sleep(intervalMs);
    }
  }

  async #once(
    req: AdminRequest,
  ): Promise<{ status: number; body: unknown; retryAfterMs: number | undefined }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (req.anonymous !== true) {
      headers["authorization"] = `Bearer ${this.#masterKey}`;
    }
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    const res = await request(`${this.baseUrl}${req.path}`, {
      method: req.method,
      headers,
      dispatcher: this.#dispatcher,
      signal: AbortSignal.timeout(this.#timeoutMs),
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      body = text;
    }
    const retryAfter = Number(res.headers["retry-after"]);
    return {
      status: res.statusCode,
      body,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
    };
  }

  #safePath(path: string): string {
    return scrubSecrets(path, this.#secrets);
  }

  #error(req: AdminRequest, status: number, body: unknown): LiteLlmApiError {
    return new LiteLlmApiError(
      req.method,
      this.#safePath(req.path.split("?")[0] ?? req.path),
      status,
      redactBody(body, this.#secrets),
      status === 0 ? undefined : redactDeep(body, this.#secrets),
    );
  }
}
