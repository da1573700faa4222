import { describe, expect, it } from "vitest";
import { credential, type CredentialInputs } from "../../components/admin/impl";
import { call } from "../emulator/testing";
import { emulator, useEmulator } from "./helpers";

const shared = useEmulator();

let n = 0;
function inputs(overrides: Partial<CredentialInputs> = {}): CredentialInputs {
  n++;
  return {
    ...shared.conn,
    name: `cred-${n}`,
    provider: "openai",
    values: { api_key: "sk-provider-secret-0001", api_base: "https://api.example.invalid/v1" },
    ...overrides,
  };
}

describe("ProviderCredential check", () => {
  const check = (news: Record<string, unknown>) =>
    credential.check(
      {},
      { ...shared.conn, name: "c", provider: "openai", values: { api_key: "x" }, ...news },
    );

  it("maps historical aliases to the canonical key", async () => {
    for (const [raw, canonical] of [
      [" Azure_OpenAI ", "azure"],
      ["azure-ai-foundry", "azure_ai"],
      ["openai_chat_completions", "openai"],
      ["OPENAI", "openai"],
    ]) {
      const r = await check({ provider: raw });
      expect(r.failures).toEqual([]);
      expect(r.inputs.provider).toBe(canonical);
    }
  });

  it("rejects an unknown provider with a suggestion, and an empty name", async () => {
    expect((await check({ provider: "opanai" })).failures).toEqual([
      {
        property: "provider",
        reason: 'unknown provider "opanai"; did you mean openai? (see GET /public/providers)',
      },
    ]);
    expect((await check({ name: "" })).failures).toEqual([
      { property: "name", reason: "name must not be empty" },
    ]);
    expect((await check({ values: {} })).failures).toEqual([
      { property: "values", reason: "values must not be empty" },
    ]);
  });

  it("falls back to the built-in list when the proxy is unreachable", async () => {
    const offline = { adminUrl: "http://127.0.0.1:9", provider: "opanai" };
    expect((await check(offline)).failures[0]?.reason).toContain("did you mean openai?");
    expect((await check({ ...offline, provider: "nscale" })).failures).toEqual([]);
  });
});

describe("ProviderCredential CRUD", () => {
  it("creates with the canonical provider in credential_info and reads back without a diff", async () => {
    const first = inputs({ provider: "Azure_OpenAI" });
    const { id, outs } = await credential.create(first);
    expect(outs.provider).toBe("azure");
    const stored = await call(shared.emu, "GET", `/credentials/by_name/${id}`);
    expect(stored.body.credential_info).toEqual({
      litellm_provider: "azure",
      custom_llm_provider: "azure",
    });
    expect(stored.body.credential_values.api_key).toBe("sk****01");
    const read = await credential.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await credential.diff(id, read.props, { ...first, provider: "azure" })).changes).toBe(
      false,
    );
  });

  it("detects an out-of-band change of a secret value through the masked form", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    await call(shared.emu, "PATCH", `/credentials/${id}`, {
      body: { credential_values: { api_key: "sk-rotated-by-hand-9999" } },
    });
    const { props } = await credential.read(id, outs);
    expect(props.values["api_key"]).toBe("sk****99");
    expect(props.values["api_base"]).toBe(first.values["api_base"]);
    expect(await credential.diff(id, props, first)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const { outs: fixed } = await credential.update(id, props, first);
    expect((await credential.read(id, fixed)).props).toEqual(fixed);
  });

  it("replaces on rename, and delete-first when a value key is dropped", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    expect((await credential.diff(id, outs, { ...first, name: "x" })).replaces).toEqual(["name"]);
    expect(
      await credential.diff(id, outs, { ...first, values: { api_key: "sk-provider-secret-0001" } }),
    ).toEqual({ changes: true, replaces: ["values"], deleteBeforeReplace: true });
  });

  it("reads a deleted credential as gone and tolerates a second delete", async () => {
    const { id, outs } = await credential.create(inputs());
    await credential.delete(id, outs);
    expect((await credential.read(id, outs)).id).toBe("");
    await expect(credential.delete(id, outs)).resolves.toBeUndefined();
  });

  it("rejects an unknown provider at create against the live list", async () => {
    await expect(credential.create(inputs({ provider: "nope_ai" }))).rejects.toThrow(
      /provider: unknown provider "nope_ai"/,
    );
  });
});

describe("ProviderCredential faults", () => {
  it.each(["main", "1.84"] as const)(
    "converges after a lost response on create (compat %s)",
    async (compat) => {
      const other = await emulator({ compat });
      try {
        other.emu.setFaults({
          rules: [{ method: "POST", path: "/credentials", action: "drop_after_commit", times: 1 }],
        });
        const first = { ...inputs(), ...other.conn };
        const { id, outs } = await credential.create(first);
        const list = await call(other.emu, "GET", "/credentials");
        expect(
          list.body.credentials.map((c: { credential_name: string }) => c.credential_name),
        ).toEqual([id]);
        expect((await credential.read(id, outs)).props).toEqual(outs);
      } finally {
        await other.emu.close();
      }
    },
  );

  it("retries 5xx on every verb", async () => {
    const first = inputs();
    shared.emu.setFaults({
      rules: [{ path: "/credentials*", action: "error", status: 500, times: 2 }],
    });
    const { id, outs } = await credential.create(first);
    shared.emu.setFaults({
      rules: [{ path: "/credentials*", action: "error", status: 503, times: 2 }],
    });
    expect((await credential.read(id, outs)).id).toBe(id);
    shared.emu.setFaults({
      rules: [{ path: "/credentials*", action: "error", status: 503, times: 2 }],
    });
    await credential.delete(id, outs);
    shared.emu.setFaults(undefined);
    expect((await credential.read(id, outs)).id).toBe("");
  });
});
