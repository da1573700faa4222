/**
 * One schema per kind: a bad value gets the same reason from the stack-config validation and from
 * the provider's `check`, because both come from the kind's schema (`components/admin/<kind>/`).
 * Before, the two were hand-kept copies that disagreed (the config accepted a key's
 * `metadata.pulumi_owner`, which only the provider refused, at deploy time).
 */
import { describe, expect, it } from "vitest";
import { gatewayContentsConfigSchema } from "../../components/admin/config-schema";
import { credential, model, virtualKey } from "../../components/admin/impl";

const CONNECTION = { adminUrl: "http://127.0.0.1:9", adminKey: "sk-test" };

/** The reason the config schema gives for `list[0].field`. */
function configReason(list: string, entry: Record<string, unknown>, field: string): string {
  const parsed = gatewayContentsConfigSchema.safeParse({ [list]: [entry] });
  expect(parsed.success, `${list}[0] should be refused`).toBe(false);
  const issue = parsed.error?.issues.find(
    (i) => i.path.slice(0, 3).join(".") === `${list}.0.${field}`,
  );
  expect(issue, `an issue for ${list}.0.${field}`).toBeDefined();
  return issue!.message;
}

/** The reason the provider's check gives for `property`. */
async function checkReason(
  kind: {
    check(
      olds: unknown,
      news: Record<string, unknown>,
    ): Promise<{ failures: { property: string; reason: string }[] }>;
  },
  inputs: Record<string, unknown>,
  property: string,
): Promise<string> {
  const { failures } = await kind.check({}, inputs);
  const failure = failures.find((f) => f.property === property);
  expect(failure, `a check failure for ${property}`).toBeDefined();
  return failure!.reason;
}

const goodKey = { alias: "app", models: ["m"] };
const goodCredential = { name: "c", provider: "openai", values: { api_key: "x" } };
const goodModel = { name: "m", target: "openai/gpt-4o" };

describe("one schema per kind: the config and the provider's check give the same reason", () => {
  const keyCases: [string, Record<string, unknown>][] = [
    ["alias", { alias: "agyn_key" }],
    ["alias", { alias: "  " }],
    ["duration", { duration: "30 days" }],
    ["maxBudget", { maxBudget: -1 }],
    ["rpmLimit", { rpmLimit: 1.5 }],
    ["tpmLimit", { tpmLimit: "many" }],
    ["teamId", { teamId: "" }],
    ["metadata", { metadata: { pulumi_owner: "someone" } }],
    ["metadata", { metadata: { pulumi_generation: "1" } }],
  ];
  it.each(keyCases)("virtual key %s: %j", async (field, bad) => {
    const fromConfig = configReason("keys", { ...goodKey, ...bad }, field);
    const fromCheck = await checkReason(
      virtualKey,
      { ...CONNECTION, owner: "o", ...goodKey, ...bad },
      field,
    );
    expect(fromCheck).toBe(fromConfig);
  });

  const credentialCases: [string, Record<string, unknown>][] = [
    ["name", { name: "" }],
    ["provider", { provider: " " }],
    ["values", { values: {} }],
    ["values", { values: { api_key: 1 } }],
    ["adopt", { adopt: "yes" }],
  ];
  it.each(credentialCases)("credential %s: %j", async (field, bad) => {
    const fromConfig = configReason("credentials", { ...goodCredential, ...bad }, field);
    const fromCheck = await checkReason(
      credential,
      { ...CONNECTION, ...goodCredential, ...bad },
      field,
    );
    expect(fromCheck).toBe(fromConfig);
  });

  // The config's `name` and `credential` are the resource's `publicName` and `credentialName`.
  const modelCases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
    ["target", "target", { target: "gpt-4o" }, { target: "gpt-4o" }],
    ["target", "target", { target: "openai/ gpt" }, { target: "openai/ gpt" }],
    ["name", "publicName", { name: "" }, { publicName: "" }],
    ["adopt", "adopt", { adopt: 1 }, { adopt: 1 }],
  ];
  it.each(modelCases)("model %s: %j", async (field, property, badConfig, badInputs) => {
    const fromConfig = configReason("models", { ...goodModel, ...badConfig }, field);
    const fromCheck = await checkReason(
      model,
      { ...CONNECTION, modelId: "id", publicName: "m", target: "openai/gpt-4o", ...badInputs },
      property,
    );
    expect(fromCheck.replace(/^publicName/, "name")).toBe(fromConfig);
  });
});
