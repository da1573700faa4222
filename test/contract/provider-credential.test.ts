/**
 * Contract of the ProviderCredential provider against the real LiteLLM: create, read without a
 * diff, update of every updatable field, out-of-band changes, delete, delete of something gone,
 * ownership (a name that already exists: refused, adopted, or this create's own lost response,
 * through the fault proxy), owner tag updates.
 */
import { describe, expect, it } from "vitest";
import {
  configureAdminTuning,
  credential,
  type CredentialInputs,
} from "../../components/admin/impl";
import {
  IN_PLACE_UPDATE,
  admin,
  conn,
  gatewaySql,
  unique,
  useFaultProxy,
  useTuning,
} from "./helpers";
import { rejection } from "../support/errors";

const tuned = useTuning();
const faults = useFaultProxy();

function inputs(overrides: Partial<CredentialInputs> = {}): CredentialInputs {
  const name = overrides.name ?? unique("cred");
  return {
    ...conn(),
    name,
    provider: "openai",
    owner: `litellm-stack/contract/gw-credential-${name}`,
    values: { api_key: "sk-provider-secret-0001", api_base: "https://api.example.invalid/v1" },
    ...overrides,
  };
}

async function credentialNames(): Promise<string[]> {
  const res = await admin("GET", "/credentials");
  expect(res.status).toBe(200);
  const list = res.body["credentials"];
  expect(Array.isArray(list)).toBe(true);
  return (list as Array<{ credential_name: string }>).map((c) => c.credential_name);
}

/** The credential as LiteLLM shows it (values masked). */
async function stored(name: string): Promise<{
  credential_info: Record<string, unknown>;
  credential_values: Record<string, unknown>;
}> {
  const res = await admin("GET", `/credentials/by_name/${encodeURIComponent(name)}`);
  expect(res.status).toBe(200);
  return res.body as {
    credential_info: Record<string, unknown>;
    credential_values: Record<string, unknown>;
  };
}

/** What an operator does in the UI or with the admin API: a credential of that name. */
async function makeByHand(name: string, info: Record<string, unknown>): Promise<void> {
  const res = await admin("POST", "/credentials", {
    credential_name: name,
    credential_info: info,
    credential_values: {
      api_key: "sk-made-by-hand-0001",
      api_base: "https://hand.example.invalid",
    },
  });
  expect(res.status).toBe(200);
}

