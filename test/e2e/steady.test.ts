/**
 * No perpetual diffs on the real gateway: after `npm run up` of a stack that declares every kind
 * of content setting (a credential with an api_base, models with string, integer, float and
 * boolean params, keys with duration, budget, limits, model lists and metadata), three previews
 * with refresh in a row find nothing to change.
 */
import { expect, test } from "vitest";
import { LITELLM_IMAGE, POSTGRES_IMAGE, deployTestStack } from "./harness";
import { describeE2E } from "./suite";

describeE2E("steady state after up (no perpetual diffs)", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("three preview --refresh in a row change nothing after an up with every kind of setting", async () => {
    const t = await deployTestStack("steady", {
      config: {
        imageSource: "local",
        "credentials[0].name": "steady-cred",
        "credentials[0].provider": "Azure_OpenAI",
        "credentials[0].values.api_key": { secret: "steady-azure-key-0123456789" },
        "credentials[0].values.api_base": { secret: "https://steady.openai.azure.com" },
        "credentials[0].values.api_version": { secret: "2024-06-01" },
        "models[0].name": "steady-azure",
        "models[0].target": "azure/gpt-4o",
        "models[0].credential": "steady-cred",
        "models[0].params.mock_response": "steady",
        "models[0].params.temperature": "0.2",
        "models[0].params.rpm": "60",
        "models[0].params.tpm": "100000",
        "models[0].params.max_retries": "2",
        "models[0].params.timeout": "30",
        "models[0].params.drop_params": "true",
        "models[0].params.input_cost_per_token": "0.000001",
        "models[1].name": "steady-plain",
        "models[1].target": "openai/gpt-4o-mini",
        "models[1].params.mock_response": "plain",
        "keys[0].alias": "steady-all",
        "keys[0].duration": "30d",
        "keys[0].maxBudget": "25.5",
        "keys[0].rpmLimit": "60",
        "keys[0].tpmLimit": "10000",
        "keys[0].models[0]": "steady-azure",
        "keys[0].metadata.team": "platform",
        "keys[0].metadata.tier": "gold",
        "keys[1].alias": "steady-bare",
      },
    });
    try {
      for (let i = 1; i <= 3; i++) {
        expect(await t.changes(), `preview ${i}`).toEqual([]);
      }
    } finally {
      await t.remove();
    }
  });
});
