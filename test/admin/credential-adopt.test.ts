/**
 * The `adopt` option of a declared credential: the config schema accepts it (and nothing but a
 * boolean), GatewayContents hands it to the ProviderCredential, and every ProviderCredential
 * gets an owner tag (`<project>/<stack>/<resource name>` unless set).
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { credentialConfigSchema } from "../../components/admin/config-schema";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
let contents: typeof import("../../components/admin/contents");
let resources: typeof import("../../components/admin");
const recorded = new Map<string, Recorded>();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.set(args.name, { type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "litellm-stack",
    "test",
    false, // not a preview: outputs resolve
  );
  contents = await import("../../components/admin/contents");
  resources = await import("../../components/admin");
});

/** The inputs the engine received for a resource (registration is asynchronous). */
async function inputsOf(resource: pulumi.CustomResource | undefined, name: string) {
  expect(resource).toBeInstanceOf(pulumi.CustomResource);
  await new Promise<void>((r) => (resource as pulumi.CustomResource).urn.apply(() => r()));
  const found = recorded.get(name);
  expect(found).toBeDefined();
  return (found as Recorded).inputs;
}

describe("credentialConfigSchema adopt", () => {
  it("keeps adopt: true, leaves it out when unset, and rejects a non-boolean", () => {
    const base = { name: "c", provider: "openai", values: { api_key: "k" } };
    expect(credentialConfigSchema.parse({ ...base, adopt: true })).toEqual({
      ...base,
      adopt: true,
    });
    expect(credentialConfigSchema.parse(base)).toEqual(base);
    const bad = credentialConfigSchema.safeParse({ ...base, adopt: "yes" });
    const issues = bad.success ? [] : bad.error.issues;
    expect(issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["adopt", "adopt must be true or false"],
    ]);
  });
});

describe("ProviderCredential owner and adopt inputs", () => {
  it("GatewayContents passes adopt: true through and sends no adopt input when it is unset", async () => {
    const gc = new contents.GatewayContents("gw", {
      baseUrl: "http://127.0.0.1:4000",
      masterKey: "sk-master-for-mocks",
      credentials: [
        { name: "taken", provider: "openai", values: { api_key: "k1" }, adopt: true },
        { name: "fresh", provider: "openai", values: { api_key: "k2" } },
      ],
    });
    const taken = await inputsOf(gc.credentials["taken"], "gw-credential-taken");
    const fresh = await inputsOf(gc.credentials["fresh"], "gw-credential-fresh");
    expect(taken["adopt"]).toBe(true);
    expect(Object.keys(fresh)).not.toContain("adopt");
  });

  it("tags a ProviderCredential with <project>/<stack>/<resource name>, or the given owner", async () => {
    const conn = { adminUrl: "http://127.0.0.1:4000", adminKey: "sk-master-for-mocks" };
    const byDefault = new resources.ProviderCredential("cred-default", {
      ...conn,
      name: "a",
      provider: "openai",
      values: { api_key: "k" },
    });
    const given = new resources.ProviderCredential("cred-given", {
      ...conn,
      name: "b",
      provider: "openai",
      values: { api_key: "k" },
      owner: "team/ops/b",
    });
    expect((await inputsOf(byDefault, "cred-default"))["owner"]).toBe(
      "litellm-stack/test/cred-default",
    );
    expect((await inputsOf(given, "cred-given"))["owner"]).toBe("team/ops/b");
  });
});
