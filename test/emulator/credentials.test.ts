import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./server";
import { call, startTestEmulator } from "./testing";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const create = (
  name: string,
  values: Record<string, unknown> = { api_key: "sk-openai-abcdef", api_base: "https://x.test" },
) =>
  call(emu, "POST", "/credentials", {
    body: {
      credential_name: name,
      credential_info: { custom_llm_provider: "openai" },
      credential_values: values,
    },
  });

describe("POST /credentials", () => {
  test("200 {success, message}; values encrypted at rest", async () => {
    const res = await create("cred-1");
    expect(res).toMatchObject({
      status: 200,
      body: { success: true, message: "Credential created successfully" },
    });
    const stored = await emu.store.getCredential("cred-1");
    expect(JSON.stringify(stored)).not.toContain("sk-openai-abcdef");
    expect(JSON.stringify(stored)).toContain("v3:gcm:");
  });

  test("duplicate name: newest main → 409; compat 1.84 → 500", async () => {
    await create("cred-dup");
    const res = await create("cred-dup");
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^Credential 'cred-dup' already exists/);

    const pinned = await startTestEmulator({ compat: "1.84" });
    try {
      const body = {
        credential_name: "d",
        credential_info: {},
        credential_values: { api_key: "abc" },
      };
      await call(pinned, "POST", "/credentials", { body });
      const again = await call(pinned, "POST", "/credentials", { body });
      expect(again.status).toBe(500);
      expect(again.body.error.code).toBe("500");
    } finally {
      await pinned.close();
    }
  });

  test("credential_info is required; values or model_id required → 422", async () => {
    const noInfo = await call(emu, "POST", "/credentials", {
      body: { credential_name: "x", credential_values: {} },
    });
    expect(noInfo.status).toBe(422);
    expect(noInfo.body.detail[0].loc).toEqual(["body", "credential_info"]);
    const neither = await call(emu, "POST", "/credentials", {
      body: { credential_name: "x", credential_info: {} },
    });
    expect(neither.status).toBe(422);
  });

  test("model_id copies the deployment's credentials", async () => {
    await call(emu, "POST", "/model/new", {
      body: {
        model_name: "src",
        litellm_params: { model: "openai/gpt-4o", api_key: "sk-from-model-9999" },
        model_info: { id: "src-model" },
      },
    });
    const res = await call(emu, "POST", "/credentials", {
      body: { credential_name: "from-model", credential_info: {}, model_id: "src-model" },
    });
    expect(res.status).toBe(200);
    const read = await call(emu, "GET", "/credentials/by_name/from-model");
    expect(read.body.credential_values).toEqual({ api_key: "sk****99" });
  });
});

describe("reading credentials (masked: first 2 + **** + last 2)", () => {
  test("GET /credentials lists masked values, api_base in clear", async () => {
    await create("cred-list", {
      api_key: "sk-openai-abcdef",
      api_base: "https://x.test",
      short_token: "abcd",
    });
    const res = await call(emu, "GET", "/credentials");
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const item = res.body.credentials.find(
      (c: { credential_name: string }) => c.credential_name === "cred-list",
    );
    expect(item).toEqual({
      credential_name: "cred-list",
      credential_values: { api_key: "sk****ef", api_base: "https://x.test", short_token: "*****" },
      credential_info: { custom_llm_provider: "openai" },
    });
  });

  test("GET /credentials/by_name/{name} (name may contain slashes)", async () => {
    await create("team/openai/prod");
    const res = await call(emu, "GET", "/credentials/by_name/team/openai/prod");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      credential_name: "team/openai/prod",
      credential_values: { api_key: "sk****ef" },
    });
  });

  test("by_name unknown → 404 in the error shape", async () => {
    const res = await call(emu, "GET", "/credentials/by_name/nope");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      message: "Credential not found. Got credential name: nope",
      code: "404",
    });
  });
});

describe("PATCH and DELETE /credentials/{name}", () => {
  test("PATCH merges values (newest: partial body, info merged)", async () => {
    await create("cred-patch");
    const res = await call(emu, "PATCH", "/credentials/cred-patch", {
      body: { credential_values: { api_key: "sk-new-value-1234" }, credential_info: { note: "n" } },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { success: true, message: "Credential updated successfully" },
    });
    const read = await call(emu, "GET", "/credentials/by_name/cred-patch");
    expect(read.body).toEqual({
      credential_name: "cred-patch",
      credential_values: { api_key: "sk****34", api_base: "https://x.test" },
      credential_info: { custom_llm_provider: "openai", note: "n" },
    });
  });

  test("compat 1.80: PATCH needs all three fields (422) and replaces credential_info", async () => {
    const old = await startTestEmulator({ compat: "1.80" });
    try {
      await call(old, "POST", "/credentials", {
        body: {
          credential_name: "o",
          credential_info: { a: 1 },
          credential_values: { api_key: "abcdef" },
        },
      });
      expect(
        (await call(old, "PATCH", "/credentials/o", { body: { credential_values: {} } })).status,
      ).toBe(422);
      const ok = await call(old, "PATCH", "/credentials/o", {
        body: { credential_name: "o", credential_info: { b: 2 }, credential_values: {} },
      });
      expect(ok.status).toBe(200);
      expect((await call(old, "GET", "/credentials/by_name/o")).body.credential_info).toEqual({
        b: 2,
      });
    } finally {
      await old.close();
    }
  });

  test("PATCH of a missing credential → HTTP 200 with an error body (the quirk)", async () => {
    const res = await call(emu, "PATCH", "/credentials/ghost", {
      body: { credential_values: { api_key: "x" } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: "404",
      message: "Credential not found. Got credential name: ghost",
    });
    expect(res.body.success).toBeUndefined();
  });

  test("DELETE → 200 success; again → 200 with an error body", async () => {
    await create("cred-del");
    const first = await call(emu, "DELETE", "/credentials/cred-del");
    expect(first).toMatchObject({
      status: 200,
      body: { success: true, message: "Credential deleted successfully" },
    });
    const second = await call(emu, "DELETE", "/credentials/cred-del");
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ code: "404", headers: {} });
  });
});
