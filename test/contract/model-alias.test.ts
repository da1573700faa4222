/**
 * Contract of the ModelAlias provider against the real LiteLLM: create, read without a diff,
 * update of every updatable field, out-of-band changes, delete, delete of something gone, lost
 * response on create (through the fault proxy). Params LiteLLM masks or coerces are in
 * model-params.test.ts, drift that redirects traffic or credentials in model-drift.test.ts.
 */
import { describe, expect, it } from "vitest";
import { credential, model, type ModelInputs } from "../../components/admin/impl";
import {
  IN_PLACE_UPDATE,
  admin,
  conn,
  unique,
  useFaultProxy,
  useTuning,
  modelInputs,
} from "./helpers";

useTuning();
const faults = useFaultProxy();

const inputs = (overrides: Partial<ModelInputs> = {}): ModelInputs =>
  modelInputs(
    "Fast Model",
    { temperature: 0.2, mock_response: "hello from the contract suite" },
    overrides,
  );

/** Every deployment id the gateway has (`/model/info` without a filter). */
async function modelIds(): Promise<string[]> {
  const res = await admin("GET", "/model/info");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = res.body["data"] as Array<{ model_info: { id: unknown } }>;
  expect(Array.isArray(rows)).toBe(true);
  return rows.map((r) => {
    expect(typeof r.model_info.id).toBe("string");
    return r.model_info.id as string;
  });
}

async function patchByHand(id: string, body: Record<string, unknown>): Promise<void> {
  const res = await admin("PATCH", `/model/${encodeURIComponent(id)}/update`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe("ModelAlias check", () => {
  const check = (news: Record<string, unknown>) =>
    model.check({}, { ...conn(), modelId: "m", publicName: "p", target: "openai/gpt-4o", ...news });

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

describe("ModelAlias CRUD on the real gateway", () => {
  it("creates a deployment under the caller-chosen id, answers inference through it, and reads back equal to its outputs with no diff", async () => {
    const first = inputs();
    const { id, outs } = await model.create(first);
    expect(id).toBe(first.modelId);
    const read = await model.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await model.diff(id, read.props, first)).changes).toBe(false);
    const chat = await admin("POST", "/v1/chat/completions", {
      model: first.publicName,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(chat.status, JSON.stringify(chat.body)).toBe(200);
    expect(JSON.stringify(chat.body)).toContain("hello from the contract suite");
  });

  it("updates the public name, target, params and credential in place, and reads them back", async () => {
    const cred = await credential.create({
      ...conn(),
      name: unique("cred-for-model"),
      provider: "anthropic",
      values: { api_key: "sk-ant-contract-0001" },
    });
    const first = inputs();
    const { id, outs } = await model.create(first);
    const news: ModelInputs = {
      ...first,
      publicName: unique("renamed"),
      target: "anthropic/claude-3-5-sonnet",
      credentialName: cred.id,
      params: { temperature: 0.7, mock_response: "changed" },
    };
    expect(await model.diff(id, outs, news)).toEqual(IN_PLACE_UPDATE);
    const { outs: updated } = await model.update(id, outs, news);
    const read = await model.read(id, updated);
    expect(read.props).toEqual(updated);
    expect((await model.diff(id, read.props, news)).changes).toBe(false);
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

  it("reads a public name and target changed by hand, and diff reports an in-place update", async () => {
    const first = inputs();
    const { id, outs } = await model.create(first);
    await patchByHand(id, {
      model_name: "hijacked",
      litellm_params: { model: "openai/gpt-3.5-turbo" },
    });
    const { props } = await model.read(id, outs);
    expect(props.publicName).toBe("hijacked");
    expect(props.target).toBe("openai/gpt-3.5-turbo");
    expect(await model.diff(id, props, first)).toEqual(IN_PLACE_UPDATE);
  });

  it("reads a declared param changed by hand, and diff reports an in-place update", async () => {
    const first = inputs();
    const { id, outs } = await model.create(first);
    await patchByHand(id, { litellm_params: { temperature: 0.9 } });
    const { props } = await model.read(id, outs);
    expect(props.params).toEqual({ ...first.params, temperature: 0.9 });
    expect(await model.diff(id, props, first)).toEqual(IN_PLACE_UPDATE);
  });

  it("reads a model deleted by hand as gone once its createdAt is past the visibility grace", async () => {
    const { id, outs } = await model.create(inputs());
    expect((await admin("POST", "/model/delete", { id })).status).toBe(200);
    const old = { ...outs, createdAt: "2000-01-01T00:00:00.000Z" };
    expect((await model.read(id, old)).id).toBe("");
  });

  it("deletes, then lists and reads it as gone, and tolerates a second delete", async () => {
    const { id, outs } = await model.create(inputs());
    await model.delete(id, outs);
    expect(await modelIds()).not.toContain(id);
    const old = { ...outs, createdAt: "2000-01-01T00:00:00.000Z" };
    expect((await model.read(id, old)).id).toBe("");
    await expect(model.delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("ModelAlias faults in front of the real gateway", () => {
  it("leaves exactly one deployment after a lost response on create and after 5xx answers", async () => {
    faults.proxy.setFaults({
      rules: [{ path: "/model/new", action: "drop_after_commit", times: 1 }],
    });
    const first = inputs(conn(faults.proxy.url));
    await model.create(first);
    faults.proxy.setFaults({
      rules: [{ path: "/model/new", action: "error", status: 502, times: 2 }],
    });
    const second = inputs(conn(faults.proxy.url));
    await model.create(second);
    const fired = faults.proxy.requests().map((r) => r.fault);
    expect(fired).toContain("drop_after_commit");
    expect(fired.filter((f) => f === "error")).toHaveLength(2);
    const ids = await modelIds();
    expect(ids.filter((i) => i === first.modelId)).toHaveLength(1);
    expect(ids.filter((i) => i === second.modelId)).toHaveLength(1);
  });
});
