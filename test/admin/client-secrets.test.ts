/**
 * No secret leaves the admin client or the ProviderCredential provider through an error or a log
 * line. Each kind of secret goes through every error path: a non-2xx body, an HTTP 200 error
 * body, 5xx answers retried to the end, a network error, and the readiness wait. The server is a
 * local stand-in that echoes what it received the way LiteLLM's error texts do (a Python-repr
 * dict in `message`, the URL-encoded body in `param`, the bearer key it got), because the real
 * LiteLLM 1.108.14 masks most echoes itself (test/contract/client.test.ts covers the real ones).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { AdminClient } from "../../components/admin/client";
import {
  configureAdminTuning,
  credential,
  type AdminTuning,
  type CredentialInputs,
} from "../../components/admin/impl";
import { tuning } from "../../components/admin/impl/shared";
import { rejection } from "../support/errors";

const OWNER = "litellm-stack/test/gw-credential-c";
const PLAIN_MASTER_KEY = "mk-plain-master-0000000000";

interface Kind {
  kind: string;
  /** The admin key of the calls (the secret itself for the master-key kind). */
  masterKey: string;
  /** The credential values of the provider calls. */
  values: Record<string, string>;
  /** The secret value, given to the client as a secret (or as its master key). */
  secret: string;
  /** A host name made of the secret (or its token), for the network-error paths. */
  host: string;
  /** Strings that must appear nowhere. */
  forbidden: string[];
}

const SK = "sk-live-7f3a9c2e5b8d1f4a6c0e";
const AZURE = "3f9a7c2e5b8d1f4a6c0e9b2d7a5c3e1f";
const TOKEN = "tok9a8b7c6d5e4f3a2b1c";
const API_BASE = `https://gw.example.invalid/openai?api-key=${TOKEN}&v=1`;
const MASTER = "mk-0a1b2c3d4e5f60718293a4b5";

const KINDS: Kind[] = [
  {
    kind: "an sk- provider key",
    masterKey: PLAIN_MASTER_KEY,
    values: { api_key: SK },
    secret: SK,
    host: SK,
    forbidden: [SK],
  },
  {
    kind: "an Azure-style key without the sk- prefix",
    masterKey: PLAIN_MASTER_KEY,
    values: { api_key: AZURE, api_version: "2024-10-21" },
    secret: AZURE,
    host: AZURE,
    forbidden: [AZURE],
  },
  {
    kind: "an api_base with a token in its query",
    masterKey: PLAIN_MASTER_KEY,
    values: { api_base: API_BASE },
    secret: API_BASE,
    host: TOKEN,
    forbidden: [API_BASE, encodeURIComponent(API_BASE), TOKEN],
  },
  {
    kind: "the master key (not sk- shaped)",
    masterKey: MASTER,
    values: { api_key: "plain-provider-value-1" },
    secret: MASTER,
    host: MASTER,
    forbidden: [MASTER],
  },
];

// ---------------------------------------------------------------- a LiteLLM-like echo server

interface Seen {
  method: string;
  path: string;
  auth: string;
  body: unknown;
}
interface Answer {
  status: number;
  body: unknown;
}

/** Python's repr of a JSON value, as LiteLLM's `str(dict)` error texts show it. */
function pyRepr(v: unknown): string {
  if (typeof v === "string") {
    return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(v)) {
    return `[${v.map(pyRepr).join(", ")}]`;
  }
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  }
  return v === null ? "None" : v === true ? "True" : v === false ? "False" : String(v);
}

/** An error body that echoes the request: key, body and query, in three spellings. */
function echo(seen: Seen, code: number, http200 = false): Answer {
  const message = `{'error': "Invalid request ${pyRepr(seen.body)} to ${seen.path}. Received API Key = ${seen.auth}"}`;
  const param = encodeURIComponent(JSON.stringify({ body: seen.body, path: seen.path }));
  const error = { message, type: "bad_request_error", param, code: String(code) };
  return http200
    ? { status: 200, body: { ...error, headers: {} } }
    : { status: code, body: { error } };
}

