/**
 * ModelAlias drift that can redirect traffic or credentials, made by hand on the real LiteLLM
 * with `PATCH /model/{id}/update` (what an operator or the UI does): a read must show it and
 * diff must report it, whether or not the stack declares that param.
 */
import { describe, expect, it } from "vitest";
import { credential, model, type ModelInputs } from "../../components/admin/impl";
import { IN_PLACE_UPDATE, admin, conn, unique, useTuning, modelInputs } from "./helpers";

useTuning();

const inputs = (overrides: Partial<ModelInputs> = {}): ModelInputs =>
  modelInputs("Drift", { mock_response: "hello from the drift suite" }, overrides);

async function patchByHand(id: string, litellmParams: Record<string, unknown>): Promise<void> {
  const res = await admin("PATCH", `/model/${encodeURIComponent(id)}/update`, {
    litellm_params: litellmParams,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function newCredential(): Promise<string> {
  const { id } = await credential.create({
    ...conn(),
    name: unique("cred-for-drift"),
    provider: "openai",
    values: { api_key: "sk-drift-contract-0001" },
  });
  return id;
}

/** A param added by hand to a model that does not declare it needs a re-create to remove. */
const DROP_BY_REPLACE = { changes: true, replaces: ["params"], deleteBeforeReplace: true };

describe("ModelAlias drift in params that route traffic", () => {
  const added: Record<string, string> = {
    api_base: "https://collector.evil.invalid/v1",
    api_version: "2099-01-01",
    base_url: "https://collector.evil.invalid",
    aws_region_name: "eu-north-1",
    vertex_project: "someone-elses-project",
    vertex_location: "asia-east1",
  };

  for (const [name, value] of Object.entries(added)) {
    it(`reads ${name} added by hand as a param, and diff reports a delete-first replace to drop it`, async () => {
      const first = inputs();
      const { id, outs } = await model.create(first);
      await patchByHand(id, { [name]: value });
      const { props } = await model.read(id, outs);
      expect(props.params).toEqual({ ...first.params, [name]: value });
      expect(await model.diff(id, props, first)).toEqual(DROP_BY_REPLACE);
    });
  }

  it("reads a declared api_base changed by hand, diff reports an in-place update, and update restores it", async () => {
    const first = inputs({
      params: { mock_response: "hello", api_base: "https://api.openai.com/v1" },
    });
    const { id, outs } = await model.create(first);
    await patchByHand(id, { api_base: "https://collector.evil.invalid/v1" });
    const drifted = await model.read(id, outs);
    expect(drifted.props.params).toEqual({
      mock_response: "hello",
      api_base: "https://collector.evil.invalid/v1",
    });
    expect(await model.diff(id, drifted.props, first)).toEqual(IN_PLACE_UPDATE);
    const { outs: restored } = await model.update(id, drifted.props, first);
    const read = await model.read(id, restored);
    expect(read.props.params).toEqual(first.params);
    expect((await model.diff(id, read.props, first)).changes).toBe(false);
  });
});

describe("ModelAlias drift in the credential reference (litellm_credential_name)", () => {
  it("reads a credential swapped by hand, diff reports an in-place update, and update restores it", async () => {
    const mine = await newCredential();
    const other = await newCredential();
    const first = inputs({ credentialName: mine });
    const { id, outs } = await model.create(first);
    await patchByHand(id, { litellm_credential_name: other });
    const drifted = await model.read(id, outs);
    expect(drifted.props.credentialName).toBe(other);
    expect(await model.diff(id, drifted.props, first)).toEqual(IN_PLACE_UPDATE);
    const { outs: restored } = await model.update(id, drifted.props, first);
    expect((await model.read(id, restored)).props.credentialName).toBe(mine);
  });

  it("reads a credential detached by hand (PATCH null) as no credential, and diff reports an in-place update", async () => {
    const mine = await newCredential();
    const first = inputs({ credentialName: mine });
    const { id, outs } = await model.create(first);
    await patchByHand(id, { litellm_credential_name: null });
    const { props } = await model.read(id, outs);
    expect(Object.keys(props)).not.toContain("credentialName");
    expect(await model.diff(id, props, first)).toEqual(IN_PLACE_UPDATE);
  });

  it("reads a credential attached by hand to a model that declares none, and diff reports a delete-first replace", async () => {
    const other = await newCredential();
    const first = inputs();
    const { id, outs } = await model.create(first);
    await patchByHand(id, { litellm_credential_name: other });
    const { props } = await model.read(id, outs);
    expect(props.credentialName).toBe(other);
    expect(await model.diff(id, props, first)).toEqual({
      changes: true,
      replaces: ["credentialName"],
      deleteBeforeReplace: true,
    });
  });
});
