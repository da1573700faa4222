/**
 * Contract of the VirtualKey provider against the real LiteLLM: create, read without a diff,
 * update of every updatable field, out-of-band changes, rotation, delete, delete of something
 * gone, lost responses (through the fault proxy). Keys are tried for real on a mock model.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { model, virtualKey, type KeyInputs } from "../../components/admin/impl";
import { IN_PLACE_UPDATE, admin, conn, gateway, unique, useFaultProxy, useTuning } from "./helpers";

const log = useTuning();
const faults = useFaultProxy();
/** Public names of two mock models the keys may use (answer without any provider). */
const MODELS = { a: unique("mock-a"), b: unique("mock-b") };

beforeAll(async () => {
  for (const name of Object.values(MODELS)) {
    await model.create({
      ...conn(),
      modelId: unique("contract-key-model"),
      publicName: name,
      target: "openai/gpt-4o-mini",
      params: { mock_response: `hello from ${name}` },
    });
  }
});

function inputs(overrides: Partial<KeyInputs> = {}): KeyInputs {
  const alias = unique("svc");
  return {
    ...conn(),
    owner: `contract/${alias}`,
    alias,
    models: [MODELS.a],
    duration: "30d",
    maxBudget: 10,
    rpmLimit: 60,
    tpmLimit: 1000,
    metadata: { team: "x" },
    ...overrides,
  };
}