/** Starts the echo server for this test; `sent` collects every body it answered. */
async function startEcho(
  route: (seen: Seen) => Answer | undefined,
): Promise<{ url: string; sent: string[] }> {
  const sent: string[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      const path = req.url ?? "/";
      const seen: Seen = {
        method: req.method ?? "GET",
        path,
        auth: (req.headers.authorization ?? "").replace(/^Bearer /, ""),
        body: raw === "" ? null : (JSON.parse(raw) as unknown),
      };
      const answer =
        path === "/health/readiness"
          ? { status: 200, body: { status: "healthy", db: "connected" } }
          : path === "/public/providers"
            ? { status: 200, body: ["anthropic", "azure", "openai"] }
            : (route(seen) ?? {
                status: 404,
                body: { error: { message: "no route", code: "404" } },
              });
      const text = JSON.stringify(answer.body);
      sent.push(text);
      res.writeHead(answer.status, { "content-type": "application/json", "retry-after": "0" });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent };
}

/** The server did echo the secret, so a clean error is the client's doing. */
function expectEchoed(k: Kind, sent: readonly string[]): void {
  expect(sent.join("\n")).toContain(k.secret);
}

/** A host that cannot resolve, named after the secret (a network error message then shows it). */
const unresolvable = (k: Kind): string => `http://${k.host}.invalid:1`;

// ---------------------------------------------------------------- what must not show

/** The redaction marker; an `sk-` shaped secret may also be caught by the generic `sk-` rule. */
const R = String.raw`(?:sk-)?\[REDACTED\]`;

/** Every text an error exposes: message, stack, own fields, the whole cause chain. */
function errorTexts(err: unknown): string[] {
  const out = [inspect(err, { depth: null, showHidden: true })];
  for (let e = err, hops = 0; e !== undefined && e !== null && hops < 10; hops++) {
    out.push(String(e), JSON.stringify(e) ?? "");
    if (e instanceof Error) {
      out.push(e.message, e.stack ?? "");
    }
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function expectNoSecret(k: Kind, texts: readonly string[]): void {
  for (const f of k.forbidden) {
    for (const t of texts) {
      expect(t).not.toContain(f);
    }
  }
}

// ---------------------------------------------------------------- the admin client

function client(k: Kind, baseUrl: string): { c: AdminClient; lines: string[] } {
  const lines: string[] = [];
  const c = new AdminClient({
    baseUrl,
    masterKey: k.masterKey,
    secrets: [k.secret],
    maxAttempts: 3,
    backoffMs: 1,
    timeoutMs: 2_000,
    log: (m) => lines.push(m),
  });
  onTestFinished(() => c.close());
  return { c, lines };
}

const notSuccess = (b: unknown): boolean => (b as { success?: unknown }).success !== true;

describe.each(KINDS)("AdminClient with $kind", (k) => {
  it("redacts it from a 400 whose body echoes the key, the body and the query", async () => {
    const { url, sent } = await startEcho((seen) => echo(seen, 400));
    const { c, lines } = client(k, url);
    const err = await rejection(
      c.call({
        method: "POST",
        path: `/x?q=${encodeURIComponent(k.secret)}`,
        body: { note: k.secret },
      }),
    );
    expect(err.message).toMatch(/^LiteLLM admin API POST \/x failed with HTTP 400: /);
    expect(err.message).toContain("[REDACTED]");
    expectEchoed(k, sent);
    expectNoSecret(k, [...errorTexts(err), ...lines]);
    expect(lines).toEqual([]);
  });

  it("redacts it from an HTTP 200 error body that echoes the request", async () => {
    const { url, sent } = await startEcho((seen) => echo(seen, 400, true));
    const { c, lines } = client(k, url);
    const err = await rejection(
      c.call({ method: "PATCH", path: "/x", body: { note: k.secret }, errorBody: notSuccess }),
    );
    expect(err.message).toMatch(
      /^LiteLLM admin API PATCH \/x failed \(HTTP 200 with an error body\): /,
    );
    expect(err.message).toContain("[REDACTED]");
    expectEchoed(k, sent);
    expectNoSecret(k, [...errorTexts(err), ...lines]);
  });

  it("redacts it from the retry log lines and the last error of 503s retried to the end", async () => {
    const { url, sent } = await startEcho((seen) => echo(seen, 503));
    const { c, lines } = client(k, url);
    const err = await rejection(
      c.call({
        method: "GET",
        path: `/x?q=${encodeURIComponent(k.secret)}`,
        body: { note: k.secret },
      }),
    );
    expect(err.message).toContain("failed with HTTP 503");
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) =>
      expect(line).toMatch(
        new RegExp(`^LiteLLM GET /x\\?q=${R}: HTTP 503, retry ${i + 1}/2 in 0 ms$`),
      ),
    );
    expectEchoed(k, sent);
    expectNoSecret(k, [...errorTexts(err), ...lines]);
  });

  it("redacts it from a network error message (a host named after it)", async () => {
    const { c, lines } = client(k, unresolvable(k));
    const err = await rejection(c.call({ method: "GET", path: "/x" }));
    expect(err.message).toMatch(
      new RegExp(`^LiteLLM admin API GET /x failed: getaddrinfo ENOTFOUND ${R}(?:\\.invalid)?$`),
    );
    expect(lines).toHaveLength(2);
    expectNoSecret(k, [...errorTexts(err), ...lines]);
  });

  it("redacts it from the readiness wait's progress lines and timeout error", async () => {
    const { c, lines } = client(k, unresolvable(k));
    const err = await rejection(c.waitReady({ timeoutMs: 300, intervalMs: 50 }));
    const host = `${R}(?:\\.invalid)?`;
    expect(err.message).toMatch(
      new RegExp(
        `^LiteLLM admin API GET /health/readiness failed: not ready after 300 ms \\(last: getaddrinfo ENOTFOUND ${host}\\)$`,
      ),
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(
        new RegExp(
          `^Waiting for LiteLLM at http://${host}(?::1)? \\(getaddrinfo ENOTFOUND ${host}\\)$`,
        ),
      );
    }
    expectNoSecret(k, [...errorTexts(err), ...lines]);
  });
});

