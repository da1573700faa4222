import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./server";
import { MemoryStore } from "./store/memory";
import { TEST_MASTER_KEY, call, startTestEmulator } from "./testing";

let emu: RunningEmulator;
let store: MemoryStore;
beforeAll(async () => {
  store = new MemoryStore();
  emu = await startTestEmulator({ storage: store, uiPassword: "ui-secret" });
});
afterAll(() => emu.close());

describe("health", () => {
  test('GET /health/liveliness and /health/liveness → 200 "I\'m alive!" without auth', async () => {
    for (const path of ["/health/liveliness", "/health/liveness"]) {
      const res = await call(emu, "GET", path, { key: null });
      expect(res).toMatchObject({ status: 200, body: "I'm alive!" });
    }
  });

  test("GET /health/readiness → 200 with db connected (1.84+: status healthy)", async () => {
    const res = await call(emu, "GET", "/health/readiness", { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "healthy", db: "connected", cache: null });
    expect(typeof res.body.litellm_version).toBe("string");
    expect(res.body.license).toEqual({ has_license: false, expiration_date: null });
  });

  test("readiness → 503 {detail} while the database is down", async () => {
    store.setDatabaseDown(true);
    try {
      const res = await call(emu, "GET", "/health/readiness", { key: null });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/^Service Unhealthy \(/);
    } finally {
      store.setDatabaseDown(false);
    }
    expect((await call(emu, "GET", "/health/readiness", { key: null })).status).toBe(200);
  });

  test('compat 1.80: readiness status reads "connected"', async () => {
    const old = await startTestEmulator({ compat: "1.80" });
    try {
      const res = await call(old, "GET", "/health/readiness", { key: null });
      expect(res.body).toMatchObject({
        status: "connected",
        db: "connected",
        litellm_version: "1.80.0",
      });
    } finally {
      await old.close();
    }
  });
});

describe("public providers", () => {
  test("GET /public/providers: no auth, sorted list of provider strings, no azure_openai", async () => {
    const res = await call(emu, "GET", "/public/providers", { key: null });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toEqual([...res.body].sort());
    expect(res.body).toEqual(
      expect.arrayContaining(["openai", "azure", "azure_ai", "anthropic", "ollama"]),
    );
    expect(res.body).not.toContain("azure_openai");
  });
});

describe("UI login", () => {
  test("POST /login with UI_USERNAME/UI_PASSWORD → 303 redirect with a token cookie", async () => {
    const res = await call(emu, "POST", "/login", {
      key: null,
      rawBody: "username=admin&password=ui-secret",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(303);
    expect(res.headers["location"]).toBe("/ui/?login=success");
    expect(String(res.headers["set-cookie"])).toMatch(/^token=/);
  });

  test("wrong password → 401 auth_error", async () => {
    const res = await call(emu, "POST", "/login", {
      key: null,
      rawBody: "username=admin&password=nope",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: "auth_error", code: "401" });
  });

  test("UI_PASSWORD defaults to the master key", async () => {
    const other = await startTestEmulator();
    try {
      const res = await call(other, "POST", "/login", {
        key: null,
        rawBody: `username=admin&password=${TEST_MASTER_KEY}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.status).toBe(303);
    } finally {
      await other.close();
    }
  });
});
