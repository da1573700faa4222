/**
 * The admin client against the real LiteLLM, with faults injected by the proxy in front of it:
 * auth, retries (503, 429 with Retry-After, resets, timeouts), final errors, redaction, readiness.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AdminClient,
  LiteLlmApiError,
  redactBody,
  scrubSecrets,
} from "../../components/admin/client";
import { gateway, useFaultProxy } from "./helpers";

const faults = useFaultProxy();
let client: AdminClient;
let log: string[] = [];

beforeAll(() => {
  client = new AdminClient({
    baseUrl: `${faults.proxy.url}/`,
    masterKey: gateway().masterKey,
    timeoutMs: 2_000,
    maxAttempts: 3,
    backoffMs: 5,
    log: (m) => log.push(m),
  });
});
afterAll(() => client.close());
beforeEach(() => {
  log = [];
});

describe("AdminClient", () => {
  it("sends the master key as a bearer token", async () => {
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

  it("retries 503 and connection resets, then succeeds", async () => {
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

  it("gives up after maxAttempts with the last status", async () => {
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 502, times: 5 }],
    });
    await expect(client.call({ method: "GET", path: "/key/list" })).rejects.toMatchObject({
      status: 502,
    });
  });

  it("does not retry a 400, nor a 5xx the caller marks final", async () => {
    await expect(
      client.call({ method: "POST", path: "/key/generate", body: { key: "no-prefix" } }),
    ).rejects.toMatchObject({ status: 400 });
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 500, times: 3 }],
    });
    await expect(
      client.call({ method: "GET", path: "/key/list", noRetryWhen: () => true }),
    ).rejects.toMatchObject({ status: 500 });
    expect(log).toEqual([]);
  });

  it("times out an answer that never comes and retries", async () => {
    faults.proxy.setFaults({ rules: [{ path: "/key/list", action: "timeout", times: 1 }] });
    const res = await client.call({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/no response, retry 1\/2/);
  });

  it("waits the Retry-After of a 429 before retrying", async () => {
    faults.proxy.setFaults({
      rules: [{ path: "/key/list", action: "error", status: 429, retryAfterSeconds: 1, times: 1 }],
    });
    const started = Date.now();
    const res = await client.call({ method: "GET", path: "/key/list" });
    expect(res.status).toBe(200);
    expect(log[0]).toMatch(/HTTP 429, retry 1\/2 in 1000 ms$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("redacts secrets from error excerpts and bodies", async () => {
    const err = (await client
      .call({
        method: "POST",
        path: "/key/generate",
        body: { key: "bad-raw-secret-value-123", key_alias: "a" },
      })
      .catch((e: unknown) => e)) as LiteLlmApiError;
    expect(err.status).toBe(400);
    expect(JSON.stringify(err)).not.toContain("bad-raw-secret-value-123");
    expect(
      redactBody({ error: { message: "x" }, api_key: "abc", master_key: "m", key_alias: "k" }),
    ).toBe(
      '{"error":{"message":"x"},"api_key":"[REDACTED]","master_key":"[REDACTED]","key_alias":"k"}',
    );
    expect(redactBody({ credential_values: { api_base: "u" }, token: "t", password: "p" })).toBe(
      '{"credential_values":"[REDACTED]","token":"[REDACTED]","password":"[REDACTED]"}',
    );
    expect(scrubSecrets("Received API Key = sk-abc123XYZ_-, master mk-1234", ["mk-1234"])).toBe(
      "Received API Key = sk-[REDACTED], master [REDACTED]",
    );
  });

  it("waits for readiness (db connected) with progress messages, and gives up after its timeout", async () => {
    faults.proxy.setFaults({
      rules: [{ path: "/health/readiness", action: "error", status: 503, times: 3 }],
    });
    await client.waitReady({ timeoutMs: 5_000, intervalMs: 30 });
    expect(log[0]).toMatch(
      /^Waiting for LiteLLM at http:\/\/127\.0\.0\.1:\d+ \(HTTP 503, db=missing\)$/,
    );
    expect(log).toHaveLength(4);
    expect(log.at(-1)).toMatch(/is ready$/);
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
    await expect(c.call({ method: "GET", path: "/key/list" })).rejects.toMatchObject({ status: 0 });
    await c.close();
  });
});