// ---------------------------------------------------------------- the credential provider

const defaults: AdminTuning = { ...tuning };
afterAll(() => configureAdminTuning(defaults));

/** Fast tuning with a log of this test only. */
function providerLog(): string[] {
  const lines: string[] = [];
  configureAdminTuning({
    timeoutMs: 2_000,
    maxAttempts: 3,
    backoffMs: 1,
    readyTimeoutMs: 300,
    readyIntervalMs: 50,
    log: (m) => lines.push(m),
  });
  return lines;
}

function credInputs(k: Kind, adminUrl: string): CredentialInputs {
  return {
    adminUrl,
    adminKey: k.masterKey,
    name: "c",
    provider: "openai",
    owner: OWNER,
    values: k.values,
  };
}

/** LiteLLM's 409 for a taken name, here also echoing the request. */
function exists(seen: Seen): Answer {
  const answer = echo(seen, 409);
  const error = (answer.body as { error: { message: string } }).error;
  error.message = `Credential 'c' already exists. ${error.message}`;
  return answer;
}
/** An error about the stored row that echoes it (e.g. a failed decryption). */
const echoStored = (k: Kind, seen: Seen, code: number, http200 = false): Answer =>
  echo({ ...seen, body: { credential_values: k.values } }, code, http200);
/** What GET /credentials/by_name answers for "c"; values in clear, unlike LiteLLM, on purpose. */
const stored = (k: Kind, owner?: string): Answer => ({
  status: 200,
  body: {
    credential_name: "c",
    credential_info: owner === undefined ? {} : { pulumi_owner: owner },
    credential_values: k.values,
  },
});

interface ProviderPath {
  path: string;
  /** null: the network-error variant (an unresolvable host named after the secret). */
  route: ((k: Kind) => (seen: Seen) => Answer | undefined) | null;
  run: (inputs: CredentialInputs) => Promise<unknown>;
  message: RegExp;
}

