import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { virtualKey, type KeyInputs } from "../../components/admin/impl";
import { call } from "../emulator/testing";
import { emulator, useEmulator, logLines, TEST_MASTER_KEY } from "./helpers";

const shared = useEmulator();

let n = 0;
function inputs(overrides: Partial<KeyInputs> = {}): KeyInputs {
  n++;
  return {
    ...shared.conn,
    owner: `dev/key-${n}`,
    alias: `svc-${n}`,
    models: ["gpt-4o"],
    duration: "30d",
    maxBudget: 10,
    rpmLimit: 60,
    tpmLimit: 1000,
    metadata: { team: "x" },
    ...overrides,
  };
}

async function listAlias(alias: string): Promise<unknown[]> {
  const res = await call(shared.emu, "GET", `/key/list?key_alias=${alias}&return_full_object=true`);
  return res.body.keys as unknown[];
}

describe("VirtualKey check", () => {
  const check = (news: Record<string, unknown>) =>
    virtualKey.check({}, { ...shared.conn, owner: "o", alias: "a", models: [], ...news });

  it("accepts a valid key", async () => {
    expect((await check({ duration: "1mo", maxBudget: 0 })).failures).toEqual([]);
  });

  it("rejects an empty alias, a reserved alias, a bad duration and negative limits", async () => {
    expect((await check({ alias: " " })).failures).toEqual([
      { property: "alias", reason: "alias must not be empty" },
    ]);
    expect((await check({ alias: "agyn_key" })).failures).toEqual([
      {
        property: "alias",
        reason:
          'alias "agyn_key" is reserved by the consuming server (reserved: agyn_key, agents-service)',
      },
    ]);
    expect((await check({ alias: "agents-service" })).failures[0]?.property).toBe("alias");
    expect((await check({ duration: "1y" })).failures).toEqual([
      {
        property: "duration",
        reason: "duration must be a number followed by s, m, h, d, w or mo",
      },
    ]);
    expect((await check({ maxBudget: -1, rpmLimit: -2, tpmLimit: -3 })).failures).toEqual([
      { property: "maxBudget", reason: "maxBudget must not be negative" },
      { property: "rpmLimit", reason: "rpmLimit must not be negative" },
      { property: "tpmLimit", reason: "tpmLimit must not be negative" },
    ]);
    expect((await check({ models: ["ok", ""] })).failures).toEqual([
      { property: "models.1", reason: "models[] must not be empty" },
    ]);
  });

  it("lets unknown (preview) values through", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect((await check({ adminUrl: unknown, maxBudget: unknown })).failures).toEqual([]);
  });
});

describe("VirtualKey CRUD", () => {
  it("creates a key whose id is the sha256 of the provider-chosen raw key", async () => {
    const { id, outs } = await virtualKey.create(inputs());
    expect(outs.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(id).toBe(createHash("sha256").update(outs.key).digest("hex"));
    expect(outs.token).toBe(id);
    expect(outs.expires).toMatch(/^\d{4}-/);
    // the key authenticates
    const res = await call(shared.emu, "GET", "/v1/models", { key: outs.key });
    expect(res.status).toBe(200);
  });

  it("reads back exactly what it wrote (no diff after refresh)", async () => {
    const { id, outs } = await virtualKey.create(inputs({ teamId: "team-1" }));
    const read = await virtualKey.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await virtualKey.diff(id, read.props, inputs({ ...outs }))).changes).toBe(false);
  });

  it("updates limits in place and keeps the raw key", async () => {
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const news = { ...first, maxBudget: 20, models: ["a", "b"], alias: `${first.alias}-renamed` };
    const d = await virtualKey.diff(id, outs, news);
    expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs: updated } = await virtualKey.update(id, outs, news);
    expect(updated.key).toBe(outs.key);
    const info = await call(shared.emu, "GET", `/key/info?key=${id}`);
    expect(info.body.info).toMatchObject({
      max_budget: 20,
      models: ["a", "b"],
      key_alias: news.alias,
    });
    expect((await virtualKey.read(id, updated)).props).toEqual(updated);
  });

  it("detects out-of-band changes on read", async () => {
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    await call(shared.emu, "POST", "/key/update", {
      body: { key: id, rpm_limit: 999, models: ["z"] },
    });
    const { props } = await virtualKey.read(id, outs);
    expect(props.rpmLimit).toBe(999);
    expect(props.models).toEqual(["z"]);
    expect((await virtualKey.diff(id, props, first)).changes).toBe(true);
  });

  it("reads a deleted key as gone and deletes twice without error", async () => {
    const { id, outs } = await virtualKey.create(inputs());
    await virtualKey.delete(id, outs);
    expect((await virtualKey.read(id, outs)).id).toBe("");
    await expect(virtualKey.delete(id, outs)).resolves.toBeUndefined();
  });

  it("fails on an alias held by a key it does not manage", async () => {
    await call(shared.emu, "POST", "/key/generate", { body: { key_alias: "foreign-alias" } });
    await expect(virtualKey.create(inputs({ alias: "foreign-alias" }))).rejects.toThrow(
      'VirtualKey alias "foreign-alias" is already used by a key this stack does not manage; pick another alias or delete that key.',
    );
  });
});

