import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./server";
import { TEST_MASTER_KEY, call, startTestEmulator } from "./testing";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe("auth", () => {
  test("no key → 401 auth_error with code as a string", async () => {
    const res = await call(emu, "GET", "/key/list", { key: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        message: "Authentication Error, No api key passed in.",
        type: "auth_error",
        param: "None",
        code: "401",
      },
    });
  });

  test("Authorization without the Bearer prefix → 401 malformed", async () => {
    const res = await call(emu, "GET", "/key/list", {
      key: null,
      headers: { authorization: TEST_MASTER_KEY },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe(
      "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.",
    );
  });

  test("a key without sk- → 401, the key masked in the message", async () => {
    const res = await call(emu, "GET", "/key/list", { key: "abcdefghijklmnop" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("401");
    expect(res.body.error.message).toContain(
      "Received=abcd****mnop, expected to start with 'sk-'.",
    );
  });

  test("unknown sk- key → 401 token_not_found_in_db", async () => {
    const res = await call(emu, "GET", "/v1/models", { key: "sk-unknown-key-1234" });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      type: "token_not_found_in_db",
      param: "key",
      code: "401",
    });
  });

  test("Authorization: Bearer <master> and x-litellm-api-key both authenticate", async () => {
    expect((await call(emu, "GET", "/key/list")).status).toBe(200);
    const viaHeader = await call(emu, "GET", "/key/list", {
      key: null,
      headers: { "x-litellm-api-key": TEST_MASTER_KEY },
    });
    expect(viaHeader.status).toBe(200);
    const viaHeaderBearer = await call(emu, "GET", "/key/list", {
      key: null,
      headers: { "x-litellm-api-key": `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(viaHeaderBearer.status).toBe(200);
  });

  test("a virtual key cannot call admin routes → 401", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    const res = await call(emu, "POST", "/key/generate", { key: gen.body.key, body: {} });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: "auth_error", code: "401" });
  });

  test("an expired key → 401 expired_key", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: { duration: "1s" } });
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await call(emu, "GET", "/v1/models", { key: gen.body.key });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("expired_key");
    expect(res.body.error.message).toMatch(/^Authentication Error - Expired Key\./);
  });

  test("a blocked key → 401", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    expect((await call(emu, "POST", "/key/block", { body: { key: gen.body.key } })).status).toBe(
      200,
    );
    const res = await call(emu, "GET", "/v1/models", { key: gen.body.key });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain("Key is blocked");
    await call(emu, "POST", "/key/unblock", { body: { key: gen.body.key } });
    expect((await call(emu, "GET", "/v1/models", { key: gen.body.key })).status).toBe(200);
  });
});

describe("bad input and unknown routes", () => {
  test("malformed JSON → 422 FastAPI detail list", async () => {
    const res = await call(emu, "POST", "/key/generate", { rawBody: '{"key_alias": ' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toHaveLength(1);
    expect(res.body.detail[0]).toMatchObject({ type: "json_invalid", msg: "JSON decode error" });
    expect(res.body.detail[0].loc[0]).toBe("body");
  });

  test("wrong field type → 422 with loc and pydantic type", async () => {
    const res = await call(emu, "POST", "/key/generate", { body: { key_alias: 123 } });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      type: "string_type",
      loc: ["body", "key_alias"],
      input: 123,
    });
  });

  test("missing required field → 422 missing", async () => {
    const res = await call(emu, "POST", "/model/new", {
      body: { litellm_params: { model: "openai/x" } },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      type: "missing",
      loc: ["body", "model_name"],
      msg: "Field required",
    });
  });

  test("unknown body fields are ignored", async () => {
    const res = await call(emu, "POST", "/key/generate", {
      body: { not_a_field: true, key_alias: "ignored-extra" },
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("not_a_field");
    expect(res.body.key_alias).toBe("ignored-extra");
  });

  test("unknown route → 404 {detail: Not Found}; wrong method → 405", async () => {
    const missing = await call(emu, "GET", "/no/such/route");
    expect(missing).toMatchObject({ status: 404, body: { detail: "Not Found" } });
    const wrongMethod = await call(emu, "DELETE", "/key/generate");
    expect(wrongMethod).toMatchObject({ status: 405, body: { detail: "Method Not Allowed" } });
  });
});

describe("open proxy", () => {
  test("without a master key every caller is admin (like LiteLLM)", async () => {
    const open = await startTestEmulator({ masterKey: undefined });
    try {
      expect((await call(open, "GET", "/key/list", { key: null })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