/** The writes (not GETs) the fault proxy saw on /credentials: method, fault, status. */
function writes(): unknown[][] {
  return faults.proxy
    .requests()
    .filter((r) => r.path.startsWith("/credentials") && r.method !== "GET")
    .map((r) => [r.method, r.fault, r.status]);
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

  it("rejects an unknown provider (with a suggestion from the live list), an empty name, empty values and a non-boolean adopt", async () => {
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
    expect((await check({ adopt: "yes" })).failures).toEqual([
      { property: "adopt", reason: "adopt must be true or false" },
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
    expect(props.values).toEqual({ ...first.values, api_key: "sk****99" });
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

describe("ProviderCredential ownership on the real gateway", () => {
  const fix = (name: string, tag: string) =>
    `ProviderCredential "${name}": a credential named "${name}" already exists on the gateway and was not created by this stack (${tag}). ` +
    `Fix: set adopt: true on this credential (stack config: the "adopt" field of its entry in credentials) to take it over (the stack then overwrites its values and deletes it on destroy), or rename the declared credential.`;

  it("writes the owner tag into credential_info at create", async () => {
    const first = inputs();
    await credential.create(first);
    expect((await stored(first.name)).credential_info).toEqual({
      litellm_provider: "openai",
      custom_llm_provider: "openai",
      pulumi_owner: first.owner,
    });
  });

  it.each([
    [
      "made by hand (no owner tag)",
      { custom_llm_provider: "OpenAI" },
      "it has no pulumi_owner tag",
    ],
    [
      "tagged by another stack",
      { custom_llm_provider: "openai", pulumi_owner: "litellm-stack/other/gw-credential-x" },
      'its pulumi_owner tag is "litellm-stack/other/gw-credential-x"',
    ],
  ])(
    "fails create on an existing credential %s with a message naming it and the fix, and leaves it untouched",
    async (_what, info, tag) => {
      const first = inputs();
      await makeByHand(first.name, info);
      const err = await rejection(credential.create(first));
      expect(err.message).toBe(fix(first.name, tag));
      const after = await stored(first.name);
      expect(after.credential_info).toEqual(info);
      expect(after.credential_values).toEqual({
        api_key: "sk****01",
        api_base: "https://hand.example.invalid",
      });
    },
  );

  it.each([
    [
      "the same value keys, by PATCH",
      { api_key: "sk-adopted-0002", api_base: "https://new.example.invalid" },
      [
        ["POST", undefined, 409],
        ["PATCH", undefined, 200],
      ],
    ],
    [
      "a stored api_base the declaration lacks, by DELETE and POST",
      { api_key: "sk-adopted-0002" },
      [
        ["POST", undefined, 409],
        ["DELETE", undefined, 200],
        ["POST", undefined, 200],
      ],
    ],
  ])(
    "with adopt: true takes over a hand-made credential with %s: exactly the declared values, provider and owner tag; reads back without a diff; delete removes it",
    async (_what, values, calls) => {
      const first = inputs({
        ...conn(faults.proxy.url),
        provider: "anthropic",
        values,
        adopt: true,
      });
      await makeByHand(first.name, { custom_llm_provider: "OpenAI", note: "made in the UI" });
      const { id, outs } = await credential.create(first);
      expect(id).toBe(first.name);
      expect(writes()).toEqual(calls);
      const now = await stored(first.name);
      expect(now.credential_values).toEqual({ ...values, api_key: "sk****02" });
      expect(now.credential_info).toMatchObject({
        litellm_provider: "anthropic",
        custom_llm_provider: "anthropic",
        pulumi_owner: first.owner,
      });
      const read = await credential.read(id, outs);
      expect(read.props).toEqual(outs);
      expect((await credential.diff(id, read.props, first)).changes).toBe(false);
      await credential.delete(id, outs);
      expect(await credentialNames()).not.toContain(first.name);
    },
  );

  it("converges when create runs again for a credential it already created (an engine retry after a crash)", async () => {
    const first = inputs();
    await credential.create(first);
    const { id, outs } = await credential.create(first);
    expect((await credentialNames()).filter((n) => n === id)).toHaveLength(1);
    expect((await credential.read(id, outs)).props).toEqual(outs);
  });

  it("updates an owner change in place and rewrites the owner tag", async () => {
    const first = inputs();
    const { id, outs } = await credential.create(first);
    const news = { ...first, owner: "litellm-stack/renamed-stack/gw-credential-x" };
    expect(await credential.diff(id, outs, news)).toEqual(IN_PLACE_UPDATE);
    await credential.update(id, outs, news);
    expect((await stored(id)).credential_info["pulumi_owner"]).toBe(
      "litellm-stack/renamed-stack/gw-credential-x",
    );
  });
});

describe("ProviderCredential faults in front of the real gateway", () => {
  it("converges without adopt after a lost response on create: the retried POST meets 409 on its own owner tag and PATCHes, leaving one credential", async () => {
    faults.proxy.setFaults({
      rules: [{ method: "POST", path: "/credentials", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs(conn(faults.proxy.url));
    const { id, outs } = await credential.create(first);
    expect(writes()).toEqual([
      ["POST", "drop_after_commit", undefined],
      ["POST", undefined, 409],
      ["PATCH", undefined, 200],
    ]);
    expect((await credentialNames()).filter((n) => n === id)).toHaveLength(1);
    expect((await stored(id)).credential_info["pulumi_owner"]).toBe(first.owner);
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

/** Renames a credential in the gateway's database only: its API keeps the old name until it reloads. */
async function renameInDatabase(from: string, to: string): Promise<void> {
  expect(/^[a-z0-9-]+$/.test(from) && /^[a-z0-9-]+$/.test(to)).toBe(true);
  const updated = await gatewaySql(
    `UPDATE "LiteLLM_CredentialsTable" SET credential_name = '${to}' WHERE credential_name = '${from}' RETURNING 1`,
  );
  expect(updated).toBe("1");
}

/**
 * Waits for the gateway's next reload of its credentials from the database (LiteLLM: every 30 s),
 * seen as a credential renamed in the database showing under its new name. Right after it, the
 * next reload is about 30 s away.
 */
async function nextReload(): Promise<void> {
  const before = unique("reload");
  await makeByHand(before, {});
  await renameInDatabase(before, `${before}-db`);
  const deadline = Date.now() + 60_000;
  while (!(await credentialNames()).includes(`${before}-db`)) {
    expect(Date.now(), "the gateway did not reload its credentials within 60 s").toBeLessThan(
      deadline,
    );
    await new Promise((r) => setTimeout(r, 200));
  }
  expect((await admin("DELETE", `/credentials/${before}-db`)).status).toBe(200);
}

/**
 * A credential of `first`'s name and owner that the gateway's database holds and its API does
 * not show, as LiteLLM's reload leaves one created while it ran (the reload read the table first,
 * then dropped from memory what that read did not hold): made through the API under another
 * name, renamed in the database.
 */
async function hiddenCredential(first: CredentialInputs): Promise<void> {
  await makeByHand(`${first.name}-api`, {
    litellm_provider: "openai",
    custom_llm_provider: "openai",
    pulumi_owner: first.owner,
  });
  await renameInDatabase(`${first.name}-api`, first.name);
  expect((await admin("GET", `/credentials/by_name/${first.name}`)).status).toBe(404);
}

/** The by_name reads of `name` the fault proxy saw, as their statuses. */
function byNameReads(name: string): Array<number | undefined> {
  return faults.proxy
    .requests()
    .filter((r) => r.method === "GET" && r.path === `/credentials/by_name/${name}`)
    .map((r) => r.status);
}

describe("ProviderCredential when the gateway's reads lag its database (LiteLLM's 30 s credential reload)", () => {
  it("create: a credential its database holds and its API hides past the grace fails with a message naming both and the fix", async () => {
    await nextReload();
    configureAdminTuning({ credentialVisibilityGraceMs: 1_000 });
    const first = inputs(conn(faults.proxy.url));
    await hiddenCredential(first);
    const error = await rejection(credential.create(first));
    expect(error.message).toContain(
      `ProviderCredential "${first.name}": the gateway's database holds a credential of this name (POST /credentials calls it taken) but its API has not shown it for 1 s. Fix: run up again; if this persists, restart the gateway`,
    );
    expect(writes()).toEqual([
      ["POST", undefined, 409],
      ["POST", undefined, 409],
    ]);
    expect(byNameReads(first.name).length).toBeGreaterThan(1);
    expect(byNameReads(first.name).every((s) => s === 404)).toBe(true);
    expect((await admin("DELETE", `/credentials/${first.name}`)).status).toBe(200);
  });

  it("create: its own credential that the database holds and the API does not show yet is awaited until the reload shows it, then PATCHed: one credential, read clean", async () => {
    await nextReload();
    const first = inputs(conn(faults.proxy.url));
    await hiddenCredential(first);
    const { id, outs } = await credential.create(first);
    expect(writes()).toEqual([
      ["POST", undefined, 409],
      ["PATCH", undefined, 200],
    ]);
    const reads = byNameReads(id);
    expect(reads[0]).toBe(404);
    expect(reads.at(-1)).toBe(200);
    expect(tuned.lines.join("\n")).toContain(
      `ProviderCredential "${id}": the gateway says it exists but does not list it yet`,
    );
    expect((await credentialNames()).filter((n) => n === id || n === `${id}-api`)).toEqual([id]);
    expect((await stored(id)).credential_info["pulumi_owner"]).toBe(first.owner);
    expect((await credential.read(id, outs)).props).toEqual(outs);
  });
});
