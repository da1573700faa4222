/**
 * ModelAlias ownership on the real LiteLLM: a deployment of the same public name that this stack
 * did not create (added by hand, as in the UI) makes create fail, naming it and the fix, and
 * stays untouched; with `adopt: true` it is replaced; this resource's own earlier deployment
 * (same owner tag, another id: a create-before-delete replacement) does not count.
 */
import { afterEach, describe, expect, it } from "vitest";
import { model } from "../../components/admin/impl";
import { admin, modelInputs, unique, useTuning } from "./helpers";

useTuning();

const created: string[] = [];
afterEach(async () => {
  for (const id of created.splice(0)) {
    await admin("POST", "/model/delete", { id });
  }
});

/** The deployments of a public name: id and owner tag, as /model/info lists them. */
async function deployments(name: string): Promise<{ id: string; owner: unknown }[]> {
  const res = await admin("GET", "/model/info");
  expect(res.status).toBe(200);
  return (res.body["data"] as { model_name: string; model_info: Record<string, unknown> }[])
    .filter((row) => row.model_name === name)
    .map((row) => ({ id: String(row.model_info["id"]), owner: row.model_info["pulumi_owner"] }));
}

/**
 * Waits until /model/info lists `count` deployments of the name (on this single-worker gateway a
 * new deployment shows at once; the wait covers a router reload in progress).
 */
async function visible(name: string, count: number): Promise<{ id: string; owner: unknown }[]> {
  for (let i = 0; i < 90; i++) {
    const rows = await deployments(name);
    if (rows.length >= count) {
      return rows;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${count} deployment(s) of ${name} never showed in /model/info`);
}

/** Adds a deployment by hand (no id, no owner tag), as an operator in the UI would. */
async function addByHand(name: string): Promise<string> {
  const res = await admin("POST", "/model/new", {
    model_name: name,
    litellm_params: { model: "openai/gpt-4o", mock_response: "made by hand" },
  });
  expect(res.status).toBe(200);
  const [row] = await visible(name, 1);
  created.push((row as { id: string }).id);
  return (row as { id: string }).id;
}

describe("ModelAlias ownership", () => {
  it("fails create on a public name held by a deployment made by hand, naming it and the fix, and leaves it untouched", async () => {
    const name = unique("Taken");
    const handMade = await addByHand(name);
    const inputs = modelInputs(
      name,
      { mock_response: "ours" },
      { publicName: name, owner: "litellm-stack/contract/m" },
    );
    await expect(model.create(inputs)).rejects.toThrow(
      `ModelAlias "${name}": the gateway already has a deployment of this public name that this stack did not create (id ${handMade}); LiteLLM would balance requests between it and this one. Fix: set adopt: true on this model (stack config: the "adopt" field of its entry in models) to replace it, or rename the declared model.`,
    );
    expect(await deployments(name)).toEqual([{ id: handMade, owner: undefined }]);
  });

  it("with adopt: true replaces the hand-made deployment: exactly this one remains, with its owner tag", async () => {
    const name = unique("Adopted");
    await addByHand(name);
    const owner = "litellm-stack/contract/adopted";
    const inputs = modelInputs(
      name,
      { mock_response: "ours" },
      { publicName: name, owner, adopt: true },
    );
    const { id } = await model.create(inputs);
    created.push(id);
    expect(await visible(name, 1)).toEqual([{ id: inputs.modelId, owner }]);
  });

  it("does not count this resource's own earlier deployment (same owner tag, another id) as foreign", async () => {
    const name = unique("Replaced");
    const owner = "litellm-stack/contract/replaced";
    const first = await model.create(
      modelInputs(name, { mock_response: "one" }, { publicName: name, owner }),
    );
    created.push(first.id);
    await visible(name, 1);
    const second = await model.create(
      modelInputs(name, { mock_response: "two" }, { publicName: name, owner }),
    );
    created.push(second.id);
    expect((await visible(name, 2)).map((d) => d.id).sort()).toEqual([first.id, second.id].sort());
  });
});
