/**
 * VirtualKey diff, check and update decisions that need no gateway: the server settings the
 * stack does not expose (block, routes, permissions, budget period, key type), state written
 * before they were read, and the provider's own metadata names.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  OUTPUT_SCHEMA_VERSION,
  configureAdminTuning,
  virtualKey,
  type KeyInputs,
  type KeyOutputs,
} from "../../components/admin/impl";

/** A URL nothing listens on: any API call fails the test. */
const UNREACHABLE = "http://127.0.0.1:9";

const news: KeyInputs = {
  adminUrl: UNREACHABLE,
  adminKey: "sk-master",
  owner: "proj/stack/key",
  alias: "svc",
  models: ["fast"],
  duration: "30d",
  maxBudget: 10,
  rotation: "1",
};

/** State as written before the server settings were read: none of the five fields. */
const legacy: KeyOutputs = {
  ...news,
  key: "sk-raw",
  token: "a".repeat(64),
  expires: "2027-01-01T00:00:00.000Z",
};

/** State as written now, with LiteLLM's defaults. */
const current: KeyOutputs = {
  ...legacy,
  blocked: false,
  allowedRoutes: [],
  keyType: "default",
  permissions: {},
  budgetDuration: null,
};

beforeEach(() => {
  configureAdminTuning({ maxAttempts: 1, timeoutMs: 1_000, readyTimeoutMs: 1_000 });
});

describe("VirtualKey diff of the server settings the stack does not expose", () => {
  it.each([
    ["state written before these settings were read", legacy],
    ["state with LiteLLM's defaults", current],
  ])("reports no change for %s against the same inputs", async (_what, olds) => {
    expect(await virtualKey.diff(olds.token, olds, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each<[string, Partial<KeyOutputs>]>([
    ["blocked", { blocked: true }],
    ["allowedRoutes", { allowedRoutes: ["/v1/models"] }],
    ["permissions", { permissions: { get_spend_routes: true } }],
    ["budgetDuration", { budgetDuration: "1d" }],
  ])("reports %s that differs from LiteLLM's default as an in-place update", async (_f, drift) => {
    const olds = { ...current, ...drift };
    expect(await virtualKey.diff(olds.token, olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("reports a keyType other than default as a delete-before-replace (POST /key/update cannot change it)", async () => {
    const olds = { ...current, keyType: "management" };
    expect(await virtualKey.diff(olds.token, olds, news)).toEqual({
      changes: true,
      replaces: ["keyType"],
      deleteBeforeReplace: true,
    });
  });

  it("reports a keyType other than default together with a new rotation as a create-before-delete", async () => {
    const olds = { ...current, keyType: "management" };
    expect(await virtualKey.diff(olds.token, olds, { ...news, rotation: "2" })).toEqual({
      changes: true,
      replaces: ["rotation", "keyType"],
      deleteBeforeReplace: false,
    });
  });
});

describe("VirtualKey update without a change to write", () => {
  it.each([
    ["legacy state", legacy],
    ["current state", current],
  ])(
    "makes no API call for %s whose only change is the admin key, and fills LiteLLM's defaults into the outputs",
    async (_what, olds) => {
      const { outs } = await virtualKey.update(olds.token, olds, { ...news, adminKey: "sk-new" });
      expect(outs).toEqual({
        ...current,
        adminKey: "sk-new",
        schemaVersion: OUTPUT_SCHEMA_VERSION,
      });
    },
  );
});

describe("VirtualKey check of metadata", () => {
  it("rejects metadata keys the provider writes itself (pulumi_owner, pulumi_generation)", async () => {
    const { failures } = await virtualKey.check(
      {},
      { ...news, metadata: { team: "x", pulumi_owner: "me", pulumi_generation: "9" } },
    );
    expect(failures).toEqual([
      {
        property: "metadata",
        reason:
          "metadata must not set pulumi_owner or pulumi_generation: the provider writes them to recognise its own keys (use `owner` and `rotation`)",
      },
    ]);
  });
});
