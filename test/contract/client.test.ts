/**
 * The admin client against the real LiteLLM, with faults injected by the proxy in front of it:
 * auth, retries (503, 429 with Retry-After, resets, timeouts), final errors, redaction of what
 * LiteLLM echoes, readiness. Each test makes its own client and log.
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
import { AdminClient, LiteLlmApiError } from "../../components/admin/client";
import { admin, gateway, useFaultProxy } from "./helpers";

const faults = useFaultProxy();

/** A client through the fault proxy, closed after the test, with the lines it logged. */
function proxied(options: { secrets?: string[] } = {}): { client: AdminClient; log: string[] } {
  const log: string[] = [];
  const client = new AdminClient({
    baseUrl: `${faults.proxy.url}/`,
    masterKey: gateway().masterKey,
    timeoutMs: 2_000,
    maxAttempts: 3,
    backoffMs: 5,
    log: (m) => log.push(m),
    ...options,
  });
  onTestFinished(() => client.close());
  return { client, log };
}

const attempts = (path: string): number =>
  faults.proxy.requests().filter((r) => r.path === path).length;

describe("AdminClient", () => {
  it("sends the master key as a bearer token: 200 with it, 401 without the wrong key in the error", async () => {
    const { client } = proxied();
    const res = await client.call<{ keys: unknown[] }>({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    const bad = new AdminClient({
      baseUrl: gateway().url,
      masterKey: "sk-wrong-master-key",
      maxAttempts: 1,
    });
    const err = await bad.call({ method: "GET", path: "/key/list" }).catch((e: unknown) => e);
    await bad.close();
    expect(err).toBeInstanceOf(LiteLlmApiError);
    expect(err).toMatchObject({
      name: "LiteLlmApiError",
      code: "LITELLM_API_ERROR",
      method: "GET",
      path: "/key/list",
      status: 401,
    });
    expect(String((err as Error).message)).not.toContain("sk-wrong-master-key");
  });

  it("retries a 503 and a connection reset, logging each retry, then succeeds", async () => {
    const { client, log } = proxied();
    faults.proxy.setFaults({
      rules: [
        { path: "/key/list", action: "error", status: 503, retryAfterSeconds: 0, times: 1 },
        { path: "/key/list", action: "reset", times: 1 },
      ],
    });
    const res = await client.call({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^LiteLLM GET \/key\/list: HTTP 503, retry 1\/2 in 0 ms$/);
    expect(log[1]).toMatch(/no response, retry 2\/2/);
  });

  it("gives up after maxAttempts (3 requests) with the last status", async () => {
    const { client } = proxied();
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 502, times: 5 }],
    });
    await expect(client.call({ method: "GET", path: "/key/list" })).rejects.toMatchObject({
      status: 502,
    });
    expect(attempts("/key/list")).toBe(3);
  });

  it("does not retry a 400, nor a 5xx the caller marks final (one request each, no retry line)", async () => {
    const { client, log } = proxied();
    await expect(
      client.call({ method: "POST", path: "/key/generate", body: { key: "no-prefix" } }),
    ).rejects.toMatchObject({ status: 400 });
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 500, times: 3 }],
    });
    await expect(
      client.call({ method: "GET", path: "/key/list", noRetryWhen: () => true }),
    ).rejects.toMatchObject({ status: 500 });
    expect(attempts("/key/generate")).toBe(1);
    expect(attempts("/key/list")).toBe(1);
    expect(log).toEqual([]);
  });

  it("times out an answer that never comes and retries", async () => {
    const { client, log } = proxied();
    faults.proxy.setFaults({ rules: [{ path: "/key/list", action: "timeout", times: 1 }] });
    const res = await client.call({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/no response, retry 1\/2/);
  });

  it("takes the retry delay from a 429's Retry-After header (logged as 1000 ms)", async () => {
    const { client, log } = proxied();
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 429, retryAfterSeconds: 1, times: 1 }],
    });
    const res = await client.call({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    expect(log).toEqual(["LiteLLM GET /key/list: HTTP 429, retry 1/2 in 1000 ms"]);
  });

  it("waits for readiness (db connected) with progress messages, and gives up after its timeout", async () => {
    const { client, log } = proxied();
    faults.proxy.setFaults({
      rules: [{ path: "/health/readiness", action: "error", status: 503, times: 3 }],
    });
    await client.waitReady({ timeoutMs: 5_000, intervalMs: 30 });
    expect(log[0]).toMatch(
      /^Waiting for LiteLLM at http:\/\/127\.0\.0\.1:\d+ \(HTTP 503, db=missing\)$/,
    );
    expect(log).toHaveLength(4);
    expect(log[3]).toMatch(/^LiteLLM at http:\/\/127\.0\.0\.1:\d+ is ready$/);
    faults.proxy.setFaults({
      rules: [{ path: "/health/readiness", action: "error", status: 503 }],
    });
    await expect(client.waitReady({ timeoutMs: 100, intervalMs: 30 })).rejects.toThrow(
      /^LiteLLM admin API GET \/health\/readiness failed: not ready after 100 ms \(last: HTTP 503, db=missing\)$/,
    );
  });

  it("reports a refused connection as status 0", async () => {
    const c = new AdminClient({
      baseUrl: "http://127.0.0.1:9",
      masterKey: gateway().masterKey,
      maxAttempts: 2,
      backoffMs: 1,
    });
    onTestFinished(() => c.close());
    await expect(c.call({ method: "GET", path: "/key/list" })).rejects.toMatchObject({ status: 0 });
  });
});

