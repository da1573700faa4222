/**
 * Contract of the ProviderCredential provider against the real LiteLLM: create, read without a
 * diff, update of every updatable field, out-of-band changes, delete, delete of something gone,
 * lost response on create (through the fault proxy).
 */
import { describe, expect, it } from "vitest";
import { credential, type CredentialInputs } from "../../components/admin/impl";
import { IN_PLACE_UPDATE, admin, conn, unique, useFaultProxy, useTuning } from "./helpers";

useTuning();
const faults = useFaultProxy();

function inputs(overrides: Partial<CredentialInputs> = {}): CredentialInputs {
  return {
    ...conn(),
    name: unique("cred"),
    provider: "openai",
    values: { api_key: "sk-provider-secret-0001", api_base: "https://api.example.invalid/v1" },
    ...overrides,
  };
}

async function credentialNames(): Promise<string[]> {
  const res = await admin("GET", "/credentials");
  const list = (res.body["credentials"] ?? []) as Array<{ credential_name: string }>;
  return list.map((c) => c.credential_name);
}

describe("ProviderCredential check", () => {
  const check = (news: Record<string, unknown>) =>
    credential.check(
      {},
      { ...conn(), name: "c", provider: "openai", values: { api_key: "x" }, ...news },
    );

  it("maps historical provider aliases to the canonical key", async () => {
    for (const [raw, canonical] of [
      [" Azure_OpenAI ", "azure"],
      ["azure-ai-foundry", "azure_ai"],
      ["OPENAI", "openai"],
    ]) {
      const r = await check({ provider: raw });
      expect(r.failures).toEqual([]);
      expect(r.inputs.provider).toBe(canonical);
    }
  });

  it("rejects an unknown provider (with a suggestion from the live list), an empty name and empty values", async () => {
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
});

describe("ProviderCredential CRUD on the real gateway", () => {
  it("creates with the canonical provider, stores the values masked, and reads back without a diff", async () => {
    const first = inputs({ provider: "Azure_OpenAI" });
    const { id, outs } = await credential.create(first);
    expect(outs.provider).toBe("azure");
    const stored = await admin("GET", `/credentials/by_name/${encodeURIComponent(id)}`);
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).not.toContain("sk-provider-secret-0001");
    const read = await credential.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await credential.diff(id, read.props, { ...first, provider: "azure" })).changes).toBe(
      false,
    );
  });

  it("updates the values and the provider in place, and reads the update back without a diff", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    const news = {
      ...first,
      provider: "anthropic",
      values: { api_key: "sk-provider-secret-0002", api_base: "https://other.example.invalid" },
    };
    expect(await credential.diff(id, outs, news)).toEqual(IN_PLACE_UPDATE);
    const { outs: updated } = await credential.update(id, outs, news);
    const read = await credential.read(id, updated);
    expect(read.props).toEqual(updated);
    expect(read.props.provider).toBe("anthropic");
    expect((await credential.diff(id, read.props, news)).changes).toBe(false);
  });

  it("replaces on rename, and deletes first when a value key is dropped", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    expect((await credential.diff(id, outs, { ...first, name: "x" })).replaces).toEqual(["name"]);
    expect(
      await credential.diff(id, outs, { ...first, values: { api_key: "sk-provider-secret-0001" } }),
    ).toEqual({ changes: true, replaces: ["values"], deleteBeforeReplace: true });
  });

  it("detects a secret value changed by hand (through the masked form) and repairs it", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    const patched = await admin("PATCH", `/credentials/${encodeURIComponent(id)}`, {
      credential_name: id,
      credential_values: { api_key: "sk-rotated-by-hand-9999" },
      credential_info: { litellm_provider: "openai", custom_llm_provider: "openai" },
    });
    expect(patched.status).toBe(200);
    const { props } = await credential.read(id, outs);
    expect(props.values["api_key"]).not.toBe(first.values["api_key"]);
    expect((await credential.diff(id, props, first)).changes).toBe(true);
    const { outs: fixed } = await credential.update(id, props, first);
    expect((await credential.read(id, fixed)).props).toEqual(fixed);
  });

  it("detects a value key added by hand", async () => {
    const first = inputs({ values: { api_key: "sk-provider-secret-0003" } });
    const { id, outs } = await credential.create(first);
    await admin("PATCH", `/credentials/${encodeURIComponent(id)}`, {
      credential_name: id,
      credential_values: { api_key: "sk-provider-secret-0003", api_base: "https://evil.invalid" },
      credential_info: { litellm_provider: "openai", custom_llm_provider: "openai" },
    });
    const { props } = await credential.read(id, outs);
    expect(props.values["api_base"]).toBe("https://evil.invalid");
    expect((await credential.diff(id, props, first)).changes).toBe(true);
  });

  it("reads a credential deleted by hand as gone", async () => {
    const { id, outs } = await credential.create(inputs());
    expect((await admin("DELETE", `/credentials/${encodeURIComponent(id)}`)).status).toBe(200);
    expect((await credential.read(id, outs)).id).toBe("");
  });

  it("deletes, then reads as gone, and tolerates a second delete", async () => {
    const { id, outs } = await credential.create(inputs());
    await credential.delete(id, outs);
    expect(await credentialNames()).not.toContain(id);
    expect((await credential.read(id, outs)).id).toBe("");
    await expect(credential.delete(id, outs)).resolves.toBeUndefined();
  });

  it("handles names with characters that need URL encoding (#, ?, %, space)", async () => {
    const name = `${unique("cred")} #1?x=%41`;
    const { id, outs } = await credential.create(inputs({ name }));
    expect(id).toBe(name);
    expect(await credentialNames()).toContain(name);
    const read = await credential.read(id, outs);
    expect(read.id).toBe(name);
    expect(read.props).toEqual(outs);
    await credential.delete(id, outs);
    expect(await credentialNames()).not.toContain(name);
  });

  it("rejects an unknown provider at create against the live provider list", async () => {
    await expect(credential.create(inputs({ provider: "nope_ai" }))).rejects.toThrow(
      /provider: unknown provider "nope_ai"/,
    );
  });
});

describe("ProviderCredential faults in front of the real gateway", () => {
  it("converges to exactly one credential after a lost response on create", async () => {
    faults.proxy.setFaults({
      rules: [{ method: "POST", path: "/credentials", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs(conn(faults.proxy.url));
    const { id, outs } = await credential.create(first);
    const posts = faults.proxy.requests().filter((r) => r.method === "POST");
    expect(posts[0]?.fault).toBe("drop_after_commit");
    expect((await credentialNames()).filter((n) => n === id)).toHaveLength(1);
    expect((await credential.read(id, outs)).props).toEqual(outs);
  });

  it("retries 5xx and 429 with Retry-After on create, read, update and delete", async () => {
    const first = inputs(conn(faults.proxy.url));
    const flaky = (status: number) =>
      faults.proxy.setFaults({
        rules: [{ path: "/credentials*", action: "error", status, retryAfterSeconds: 0, times: 2 }],
      });
    flaky(500);
    const { id, outs } = await credential.create(first);
    flaky(429);
    expect((await credential.read(id, outs)).id).toBe(id);
    flaky(503);
    const news = { ...first, values: { ...first.values, api_key: "sk-provider-secret-0004" } };
    const { outs: updated } = await credential.update(id, outs, news);
    flaky(502);
    await credential.delete(id, updated);
    const fired = faults.proxy.requests().filter((r) => r.fault === "error");
    expect(fired).toHaveLength(8);
    expect(await credentialNames()).not.toContain(id);
  });
});