describe("VirtualKey rotation", () => {
  it("replaces create-before-delete on a new rotation value, without a dead-key window", async () => {
    const first = inputs({ rotation: "1" });
    const old = await virtualKey.create(first);
    const news = { ...first, rotation: "2" };
    expect(await virtualKey.diff(old.id, old.outs, news)).toEqual({
      changes: true,
      replaces: ["rotation"],
      deleteBeforeReplace: false,
    });
    // The engine creates the replacement first…
    const fresh = await virtualKey.create(news);
    expect(fresh.outs.key).not.toBe(old.outs.key);
    expect(fresh.outs.alias).toBe(first.alias);
    // …both keys work during the switch…
    expect((await call(shared.emu, "GET", "/v1/models", { key: old.outs.key })).status).toBe(200);
    expect((await call(shared.emu, "GET", "/v1/models", { key: fresh.outs.key })).status).toBe(200);
    const oldInfo = await call(shared.emu, "GET", `/key/info?key=${old.id}`);
    expect(oldInfo.body.info.key_alias).toBe(`${first.alias}.rotating.${old.id.slice(0, 8)}`);
    // …then deletes the old generation.
    await virtualKey.delete(old.id, old.outs);
    expect((await call(shared.emu, "GET", "/v1/models", { key: old.outs.key })).status).toBe(401);
    expect((await call(shared.emu, "GET", "/v1/models", { key: fresh.outs.key })).status).toBe(200);
    expect(await listAlias(first.alias)).toHaveLength(1);
  });
});

describe("VirtualKey faults", () => {
  it("retries a 503 on generate and creates exactly one key", async () => {
    shared.emu.setFaults({
      rules: [{ path: "/key/generate", action: "error", status: 503, times: 2 }],
    });
    const first = inputs();
    await virtualKey.create(first);
    expect(await listAlias(first.alias)).toHaveLength(1);
  });

  it("survives a lost response after commit (drop_after_commit) without a duplicate", async () => {
    shared.emu.setFaults({
      rules: [{ path: "/key/generate", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const keys = (await listAlias(first.alias)) as Array<{ token: string }>;
    expect(keys.map((k) => k.token)).toEqual([id]);
    expect(outs.expires).toMatch(/^\d{4}-/);
  });

  it("survives a lost response after commit without an alias conflict path (reject mode)", async () => {
    const other = await emulator({ existingKeyOnGenerate: "reject" });
    try {
      other.emu.setFaults({
        rules: [{ path: "/key/generate", action: "drop_after_commit", times: 1 }],
      });
      const { id } = await virtualKey.create({ ...inputs(), ...other.conn });
      const res = await call(other.emu, "GET", "/key/list");
      expect(res.body.keys).toEqual([id]);
    } finally {
      await other.emu.close();
    }
  });

  it("retries on a reset connection and on a timeout", async () => {
    shared.emu.setFaults({
      rules: [
        { path: "/key/info", action: "reset", times: 1 },
        { path: "/key/info", action: "latency", latencyMs: 2_500, times: 1 },
      ],
    });
    const { id, outs } = await virtualKey.create(inputs());
    shared.emu.setFaults({
      rules: [
        { path: "/key/info", action: "reset", times: 1 },
        { method: "GET", path: "/key/info", action: "latency", latencyMs: 2_500, times: 1 },
      ],
    });
    expect((await virtualKey.read(id, outs)).id).toBe(id);
    expect(logLines.some((l) => l.includes("/key/info"))).toBe(true);
    expect(logLines.join("\n")).not.toContain(TEST_MASTER_KEY);
    expect(logLines.join("\n")).not.toContain(outs.key);
  });
});
