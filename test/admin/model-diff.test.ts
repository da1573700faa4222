/**
 * ModelAlias `diff` during a preview: an input that depends on an output not computed yet
 * arrives as the engine's unknown sentinel, whole or inside `params`. No gateway involved: diff
 * makes no API call.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN, model, type ModelInputs, type ModelOutputs } from "../../components/admin/impl";

const inputs: ModelInputs = {
  adminUrl: "http://127.0.0.1:4000",
  adminKey: "sk-master",
  modelId: "pulumi-0123456789abcdef01234567",
  publicName: "fast",
  target: "openai/gpt-4o-mini",
  params: { temperature: 0.2, rpm: 10 },
};
const outputs: ModelOutputs = { ...inputs, createdAt: "2026-12-01T00:00:00.000Z" };

const IN_PLACE = { changes: true, replaces: [], deleteBeforeReplace: false };

/** The sentinel where a typed field is expected, as the engine sends it. */
const unknownParams = UNKNOWN as unknown as Record<string, string | number | boolean>;

describe("ModelAlias diff with unknown params (preview)", () => {
  it("reports an in-place change, without throwing, when the new params are unknown", async () => {
    await expect(
      model.diff(inputs.modelId, outputs, { ...inputs, params: unknownParams }),
    ).resolves.toEqual(IN_PLACE);
  });

  it("reports an in-place change, not a dropped param, when the old params are unknown", async () => {
    await expect(
      model.diff(inputs.modelId, { ...outputs, params: unknownParams }, inputs),
    ).resolves.toEqual(IN_PLACE);
  });

  it("still replaces on a new model id when the params are unknown", async () => {
    await expect(
      model.diff(inputs.modelId, outputs, {
        ...inputs,
        modelId: "pulumi-other",
        params: unknownParams,
      }),
    ).resolves.toEqual({ changes: true, replaces: ["modelId"], deleteBeforeReplace: false });
  });

  it("reports an in-place change when one param value is unknown", async () => {
    const news = { ...inputs, params: { temperature: UNKNOWN, rpm: 10 } };
    await expect(model.diff(inputs.modelId, outputs, news)).resolves.toEqual(IN_PLACE);
  });

  it("reports no change for known, equal params and a dropped param as a delete-first replace", async () => {
    await expect(model.diff(inputs.modelId, outputs, inputs)).resolves.toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await expect(
      model.diff(inputs.modelId, outputs, { ...inputs, params: { temperature: 0.2 } }),
    ).resolves.toEqual({ changes: true, replaces: ["params"], deleteBeforeReplace: true });
  });
});
