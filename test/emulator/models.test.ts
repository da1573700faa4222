import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./server";
import { MemoryStore } from "./store/memory";
import { call, startTestEmulator } from "./testing";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const deployment = (id: string, extra: Record<string, unknown> = {}) => ({
  model_name: `public-${id}`,
  litellm_params: {
    model: "openai/gpt-4o",
    api_key: "sk-provider-secret-0001",
    api_base: "https://api.example.test/v1",
    ...extra,
  },
  model_info: { id },
});

describe("POST /model/new", () => {
  test("STORE_MODEL_IN_DB off → 500 with LiteLLM's repr'd message", async () => {
    const off = await startTestEmulator({ storeModelInDb: false });
    try {
      const res = await call(off, "POST", "/model/new", { body: deployment("m-off") });
      expect(res.status).toBe(500);
      expect(res.body.error).toEqual({
        message:
          "{'error': \"Set `'STORE_MODEL_IN_DB='True'` in your env to enable this feature.\"}",
        type: "auth_error",
        param: "None",
        code: "500",
      });
    } finally {
      await off.close();
    }
  });

  test("caller-chosen model_info.id becomes model_id; the response row holds encrypted params", async () => {
    const res = await call(emu, "POST", "/model/new", { body: deployment("m-1") });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model_id: "m-1",
      model_name: "public-m-1",
      model_info: { id: "m-1" },
    });
    expect(res.body.litellm_params.model).toMatch(/^v3:gcm:/);
    expect(JSON.stringify(res.body)).not.toContain("sk-provider-secret-0001");
    const stored = await emu.store.getModel("m-1");
    expect(JSON.stringify(stored)).not.toContain("sk-provider-secret-0001");
  });

  test("without model_info.id a uuid4 is generated", async () => {
    const res = await call(emu, "POST", "/model/new", {
      body: { model_name: "no-id", litellm_params: { model: "openai/gpt-4o-mini" } },
    });
    expect(res.body.model_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test("duplicate id → 500 'Failed to add model to db'", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-dup") });
    const res = await call(emu, "POST", "/model/new", { body: deployment("m-dup") });
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe(
      "{'error': 'Failed to add model to db. Check your server logs for more details.'}",
    );
  });
});

describe("GET /model/info", () => {
  test("lists every deployment; secrets removed or masked, api_base/model/credential name in clear", async () => {
    await call(emu, "POST", "/model/new", {
      body: deployment("m-mask", {
        aws_secret_access_key: "aws-secret-value",
        client_secret: "client-secret-value",
        custom_token: "tok-1234567890",
        max_tokens: 100,
        litellm_credential_name: "openai-cred",
      }),
    });
    const res = await call(emu, "GET", "/model/info");
    expect(res.status).toBe(200);
    const entry = res.body.data.find(
      (d: { model_info: { id: string } }) => d.model_info.id === "m-mask",
    );
    expect(entry.model_name).toBe("public-m-mask");
    expect(entry.model_info).toMatchObject({ id: "m-mask", db_model: true });
    const params = entry.litellm_params;
    expect(params).not.toHaveProperty("api_key");
    expect(params).not.toHaveProperty("aws_secret_access_key");
    expect(params).not.toHaveProperty("client_secret");
    expect(params.custom_token).toBe("tok-******7890");
    expect(params).toMatchObject({
      model: "openai/gpt-4o",
      api_base: "https://api.example.test/v1",
      max_tokens: 100,
      litellm_credential_name: "openai-cred",
    });
  });

  test("compat 1.80 masks litellm_credential_name too", async () => {
    const old = await startTestEmulator({ compat: "1.80" });
    try {
      await call(old, "POST", "/model/new", {
        body: deployment("m-old", { litellm_credential_name: "openai-cred" }),
      });
      const res = await call(old, "GET", "/model/info?litellm_model_id=m-old");
      expect(res.body.data[0].litellm_params.litellm_credential_name).toBe("open***cred");
    } finally {
      await old.close();
    }
  });

  test("?litellm_model_id= returns one; unknown → 400 {detail:{error}}", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-one") });
    const one = await call(emu, "GET", "/model/info?litellm_model_id=m-one");
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveLength(1);
    const missing = await call(emu, "GET", "/model/info?litellm_model_id=nope");
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      detail: { error: "Model id = nope not found on litellm proxy" },
    });
  });

  test("a changed salt shows ciphertext instead of values (nothing self-heals)", async () => {
    const store = new MemoryStore();
    const first = await startTestEmulator({ storage: store, saltKey: "salt-one" });
    await call(first, "POST", "/model/new", { body: deployment("m-salt") });
    await first.close();
    const second = await startTestEmulator({ storage: store, saltKey: "salt-two" });
    try {
      const res = await call(second, "GET", "/model/info?litellm_model_id=m-salt");
      expect(res.body.data[0].litellm_params.model).toMatch(/^v3:gcm:/);
    } finally {
      await second.close();
    }
  });
});

