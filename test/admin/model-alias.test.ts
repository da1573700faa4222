import { describe, expect, it } from "vitest";
import { model, type ModelInputs } from "../../components/admin/impl";
import { call } from "../emulator/testing";
import { useEmulator } from "./helpers";

const shared = useEmulator();

let n = 0;
function inputs(overrides: Partial<ModelInputs> = {}): ModelInputs {
  n++;
  return {
    ...shared.conn,
    modelId: `litellm-dev-model-${n}`,
    publicName: `Fast Model ${n}`,
    target: "openai/gpt-4o-mini",
    params: { temperature: 0.2, api_base: "https://example.invalid/v1" },
    ...overrides,
  };
}

/** Every stored model id, read from the store (not subject to the visibility delay). */
async function storedIds(): Promise<string[]> {
  return (await shared.emu.store.listModels()).map((m) => m.modelId);
}

describe("ModelAlias check", () => {
  const check = (news: Record<string, unknown>) =>
    model.check(
      {},
      { ...shared.conn, modelId: "m", publicName: "p", target: "openai/gpt-4o", ...news },
    );

  it("normalizes the provider prefix of the target", async () => {
    const r = await check({ target: "Azure_OpenAI/my-deployment" });
    expect(r.failures).toEqual([]);
    expect(r.inputs.target).toBe("azure/my-deployment");
  });

  it("rejects empty names, malformed targets, unknown providers and secret params", async () => {
    expect((await check({ publicName: "" })).failures).toEqual([
      { property: "publicName", reason: "publicName must not be empty" },
    ]);
    expect((await check({ target: "gpt-4o" })).failures).toEqual([
      { property: "target", reason: 'target must be "<provider>/<model>", e.g. "openai/gpt-4o"' },
    ]);
    expect((await check({ target: "opneai/gpt-4o" })).failures).toEqual([
      {
        property: "target",
        reason: 'unknown provider "opneai"; did you mean openai? (see GET /public/providers)',
      },
    ]);
    expect((await check({ params: { api_key: "sk-x" } })).failures).toEqual([
      {
        property: "params.api_key",
        reason:
          "params.api_key looks like a secret; put it in a ProviderCredential and set credentialName",
      },
    ]);
  });
});

describe("ModelAlias CRUD", () => {
  it("creates a deployment under the deterministic id and reads it back without a diff", async () => {
    const first = inputs();
    const { id, outs } = await model.create(first);
    expect(id).toBe(first.modelId);
    const read = await model.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await model.diff(id, read.props, first)).changes).toBe(false);
  });

  it("ignores server-side defaults it does not manage", async () => {
    const first = inputs({ params: { temperature: 0.5 } });
    const { id, outs } = await model.create(first);
    await call(shared.emu, "PATCH", `/model/${id}/update`, {
      body: { litellm_params: { rpm: 10 } },
    });
    const read = await model.read(id, outs);
    expect((await model.diff(id, read.props, first)).changes).toBe(false);
  });

  it("renames and retargets in place; detaching a credential replaces delete-first", async () => {
    const first = inputs({ credentialName: "cred-a" });
    await call(shared.emu, "POST", "/credentials", {
      body: {
        credential_name: "cred-a",
        credential_info: {},
        credential_values: { api_key: "sk-abcdef" },
      },
    });
    const { id, outs } = await model.create(first);
    const news = { ...first, publicName: "renamed", target: "anthropic/claude-3-5-sonnet" };
    expect(await model.diff(id, outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const { outs: updated } = await model.update(id, outs, news);
    expect((await model.read(id, updated)).props).toEqual(updated);
    const { credentialName: _c, ...detached } = news;
    expect(await model.diff(id, updated, detached)).toEqual({
      changes: true,
      replaces: ["credentialName"],
      deleteBeforeReplace: true,
    });
    expect((await model.diff(id, updated, { ...news, modelId: "other" })).replaces).toEqual([
      "modelId",
    ]);
  });

  it("detects an out-of-band retarget on read", async () => {
    const first = inputs();
    const { id, outs } = await model.create(first);
    await call(shared.emu, "PATCH", `/model/${id}/update`, {
      body: { model_name: "hijacked", litellm_params: { model: "openai/gpt-3.5-turbo" } },
    });
    const { props } = await model.read(id, outs);
    expect(props.publicName).toBe("hijacked");
    expect(props.target).toBe("openai/gpt-3.5-turbo");
    expect((await model.diff(id, props, first)).changes).toBe(true);
  });

  it("reads a deleted model as gone and tolerates a second delete", async () => {
    const { id, outs } = await model.create(inputs());
    await model.delete(id, outs);
    const old = { ...outs, createdAt: "2000-01-01T00:00:00.000Z" };
    expect((await model.read(id, old)).id).toBe("");
    await expect(model.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("ModelAlias faults", () => {
  it("waits out the eventual-consistency window after create", async () => {
    shared.emu.setFaults({ modelInfoDelayMs: 300, rules: [] });
    const { id, outs } = await model.create(inputs());
    const started = Date.now();
    expect((await model.read(id, outs)).id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("does not duplicate on a lost response (drop_after_commit) or on 5xx", async () => {
    shared.emu.setFaults({
      modelInfoDelayMs: 200,
      rules: [{ path: "/model/new", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs();
    await model.create(first);
    shared.emu.setFaults({
      rules: [{ path: "/model/new", action: "error", status: 502, times: 2 }],
    });
    const second = inputs();
    await model.create(second);
    shared.emu.setFaults(undefined);
    const ids = await storedIds();
    expect(ids.filter((i) => i === first.modelId)).toHaveLength(1);
    expect(ids.filter((i) => i === second.modelId)).toHaveLength(1);
  });
});
