import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RunningEmulator } from "./server";
import { call, startTestEmulator } from "./testing";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe("POST /key/generate", () => {
  test("returns the raw key once, sk- + 22 urlsafe chars; token = token_id = sha256(key)", async () => {
    const res = await call(emu, "POST", "/key/generate", {
      body: { key_alias: "gen-1", models: ["gpt-4o"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.key).toMatch(/^sk-[A-Za-z0-9_-]{22}$/);
    expect(res.body.token).toBe(sha256(res.body.key));
    expect(res.body.token_id).toBe(res.body.token);
    expect(res.body).toMatchObject({
      key_alias: "gen-1",
      models: ["gpt-4o"],
      key_name: `sk-...${res.body.key.slice(-4)}`,
      expires: null,
      created_by: "default_user_id",
      litellm_budget_table: null,
    });
  });

  test("the store keeps only the hash, never the raw key", async () => {
    const res = await call(emu, "POST", "/key/generate", { body: {} });
    const record = await emu.store.getKey(sha256(res.body.key));
    expect(record?.token).toBe(sha256(res.body.key));
    expect(JSON.stringify(record)).not.toContain(res.body.key);
  });

  test("caller-chosen sk- key is accepted", async () => {
    const res = await call(emu, "POST", "/key/generate", {
      body: { key: "sk-chosen-by-caller-0001" },
    });
    expect(res.status).toBe(200);
    expect(res.body.key).toBe("sk-chosen-by-caller-0001");
    expect(res.body.token).toBe(sha256("sk-chosen-by-caller-0001"));
  });

  test("caller-chosen key without sk- → 400", async () => {
    const res = await call(emu, "POST", "/key/generate", { body: { key: "not-a-virtual-key" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Invalid key format\. LiteLLM Virtual Key must start with 'sk-'\./,
    );
    expect(res.body.error.code).toBe("400");
  });

  test("duplicate key_alias → 400 with LiteLLM's exact body", async () => {
    await call(emu, "POST", "/key/generate", { body: { key_alias: "dup-alias" } });
    const res = await call(emu, "POST", "/key/generate", { body: { key_alias: "dup-alias" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message:
          "Key with alias 'dup-alias' already exists. Unique key aliases across all keys are required.",
        type: "bad_request_error",
        param: "key_alias",
        code: "400",
      },
    });
  });

  test("existing raw key again → 200 and the old row is unchanged (noop, issue #20494)", async () => {
    await call(emu, "POST", "/key/generate", { body: { key: "sk-repeat-0001", models: ["a"] } });
    const again = await call(emu, "POST", "/key/generate", {
      body: { key: "sk-repeat-0001", models: ["b"] },
    });
    expect(again.status).toBe(200);
    const info = await call(emu, "GET", "/key/info?key=sk-repeat-0001");
    expect(info.body.info.models).toEqual(["a"]);
  });

  test("existingKeyOnGenerate: reject → 400 for an existing raw key", async () => {
    const strict = await startTestEmulator({ existingKeyOnGenerate: "reject" });
    try {
      await call(strict, "POST", "/key/generate", { body: { key: "sk-repeat-0002" } });
      const again = await call(strict, "POST", "/key/generate", {
        body: { key: "sk-repeat-0002" },
      });
      expect(again.status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  test.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["30days", 30 * 86_400_000],
    ["1w", 604_800_000],
  ])("duration %s sets expires = now + %d ms", async (duration, ms) => {
    const before = Date.now();
    const res = await call(emu, "POST", "/key/generate", { body: { duration } });
    expect(res.status).toBe(200);
    const expires = Date.parse(res.body.expires);
    expect(expires).toBeGreaterThanOrEqual(before + ms - 1_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + ms + 1_000);
  });

  test("duration 1mo adds a calendar month", async () => {
    const res = await call(emu, "POST", "/key/generate", { body: { duration: "1mo" } });
    const expected = new Date();
    expected.setUTCMonth(expected.getUTCMonth() + 1);
    expect(Math.abs(Date.parse(res.body.expires) - expected.getTime())).toBeLessThan(5_000);
  });

  test.each(["1y", "30", "-1"])("bad duration %s → 500 (≥ 1.80.12)", async (duration) => {
    const res = await call(emu, "POST", "/key/generate", { body: { duration } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("500");
  });

  test("compat 1.80: unknown unit → 200 with expires at the next midnight UTC", async () => {
    const old = await startTestEmulator({ compat: "1.80" });
    try {
      const res = await call(old, "POST", "/key/generate", { body: { duration: "1y" } });
      expect(res.status).toBe(200);
      expect(res.body.expires).toMatch(/T00:00:00\.000Z$/);
    } finally {
      await old.close();
    }
  });

  test("negative max_budget → 400", async () => {
    const res = await call(emu, "POST", "/key/generate", { body: { max_budget: -1 } });
    expect(res.status).toBe(400);
  });
});

describe("GET /key/info", () => {
  test("by raw key or hash; never returns token or the raw key", async () => {
    const gen = await call(emu, "POST", "/key/generate", {
      body: { key_alias: "info-1", max_budget: 5 },
    });
    for (const asked of [gen.body.key, gen.body.token]) {
      const res = await call(emu, "GET", `/key/info?key=${asked}`);
      expect(res.status).toBe(200);
      expect(res.body.key).toBe(asked);
      expect(res.body.info).toMatchObject({ key_alias: "info-1", max_budget: 5 });
      expect(res.body.info).not.toHaveProperty("token");
      expect(JSON.stringify(res.body.info)).not.toContain(gen.body.key);
    }
  });

  test("a virtual key can read its own info without ?key", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: { key_alias: "self-info" } });
    const res = await call(emu, "GET", "/key/info", { key: gen.body.key });
    expect(res.status).toBe(200);
    expect(res.body.info.key_alias).toBe("self-info");
  });

  test("unknown key → 404 not_found_error", async () => {
    const res = await call(emu, "GET", "/key/info?key=sk-does-not-exist");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: {
        message: "Key not found in database",
        type: "not_found_error",
        param: "key",
        code: "404",
      },
    });
  });

  test("deleted key: newest main → 200 with info.status deleted; compat 1.84 → 404", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    await call(emu, "POST", "/key/delete", { body: { keys: [gen.body.key] } });
    const res = await call(emu, "GET", `/key/info?key=${gen.body.key}`);
    expect(res.status).toBe(200);
    expect(res.body.info.status).toBe("deleted");

    const pinned = await startTestEmulator({ compat: "1.84" });
    try {
      const g = await call(pinned, "POST", "/key/generate", { body: {} });
      await call(pinned, "POST", "/key/delete", { body: { keys: [g.body.key] } });
      expect((await call(pinned, "GET", `/key/info?key=${g.body.key}`)).status).toBe(404);
    } finally {
      await pinned.close();
    }
  });
});

describe("POST /key/update", () => {
  test("changes only the fields sent; response has key as passed and the token", async () => {
    const gen = await call(emu, "POST", "/key/generate", {
      body: { key_alias: "upd-1", models: ["m1"], max_budget: 1 },
    });
    const res = await call(emu, "POST", "/key/update", {
      body: { key: gen.body.key, models: ["m2"] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      key: gen.body.key,
      token: gen.body.token,
      models: ["m2"],
      max_budget: 1,
      key_alias: "upd-1",
    });
  });

  test("duration sets expires; null or -1 clears it", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    const set = await call(emu, "POST", "/key/update", {
      body: { key: gen.body.token, duration: "1h" },
    });
    expect(set.body.expires).not.toBeNull();
    const cleared = await call(emu, "POST", "/key/update", {
      body: { key: gen.body.token, duration: "-1" },
    });
    expect(cleared.body.expires).toBeNull();
  });

  test("key_alias stays unique (the key itself excluded) → 400", async () => {
    await call(emu, "POST", "/key/generate", { body: { key_alias: "taken-alias" } });
    const gen = await call(emu, "POST", "/key/generate", { body: { key_alias: "own-alias" } });
    const same = await call(emu, "POST", "/key/update", {
      body: { key: gen.body.key, key_alias: "own-alias" },
    });
    expect(same.status).toBe(200);
    const clash = await call(emu, "POST", "/key/update", {
      body: { key: gen.body.key, key_alias: "taken-alias" },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.param).toBe("key_alias");
  });

  test("unknown key → 404 with LiteLLM's (wrong) team message", async () => {
    const res = await call(emu, "POST", "/key/update", {
      body: { key: "sk-nope-nope", models: [] },
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      message: "{'error': 'Team not found, passed team_id=None'}",
      type: "auth_error",
      param: "None",
      code: "404",
    });
  });

  test("missing key → 422", async () => {
    expect((await call(emu, "POST", "/key/update", { body: { models: [] } })).status).toBe(422);
  });
});

describe("POST /key/delete", () => {
  test("by keys: 200 {deleted_keys: as sent}; the key stops working", async () => {
    const gen = await call(emu, "POST", "/key/generate", { body: {} });
    const res = await call(emu, "POST", "/key/delete", {
      body: { keys: [gen.body.key, "sk-missing-one"] },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { deleted_keys: [gen.body.key, "sk-missing-one"] },
    });
    expect((await call(emu, "GET", "/v1/models", { key: gen.body.key })).status).toBe(401);
  });

  test("by key_aliases frees the alias", async () => {
    await call(emu, "POST", "/key/generate", { body: { key_alias: "del-alias" } });
    const res = await call(emu, "POST", "/key/delete", { body: { key_aliases: ["del-alias"] } });
    expect(res).toMatchObject({ status: 200, body: { deleted_keys: ["del-alias"] } });
    expect(
      (await call(emu, "POST", "/key/generate", { body: { key_alias: "del-alias" } })).status,
    ).toBe(200);
  });

  test("nothing matches → 404 {'error': 'No keys found'}", async () => {
    const res = await call(emu, "POST", "/key/delete", { body: { keys: ["sk-none-at-all"] } });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ message: "{'error': 'No keys found'}", code: "404" });
  });

  test("neither keys nor key_aliases → 422", async () => {
    expect((await call(emu, "POST", "/key/delete", { body: {} })).status).toBe(422);
  });
});

describe("GET /key/list", () => {
  let own: RunningEmulator;
  beforeAll(async () => {
    own = await startTestEmulator();
    for (let i = 0; i < 12; i++) {
      await call(own, "POST", "/key/generate", { body: { key_alias: `list-${i}` } });
    }
  });
  afterAll(() => own.close());

  test("default: hashes, page 1 of size 10, numeric total_count", async () => {
    const res = await call(own, "GET", "/key/list");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_count: 12, current_page: 1, total_pages: 2 });
    expect(res.body.keys).toHaveLength(10);
    for (const k of res.body.keys) {
      expect(k).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test("paging: page 2 holds the rest", async () => {
    const res = await call(own, "GET", "/key/list?page=2&size=10");
    expect(res.body.keys).toHaveLength(2);
    expect(res.body.current_page).toBe(2);
  });

  test("key_alias filter with return_full_object=true", async () => {
    const res = await call(own, "GET", "/key/list?key_alias=list-3&return_full_object=true");
    expect(res.body.total_count).toBe(1);
    expect(res.body.keys[0]).toMatchObject({ key_alias: "list-3" });
    expect(res.body.keys[0].token).toMatch(/^[0-9a-f]{64}$/);
  });

  test("size over 100 or page 0 → 422", async () => {
    const big = await call(own, "GET", "/key/list?size=101");
    expect(big.status).toBe(422);
    expect(big.body.detail[0]).toMatchObject({ type: "less_than_equal", loc: ["query", "size"] });
    expect((await call(own, "GET", "/key/list?page=0")).status).toBe(422);
  });
});

describe("POST /key/regenerate", () => {
  test.each(["/key/regenerate", "/key/sk-abc/regenerate"])(
    "%s → 500 enterprise only",
    async (path) => {
      const res = await call(emu, "POST", path, { body: { key: "sk-abc" } });
      expect(res.status).toBe(500);
      expect(res.body.error.message).toMatch(/^Regenerating Virtual Keys is an Enterprise feature/);
    },
  );
});