const PROVIDER_PATHS: ProviderPath[] = [
  {
    path: "create: POST answers 400 echoing the request",
    route: () => (seen) => (seen.path === "/credentials" ? echo(seen, 400) : undefined),
    run: (i) => credential.create(i),
    message: /^LiteLLM admin API POST \/credentials failed with HTTP 400: .*\[REDACTED\]/,
  },
  {
    path: "create: POST answers 503 echoing the request, retried to the end",
    route: () => (seen) => (seen.path === "/credentials" ? echo(seen, 503) : undefined),
    run: (i) => credential.create(i),
    message: /^LiteLLM admin API POST \/credentials failed with HTTP 503: .*\[REDACTED\]/,
  },
  {
    path: "create: the name exists with this owner's tag, and the converging PATCH answers an HTTP 200 error body",
    route: (k) => (seen) =>
      seen.method === "POST"
        ? exists(seen)
        : seen.method === "GET"
          ? stored(k, OWNER)
          : echo(seen, 400, true),
    run: (i) => credential.create(i),
    message:
      /^LiteLLM admin API PATCH \/credentials\/c failed \(HTTP 200 with an error body\): .*\[REDACTED\]/,
  },
  {
    path: "create: the name exists without an owner tag (refused)",
    route: (k) => (seen) => (seen.method === "POST" ? exists(seen) : stored(k)),
    run: (i) => credential.create(i),
    message: /^ProviderCredential "c": a credential named "c" already exists on the gateway/,
  },
  {
    path: "create: the gateway host does not resolve",
    route: null,
    run: (i) => credential.create(i),
    message: /^LiteLLM admin API GET \/health\/readiness failed: not ready after 300 ms/,
  },
  {
    path: "read: GET answers 500 echoing the stored values, retried to the end",
    route: (k) => (seen) => echoStored(k, seen, 500),
    run: (i) => credential.read("c", i),
    message:
      /^LiteLLM admin API GET \/credentials\/by_name\/c failed with HTTP 500: .*\[REDACTED\]/,
  },
  {
    path: "read: the gateway host does not resolve",
    route: null,
    run: (i) => credential.read("c", i),
    message: /^LiteLLM admin API GET \/credentials\/by_name\/c failed: getaddrinfo ENOTFOUND/,
  },
  {
    path: "update: PATCH answers an HTTP 200 error body echoing the request",
    route: () => (seen) => echo(seen, 400, true),
    run: (i) => credential.update("c", { ...i, values: { api_key: "previous-value-0001" } }, i),
    message:
      /^LiteLLM admin API PATCH \/credentials\/c failed \(HTTP 200 with an error body\): .*\[REDACTED\]/,
  },
  {
    path: "update: the gateway host does not resolve",
    route: null,
    run: (i) => credential.update("c", { ...i, values: { api_key: "previous-value-0001" } }, i),
    message: /^LiteLLM admin API GET \/health\/readiness failed: not ready after 300 ms/,
  },
  {
    path: "delete: DELETE answers an HTTP 200 error body (code 400) echoing the stored values",
    route: (k) => (seen) => echoStored(k, seen, 400, true),
    run: (i) => credential.delete("c", i),
    message:
      /^LiteLLM admin API DELETE \/credentials\/c failed \(HTTP 200 with an error body\): .*\[REDACTED\]/,
  },
  {
    path: "delete: DELETE answers 502 echoing the stored values, retried to the end",
    route: (k) => (seen) => echoStored(k, seen, 502),
    run: (i) => credential.delete("c", i),
    message: /^LiteLLM admin API DELETE \/credentials\/c failed with HTTP 502: .*\[REDACTED\]/,
  },
  {
    path: "delete: the gateway host does not resolve",
    route: null,
    run: (i) => credential.delete("c", i),
    message: /^LiteLLM admin API DELETE \/credentials\/c failed: getaddrinfo ENOTFOUND/,
  },
];

describe.each(KINDS)("ProviderCredential with $kind", (k) => {
  it.each(PROVIDER_PATHS)("leaves no trace of it when $path", async (p) => {
    const lines = providerLog();
    const echoServer = p.route === null ? undefined : await startEcho(p.route(k));
    const url = echoServer?.url ?? unresolvable(k);
    const err = await rejection(p.run(credInputs(k, url)));
    expect(err.message).toMatch(p.message);
    if (echoServer !== undefined) {
      expectEchoed(k, echoServer.sent);
    }
    expectNoSecret(k, [...errorTexts(err), ...lines]);
  });
});