// ---------------------------------------------------------------- what LiteLLM echoes

const run = randomBytes(4).toString("hex");
const TOKEN = `tok${run}9a8b7c6d5e4f`;
/** Secrets of each kind (unique per run); the master key is the gateway's own. */
const KINDS = [
  { kind: "an sk- provider key", secret: () => `sk-live-${run}7f3a9c2e5b8d` },
  {
    kind: "an Azure-style key without the sk- prefix",
    secret: () => `${run}3f9a7c2e5b8d1f4a6c0e9b2d`,
  },
  {
    kind: "an api_base with a token in its query",
    secret: () => `https://gw.example.invalid/openai?api-key=${TOKEN}&v=1`,
  },
  { kind: "the master key", secret: () => gateway().masterKey },
];

/** Every text an error exposes: message, own fields, the whole cause chain. */
function errorTexts(err: unknown): string[] {
  const out = [inspect(err, { depth: null, showHidden: true })];
  for (let e = err, hops = 0; e !== undefined && e !== null && hops < 10; hops++) {
    out.push(String(e), JSON.stringify(e) ?? "");
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function expectAbsent(secret: string, texts: readonly string[]): void {
  for (const forbidden of secret.includes(TOKEN) ? [secret, TOKEN] : [secret]) {
    for (const t of texts) {
      expect(t).not.toContain(forbidden);
    }
  }
}

describe.each(KINDS)("AdminClient given $kind as a secret", ({ secret: make }) => {
  it("redacts it from LiteLLM's 400 that quotes a taken key_alias", async () => {
    const secret = make();
    const { client, log } = proxied({ secrets: [secret] });
    expect((await admin("POST", "/key/generate", { key_alias: secret })).status).toBe(200);
    onTestFinished(async () => {
      await admin("POST", "/key/delete", { key_aliases: [secret] });
    });
    // What LiteLLM answers the second time, as seen without the client: the alias in clear.
    const raw = await admin("POST", "/key/generate", { key_alias: secret });
    expect(raw.status).toBe(400);
    expect(JSON.stringify(raw.body)).toContain(`Key with alias '${secret}' already exists`);

    const err = await client
      .call({ method: "POST", path: "/key/generate", body: { key_alias: secret } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(LiteLlmApiError);
    expect((err as LiteLlmApiError).status).toBe(400);
    // An sk- shaped secret may also be caught by the generic sk- rule.
    expect((err as LiteLlmApiError).message).toMatch(
      /Key with alias '(?:sk-)?\[REDACTED\]' already exists/,
    );
    expectAbsent(secret, [...errorTexts(err), ...log]);
  });

  it("redacts it from the retry log lines of 503s on a path that carries it in the query", async () => {
    const secret = make();
    const { client, log } = proxied({ secrets: [secret] });
    faults.proxy.setFaults({
      rules: [{ path: "/key/info", action: "error", status: 503, retryAfterSeconds: 0, times: 2 }],
    });
    const err = await client
      .call({ method: "GET", path: `/key/info?key=${encodeURIComponent(secret)}` })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The third attempt reaches LiteLLM, which does not know such a key.
    expect(err).toBeInstanceOf(LiteLlmApiError);
    expect((err as LiteLlmApiError).status).toBe(404);
    expect(log).toHaveLength(2);
    log.forEach((line, i) =>
      expect(line).toMatch(
        new RegExp(
          String.raw`^LiteLLM GET /key/info\?key=(?:sk-)?\[REDACTED\]: HTTP 503, retry ${i + 1}/2 in 0 ms$`,
        ),
      ),
    );
    expectAbsent(secret, [...errorTexts(err), ...log]);
  });
});