/** What the gateway answers a chat completion made with `key` on `modelName`. */
async function chat(key: string, modelName: string): Promise<number> {
  const res = await fetch(`${gateway().url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: modelName, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.text();
  return res.status;
}

async function info(token: string): Promise<Record<string, unknown>> {
  const res = await admin("GET", `/key/info?key=${token}`);
  return (res.body["info"] ?? {}) as Record<string, unknown>;
}

async function tokensWithAlias(alias: string): Promise<string[]> {
  const res = await admin(
    "GET",
    `/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true&size=100`,
  );
  const keys = (res.body["keys"] ?? []) as Array<{ token?: string }>;
  return keys.map((k) => k.token ?? "");
}

describe("VirtualKey check", () => {
  const check = (news: Record<string, unknown>) =>
    virtualKey.check({}, { ...conn(), owner: "o", alias: "a", models: [], ...news });

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
    expect((await check({ duration: "1y" })).failures).toEqual([
      { property: "duration", reason: "duration must be a number followed by s, m, h, d, w or mo" },
    ]);
    expect((await check({ maxBudget: -1, rpmLimit: -2, tpmLimit: -3 })).failures).toEqual([
      { property: "maxBudget", reason: "maxBudget must not be negative" },
      { property: "rpmLimit", reason: "rpmLimit must not be negative" },
      { property: "tpmLimit", reason: "tpmLimit must not be negative" },
    ]);
  });
});

describe("VirtualKey CRUD on the real gateway", () => {
  it("creates a key whose id is the sha256 of the provider-chosen raw key, and the key works", async () => {
    const { id, outs } = await virtualKey.create(inputs());
    expect(outs.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(id).toBe(createHash("sha256").update(outs.key).digest("hex"));
    expect(outs.token).toBe(id);
    expect(outs.expires).toMatch(/^\d{4}-/);
    expect(await chat(outs.key, MODELS.a)).toBe(200);
    expect(await chat(outs.key, MODELS.b)).not.toBe(200);
  });

  it("reads back exactly what it wrote (no diff after refresh)", async () => {
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const read = await virtualKey.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await virtualKey.diff(id, read.props, first)).changes).toBe(false);
  });

  it("updates alias, models, limits, metadata and owner in place, keeps the raw key, and reads back", async () => {
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const news: KeyInputs = {
      ...first,
      owner: `${first.owner}-renamed-stack`,
      alias: `${first.alias}-renamed`,
      models: [MODELS.a, MODELS.b],
      maxBudget: 20,
      rpmLimit: 120,
      tpmLimit: 5000,
      metadata: { team: "y", cost_center: "42" },
    };
    expect(await virtualKey.diff(id, outs, news)).toEqual(IN_PLACE_UPDATE);
    const { outs: updated } = await virtualKey.update(id, outs, news);
    expect(updated.key).toBe(outs.key);
    expect(await info(id)).toMatchObject({
      key_alias: news.alias,
      models: news.models,
      max_budget: 20,
      rpm_limit: 120,
      tpm_limit: 5000,
      metadata: { team: "y", cost_center: "42", pulumi_owner: news.owner },
    });
    const read = await virtualKey.read(id, updated);
    expect(read.props).toEqual(updated);
    expect((await virtualKey.diff(id, read.props, news)).changes).toBe(false);
    expect(await chat(outs.key, MODELS.b)).toBe(200);
  });

  it("moves a key into a team and out again in place (teamId), and reads it back", async () => {
    const team = await admin("POST", "/team/new", { team_alias: unique("contract-team") });
    expect(team.status, JSON.stringify(team.body)).toBe(200);
    const teamId = String(team.body["team_id"]);
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const inTeam = { ...first, teamId };
    expect((await virtualKey.diff(id, outs, inTeam)).changes).toBe(true);
    const { outs: moved } = await virtualKey.update(id, outs, inTeam);
    expect((await info(id))["team_id"]).toBe(teamId);
    expect((await virtualKey.read(id, moved)).props).toEqual(moved);
    const { teamId: _t, ...noTeam } = inTeam;
    const { outs: back } = await virtualKey.update(id, moved, noTeam);
    expect((await info(id))["team_id"]).toBeNull();
    expect((await virtualKey.read(id, back)).props).toEqual(back);
  });

  it("writes an owner change alone (e.g. after a stack rename), so a later rotation still recognises the key", async () => {
    const first = inputs({ rotation: "1" });
    const { id, outs } = await virtualKey.create(first);
    const renamed = { ...first, owner: `${first.owner}-renamed` };
    const { outs: updated } = await virtualKey.update(id, outs, renamed);
    expect((await info(id))["metadata"]).toMatchObject({ pulumi_owner: renamed.owner });
    const rotated = await virtualKey.create({ ...renamed, rotation: "2" });
    await virtualKey.delete(id, updated);
    expect(await tokensWithAlias(first.alias)).toEqual([rotated.id]);
  });

  it("changes the duration in place (a new expiry) and removing it makes the key never expire", async () => {
    const first = inputs({ duration: "1d" });
    const { id, outs } = await virtualKey.create(first);
    const longer = { ...first, duration: "60d" };
    const { outs: extended } = await virtualKey.update(id, outs, longer);
    expect(Date.parse(extended.expires ?? "")).toBeGreaterThan(Date.parse(outs.expires ?? ""));
    expect((await virtualKey.read(id, extended)).props).toEqual(extended);
    const { duration: _d, ...forever } = longer;
    const { outs: never } = await virtualKey.update(id, extended, forever);
    expect(never.expires).toBeNull();
    expect((await info(id))["expires"]).toBeNull();
    expect((await virtualKey.read(id, never)).props).toEqual(never);
  });

  it("detects limits, models and alias changed by hand", async () => {
    const first = inputs();
    const { id, outs } = await virtualKey.create(first);
    const res = await admin("POST", "/key/update", {
      key: id,
      rpm_limit: 999,
      models: [MODELS.b],
      key_alias: `${first.alias}-by-hand`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { props } = await virtualKey.read(id, outs);
    expect(props.rpmLimit).toBe(999);
    expect(props.models).toEqual([MODELS.b]);
    expect(props.alias).toBe(`${first.alias}-by-hand`);
    expect((await virtualKey.diff(id, props, first)).changes).toBe(true);
  });

  it("reads a key deleted by hand as gone", async () => {
    const { id, outs } = await virtualKey.create(inputs());
    expect((await admin("POST", "/key/delete", { keys: [id] })).status).toBe(200);
    expect((await virtualKey.read(id, outs)).id).toBe("");
  });

  it("deletes (the key stops working), then reads as gone, and tolerates a second delete", async () => {
    const { id, outs } = await virtualKey.create(inputs());
    await virtualKey.delete(id, outs);
    expect(await chat(outs.key, MODELS.a)).toBe(401);
    expect((await virtualKey.read(id, outs)).id).toBe("");
    await expect(virtualKey.delete(id, outs)).resolves.toBeUndefined();
  });

  it("refuses an alias held by a key it does not manage", async () => {
    const alias = unique("foreign-alias");
    expect((await admin("POST", "/key/generate", { key_alias: alias })).status).toBe(200);
    await expect(virtualKey.create(inputs({ alias }))).rejects.toThrow(
      `VirtualKey alias "${alias}" is already used by a key this stack does not manage; pick another alias or delete that key.`,
    );
  });
});

describe("VirtualKey rotation on the real gateway", () => {
  it("replaces create-before-delete on a new rotation value, without a dead-key window", async () => {
    const first = inputs({ rotation: "1" });
    const old = await virtualKey.create(first);
    const news = { ...first, rotation: "2" };
    expect(await virtualKey.diff(old.id, old.outs, news)).toEqual({
      changes: true,
      replaces: ["rotation"],
      deleteBeforeReplace: false,
    });
    const fresh = await virtualKey.create(news);
    expect(fresh.outs.key).not.toBe(old.outs.key);
    expect(fresh.outs.alias).toBe(first.alias);
    expect(await chat(old.outs.key, MODELS.a)).toBe(200);
    expect(await chat(fresh.outs.key, MODELS.a)).toBe(200);
    await virtualKey.delete(old.id, old.outs);
    expect(await chat(old.outs.key, MODELS.a)).toBe(401);
    expect(await chat(fresh.outs.key, MODELS.a)).toBe(200);
    expect(await tokensWithAlias(first.alias)).toEqual([fresh.id]);
  });
});

describe("VirtualKey faults in front of the real gateway", () => {
  it("retries a 503 with Retry-After on generate and creates exactly one key", async () => {
    faults.proxy.setFaults({
      rules: [
        { path: "/key/generate", action: "error", status: 503, retryAfterSeconds: 0, times: 2 },
      ],
    });
    const first = inputs(conn(faults.proxy.url));
    const { id } = await virtualKey.create(first);
    expect(faults.proxy.requests().filter((r) => r.fault === "error")).toHaveLength(2);
    expect(await tokensWithAlias(first.alias)).toEqual([id]);
  });

  it("leaves exactly one key after a lost response on generate", async () => {
    faults.proxy.setFaults({
      rules: [{ path: "/key/generate", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs(conn(faults.proxy.url));
    const { id, outs } = await virtualKey.create(first);
    const generates = faults.proxy.requests().filter((r) => r.path === "/key/generate");
    expect(generates[0]?.fault).toBe("drop_after_commit");
    expect(await tokensWithAlias(first.alias)).toEqual([id]);
    expect(outs.expires).toMatch(/^\d{4}-/);
    expect(await chat(outs.key, MODELS.a)).toBe(200);
  });

  it("retries a reset connection and a timeout on read, logging neither the master key nor the raw key", async () => {
    const { id, outs } = await virtualKey.create(inputs(conn(faults.proxy.url)));
    faults.proxy.setFaults({
      rules: [
        { path: "/key/info", action: "reset", times: 1 },
        { path: "/key/info", action: "timeout", times: 1 },
      ],
    });
    expect((await virtualKey.read(id, outs)).id).toBe(id);
    expect(log.lines.filter((l) => l.includes("/key/info"))).toHaveLength(2);
    expect(log.lines.join("\n")).not.toContain(gateway().masterKey);
    expect(log.lines.join("\n")).not.toContain(outs.key);
  });
});