describe("PATCH /model/{id}/update", () => {
  test("merges params and model_info, renames; 200 with the updated row", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-patch") });
    const res = await call(emu, "PATCH", "/model/m-patch/update", {
      body: { model_name: "renamed", litellm_params: { rpm: 10 }, model_info: { note: "x" } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model_id: "m-patch",
      model_name: "renamed",
      model_info: { id: "m-patch", note: "x" },
    });
    const info = await call(emu, "GET", "/model/info?litellm_model_id=m-patch");
    expect(info.body.data[0].litellm_params).toMatchObject({ model: "openai/gpt-4o", rpm: 10 });
  });

  test("explicit null clears a param (newest main)", async () => {
    await call(emu, "POST", "/credentials", {
      body: {
        credential_name: "c-null",
        credential_info: {},
        credential_values: { api_key: "k-123456" },
      },
    });
    await call(emu, "POST", "/model/new", {
      body: deployment("m-null", { litellm_credential_name: "c-null" }),
    });
    await call(emu, "PATCH", "/model/m-null/update", {
      body: { litellm_params: { litellm_credential_name: null } },
    });
    const info = await call(emu, "GET", "/model/info?litellm_model_id=m-null");
    expect(info.body.data[0].litellm_params).not.toHaveProperty("litellm_credential_name");
  });

  test("unknown id → 404; unknown credential → 400; STORE_MODEL_IN_DB off → 400", async () => {
    const missing = await call(emu, "PATCH", "/model/nope/update", {
      body: { litellm_params: { rpm: 1 } },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      message: "Model nope not found on proxy.",
      type: "not_found_error",
    });

    await call(emu, "POST", "/model/new", { body: deployment("m-cred") });
    const badCred = await call(emu, "PATCH", "/model/m-cred/update", {
      body: { litellm_params: { litellm_credential_name: "no-such-cred" } },
    });
    expect(badCred.status).toBe(400);

    const off = await startTestEmulator({ storeModelInDb: false });
    try {
      const res = await call(off, "PATCH", "/model/x/update", { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        message: "Model updates only supported for DB-stored models",
        type: "validation_error",
      });
    } finally {
      await off.close();
    }
  });
});

describe("POST /model/update", () => {
  test("needs model_info.id → 400", async () => {
    const res = await call(emu, "POST", "/model/update", { body: { litellm_params: { rpm: 1 } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Authentication Error, model_info.id not provided");
  });

  test("merges litellm_params of a DB model", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-legacy") });
    const res = await call(emu, "POST", "/model/update", {
      body: { model_info: { id: "m-legacy" }, litellm_params: { tpm: 5 } },
    });
    expect(res.status).toBe(200);
    const info = await call(emu, "GET", "/model/info?litellm_model_id=m-legacy");
    expect(info.body.data[0].litellm_params.tpm).toBe(5);
  });

  test("unknown id → 400 'Model in config'", async () => {
    const res = await call(emu, "POST", "/model/update", { body: { model_info: { id: "ghost" } } });
    expect(res.status).toBe(400);
  });
});

describe("POST /model/delete", () => {
  test("200 with message, then 400 not found in db", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-del") });
    const first = await call(emu, "POST", "/model/delete", { body: { id: "m-del" } });
    expect(first).toMatchObject({
      status: 200,
      body: { message: "Model: m-del deleted successfully" },
    });
    const second = await call(emu, "POST", "/model/delete", { body: { id: "m-del" } });
    expect(second.status).toBe(400);
    expect(second.body.error.message).toBe("{'error': 'Model with id=m-del not found in db'}");
  });
});

describe("GET /v1/models", () => {
  test("answers for a valid virtual key with the key's models (even undeployed) → 200", async () => {
    const gen = await call(emu, "POST", "/key/generate", {
      body: { models: ["not-deployed-model"] },
    });
    const res = await call(emu, "GET", "/v1/models", { key: gen.body.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: "list",
      data: [
        { id: "not-deployed-model", object: "model", created: 1677610602, owned_by: "openai" },
      ],
    });
  });

  test("a key with models [] sees every deployed public name", async () => {
    await call(emu, "POST", "/model/new", { body: deployment("m-v1") });
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    const res = await call(emu, "GET", "/v1/models", { key: gen.body.key });
    expect(res.body.data.map((d: { id: string }) => d.id)).toContain("public-m-v1");
  });
});
