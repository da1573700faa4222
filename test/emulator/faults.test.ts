import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { optionsFromEnv } from "./options";
import type { RunningEmulator } from "./server";
import { TEST_MASTER_KEY, call, startTestEmulator } from "./testing";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.setFaults(undefined));
afterAll(() => emu.close());

describe("fault injection", () => {
  test("off by default", () => {
    expect(emu.getFaults()).toEqual({ rules: [] });
  });

  test("added latency", async () => {
    emu.setFaults({ rules: [{ path: "/health/liveliness", action: "latency", latencyMs: 200 }] });
    const started = Date.now();
    expect((await call(emu, "GET", "/health/liveliness")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test("deterministic: fail the next N requests matching a path, then recover", async () => {
    emu.setFaults({
      rules: [{ method: "POST", path: "/key/*", action: "error", status: 503, times: 2 }],
    });
    const a = await call(emu, "POST", "/key/generate", { body: { key_alias: "fault-n" } });
    const b = await call(emu, "POST", "/key/generate", { body: { key_alias: "fault-n" } });
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.body.error).toMatchObject({ code: "503", type: "internal_server_error" });
    expect((await call(emu, "GET", "/key/list")).status).toBe(200); // GET does not match
    const c = await call(emu, "POST", "/key/generate", { body: { key_alias: "fault-n" } });
    expect(c.status).toBe(200); // nothing was stored by the failed attempts, so the alias is free
    expect(emu.getFaults().rules).toEqual([]);
  });

  test("a share of 5xx answers, reproducible with a seed", async () => {
    const run = async (): Promise<number[]> => {
      emu.setFaults({
        seed: 42,
        rules: [{ path: "/health/liveliness", action: "error", probability: 0.5 }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await call(emu, "GET", "/health/liveliness")).status);
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  test("connection reset: the client sees a socket error and nothing is stored", async () => {
    emu.setFaults({ rules: [{ path: "/key/generate", action: "reset", times: 1 }] });
    await expect(
      call(emu, "POST", "/key/generate", { body: { key_alias: "reset-1" } }),
    ).rejects.toThrow();
    const list = await call(emu, "GET", "/key/list?key_alias=reset-1");
    expect(list.body.total_count).toBe(0);
  });

  test("commit, then drop the response: the change is stored but the socket is destroyed", async () => {
    emu.setFaults({ rules: [{ path: "/key/generate", action: "drop_after_commit", times: 1 }] });
    await expect(
      call(emu, "POST", "/key/generate", { body: { key_alias: "dropped-1" } }),
    ).rejects.toThrow();
    const list = await call(emu, "GET", "/key/list?key_alias=dropped-1");
    expect(list.body.total_count).toBe(1);
    // A naive retry now hits the alias check.
    expect(
      (await call(emu, "POST", "/key/generate", { body: { key_alias: "dropped-1" } })).status,
    ).toBe(400);
  });

  test("eventual consistency: /model/info hides a new model for modelInfoDelayMs", async () => {
    emu.setFaults({ modelInfoDelayMs: 300 });
    const created = await call(emu, "POST", "/model/new", {
      body: {
        model_name: "late",
        litellm_params: { model: "openai/gpt-4o" },
        model_info: { id: "late-1" },
      },
    });
    expect(created.status).toBe(200);
    expect((await call(emu, "GET", "/model/info?litellm_model_id=late-1")).status).toBe(400);
    await new Promise((r) => setTimeout(r, 350));
    expect((await call(emu, "GET", "/model/info?litellm_model_id=late-1")).status).toBe(200);
  });
});

describe("POST /__emulator/faults", () => {
  test("needs the master key", async () => {
    const res = await call(emu, "POST", "/__emulator/faults", { key: null, body: {} });
    expect(res.status).toBe(401);
  });

  test("sets, reads and clears faults; never faulted itself", async () => {
    const set = await call(emu, "POST", "/__emulator/faults", {
      body: { rules: [{ path: "*", action: "error", status: 502 }] },
    });
    expect(set.status).toBe(200);
    expect(set.body.faults.rules).toHaveLength(1);
    expect((await call(emu, "GET", "/health/liveliness")).status).toBe(502);
    expect((await call(emu, "GET", "/__emulator/faults")).status).toBe(200);
    const cleared = await call(emu, "DELETE", "/__emulator/faults");
    expect(cleared.body).toEqual({ faults: { rules: [] } });
    expect((await call(emu, "GET", "/health/liveliness")).status).toBe(200);
  });

  test("an invalid config → 422", async () => {
    const res = await call(emu, "POST", "/__emulator/faults", {
      body: { rules: [{ action: "explode" }] },
    });
    expect(res.status).toBe(422);
  });
});

describe("EMULATOR_FAULTS", () => {
  test("is read from the environment as JSON", async () => {
    const options = optionsFromEnv({
      LITELLM_MASTER_KEY: TEST_MASTER_KEY,
      EMULATOR_FAULTS: JSON.stringify({
        rules: [{ path: "/health/liveliness", action: "error", times: 1 }],
      }),
    });
    const env = await startTestEmulator({ faults: options.faults });
    try {
      expect((await call(env, "GET", "/health/liveliness")).status).toBe(500);
      expect((await call(env, "GET", "/health/liveliness")).status).toBe(200);
    } finally {
      await env.close();
    }
  });

  test("invalid JSON names the variable, not its value", () => {
    expect(() => optionsFromEnv({ EMULATOR_FAULTS: "{nope" })).toThrow(
      "Invalid emulator environment: check EMULATOR_FAULTS.",
    );
  });
});
