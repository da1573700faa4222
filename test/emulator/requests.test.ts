import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./index";
import { call, startTestEmulator } from "./testing";

describe("request counter (/__emulator/requests, for benchmarks)", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  test("counts requests per METHOD path, excluding emulator routes, and resets", async () => {
    await call(emu, "DELETE", "/__emulator/requests");
    await call(emu, "GET", "/health/liveliness");
    await call(emu, "GET", "/model/info");
    await call(emu, "GET", "/model/info");
    const res = await call(emu, "GET", "/__emulator/requests");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total: 3,
      counts: { "GET /health/liveliness": 1, "GET /model/info": 2 },
    });
    await call(emu, "DELETE", "/__emulator/requests");
    expect((await call(emu, "GET", "/__emulator/requests")).body.total).toBe(0);
  });

  test("is admin-only", async () => {
    expect((await call(emu, "GET", "/__emulator/requests", { key: null })).status).toBe(401);
  });
});
