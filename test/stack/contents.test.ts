import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { gatewayContentsConfigSchema } from "../../components/admin/config-schema";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const recorded: Recorded[] = [];
let contents: typeof import("../../components/admin/contents");

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra = args.type.endsWith(":VirtualKey")
          ? { key: "sk-mock-raw-key", token: "t" }
          : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call: (args) => args.inputs,
    },
    "litellm-stack",
    "test",
    false, // not a preview: outputs resolve
  );
  contents = await import("../../components/admin/contents");
});

const out = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

describe("GatewayContents", () => {
  it("creates one resource per entry with a secret admin key and secret raw keys", async () => {
    const gc = new contents.GatewayContents("gw", {
      baseUrl: "http://127.0.0.1:4000",
      masterKey: pulumi.secret("sk-master-for-mocks"),
      credentials: [
        { name: "openai-main", provider: "OpenAI", values: pulumi.secret({ api_key: "sk-x" }) },
      ],
      models: [{ name: "fast", target: "openai/gpt-4o-mini", credential: "openai-main" }],
      keys: [{ alias: "svc", duration: "30d" }],
    });
    expect(await out(gc.rawKeys)).toEqual({ svc: "sk-mock-raw-key" });
    expect(await pulumi.isSecret(gc.rawKeys)).toBe(true);
    // `key` itself is made secret by the engine (additionalSecretOutputs), which mocks skip.
    expect(await pulumi.isSecret(gc.credentials["openai-main"]!.values)).toBe(true);
    // Registration order follows the dependencies (models wait on their credential), not the
    // order of the config, so the set is compared.
    const types = recorded.map((r) => `${r.type} ${r.name}`).sort();
    expect(types).toEqual([
      "litellm:admin:GatewayContents gw",
      "pulumi-nodejs:dynamic/litellm:ModelAlias gw-model-fast",
      "pulumi-nodejs:dynamic/litellm:ProviderCredential gw-credential-openai-main",
      "pulumi-nodejs:dynamic/litellm:VirtualKey gw-key-svc",
    ]);
    const key = recorded.find((r) => r.name === "gw-key-svc")!;
    expect(key.inputs).toMatchObject({
      alias: "svc",
      models: ["fast"],
      owner: "litellm-stack/test/gw-key-svc",
    });
    const model = recorded.find((r) => r.name === "gw-model-fast")!;
    expect(model.inputs["owner"]).toBe("litellm-stack/test/gw-model-fast");
    expect(model.inputs["adopt"]).toBeUndefined();
    expect(model.inputs["modelId"]).toMatch(/^pulumi-[0-9a-f]{24}$/);
    const provider = model.inputs["__provider"];
    expect(typeof provider).toBe("string");
    expect(Buffer.byteLength(provider as string)).toBeGreaterThan(100);
    expect(Buffer.byteLength(provider as string)).toBeLessThanOrEqual(4096);
    expect(provider).not.toContain("sk-master-for-mocks");
  });

  it("passes adopt: true of a model through to its ModelAlias, with its owner tag", async () => {
    const gc = new contents.GatewayContents("adopting", {
      baseUrl: "http://127.0.0.1:4000",
      masterKey: pulumi.secret("sk-master-for-mocks"),
      models: [{ name: "taken", target: "openai/gpt-4o", adopt: true }],
    });
    await out(gc.models["taken"]!.urn);
    const model = recorded.find((r) => r.name === "adopting-model-taken");
    expect(model?.inputs).toMatchObject({
      adopt: true,
      owner: "litellm-stack/test/adopting-model-taken",
    });
  });

  it("rejects a model whose credential is not declared, naming the property", () => {
    expect(
      () =>
        new contents.GatewayContents("bad", {
          baseUrl: "http://x",
          masterKey: "sk-m",
          models: [{ name: "m", target: "openai/gpt-4o", credential: "missing" }],
        }),
    ).toThrow('models[0].credential: credential "missing" is not declared in credentials');
  });
});

describe("gatewayContentsConfigSchema", () => {
  it("applies defaults and normalizes providers", () => {
    expect(
      gatewayContentsConfigSchema.parse({
        credentials: [{ name: "az", provider: " Azure_OpenAI ", values: { api_key: "k" } }],
        models: [{ name: "m", target: "azure/dep", credential: "az" }],
        keys: [{ alias: "svc" }],
      }),
    ).toEqual({
      credentials: [{ name: "az", provider: "azure", values: { api_key: "k" } }],
      models: [{ name: "m", target: "azure/dep", credential: "az", params: {} }],
      keys: [{ alias: "svc", metadata: {}, rotation: "0" }],
    });
    expect(gatewayContentsConfigSchema.parse({})).toEqual({
      credentials: [],
      models: [],
      keys: [],
    });
  });

  it("names the property of every failure", () => {
    const r = gatewayContentsConfigSchema.safeParse({
      models: [{ name: "", target: "gpt-4o", credential: "nope", params: { api_key: "x" } }],
      keys: [{ alias: "agyn_key", duration: "1y", maxBudget: -1 }],
    });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual([
      "models.0.name: name must not be empty",
      'models.0.target: target must be "<provider>/<model>", e.g. "openai/gpt-4o"',
      "models.0.params.api_key: params.api_key looks like a secret; put it in a credential and set credential",
      'keys.0.alias: alias "agyn_key" is reserved by the consuming server, which deletes keys under it at boot (reserved: agyn_key, agents-service)',
      "keys.0.duration: duration must be a number followed by s, m, h, d, w or mo",
      "keys.0.maxBudget: maxBudget must not be negative",
      'models.0.credential: credential "nope" is not declared in credentials',
    ]);
    const cross = gatewayContentsConfigSchema.safeParse({
      models: [{ name: "m", target: "openai/x", credential: "nope" }],
    });
    expect(cross.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'models.0.credential: credential "nope" is not declared in credentials',
    ]);
  });

  it("reports duplicated names: every entry in the schema, the first repeat in the component", () => {
    const lists = {
      credentials: [
        { name: "a", provider: "openai", values: { api_key: "k-1" } },
        { name: "b", provider: "openai", values: { api_key: "k-2" } },
        { name: "a", provider: "openai", values: { api_key: "k-3" } },
      ],
      models: [
        { name: "m", target: "openai/x" },
        { name: "m", target: "openai/y" },
      ],
      keys: [{ alias: "k" }, { alias: "k" }],
    };
    const r = gatewayContentsConfigSchema.safeParse(lists);
    expect(r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'credentials.0.name: duplicate credential name "a"',
      'credentials.2.name: duplicate credential name "a"',
      'models.0.name: duplicate model name "m"',
      'models.1.name: duplicate model name "m"',
      'keys.0.alias: duplicate key alias "k"',
      'keys.1.alias: duplicate key alias "k"',
    ]);
    expect(() =>
      contents.validateGatewayContents({ baseUrl: "http://x", masterKey: "sk-x", ...lists }),
    ).toThrow('credentials[2].name: duplicate credential name "a"');
  });
});
