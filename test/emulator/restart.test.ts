import { afterAll, describe, expect, test } from "vitest";
import { PostgresStore } from "./store/postgres";
import { MemoryStore } from "./store/memory";
import type { EmulatorOptions } from "./options";
import type { RunningEmulator } from "./server";
import { call, startTestEmulator } from "./testing";

/** Creates a key, a model and a credential, restarts, and checks all three are still there. */
async function checkRestartKeepsState(options: EmulatorOptions, suffix: string): Promise<void> {
  let emu: RunningEmulator = await startTestEmulator(options);
  let rawKey: string;
  try {
    const key = await call(emu, "POST", "/key/generate", {
      body: { key_alias: `restart-${suffix}` },
    });
    expect(key.status).toBe(200);
    rawKey = key.body.key;
    const model = await call(emu, "POST", "/model/new", {
      body: {
        model_name: "persisted",
        litellm_params: { model: "openai/gpt-4o", api_key: "sk-provider-xyz1" },
        model_info: { id: `model-${suffix}` },
      },
    });
    expect(model.status).toBe(200);
    const cred = await call(emu, "POST", "/credentials", {
      body: {
        credential_name: `cred-${suffix}`,
        credential_info: {},
        credential_values: { api_key: "sk-secret-value-77" },
      },
    });
    expect(cred.status).toBe(200);
  } finally {
    await emu.close();
  }

  emu = await startTestEmulator(options);
  try {
    const info = await call(emu, "GET", `/key/info?key=${rawKey}`);
    expect(info.status).toBe(200);
    expect(info.body.info.key_alias).toBe(`restart-${suffix}`);
    expect((await call(emu, "GET", "/v1/models", { key: rawKey })).status).toBe(200);
    const model = await call(emu, "GET", `/model/info?litellm_model_id=model-${suffix}`);
    expect(model.status).toBe(200);
    expect(model.body.data[0].litellm_params.model).toBe("openai/gpt-4o");
    const cred = await call(emu, "GET", `/credentials/by_name/cred-${suffix}`);
    expect(cred.body.credential_values).toEqual({ api_key: "sk****77" });
    // The alias is still taken after the restart.
    expect(
      (await call(emu, "POST", "/key/generate", { body: { key_alias: `restart-${suffix}` } }))
        .status,
    ).toBe(400);
  } finally {
    await emu.close();
  }
}

describe("restart", () => {
  test("a shared MemoryStore keeps keys, models and credentials across emulator restarts", async () => {
    await checkRestartKeepsState({ storage: new MemoryStore(), saltKey: "salt-restart" }, "memory");
  });
});

const databaseUrl = process.env["EMULATOR_TEST_DATABASE_URL"];

describe.skipIf(databaseUrl === undefined || databaseUrl === "")(
  "restart with real Postgres",
  () => {
    const suffix = `pg-${Date.now()}`;
    afterAll(async () => {
      if (databaseUrl === undefined) {
        return;
      }
      const store = new PostgresStore({ databaseUrl });
      await store.init();
      await store.deleteModel(`model-${suffix}`);
      await store.deleteCredential(`cred-${suffix}`);
      await store.close();
    });

    test("restarting the process on the same DATABASE_URL keeps state", async () => {
      await checkRestartKeepsState(
        { storage: "postgres", databaseUrl, saltKey: "salt-restart" },
        suffix,
      );
    });

    test("readiness answers 503 once the database is unreachable", async () => {
      const emu = await startTestEmulator({ storage: "postgres", databaseUrl });
      try {
        expect((await call(emu, "GET", "/health/readiness", { key: null })).body.db).toBe(
          "connected",
        );
        await emu.store.close(); // the pool is gone: every query now fails
        const res = await call(emu, "GET", "/health/readiness", { key: null });
        expect(res.status).toBe(503);
        expect(res.body.detail).toMatch(/^Service Unhealthy/);
      } finally {
        await emu.close().catch(() => undefined);
      }
    });
  },
);
