/**
 * The drift report from engine events (no Pulumi run): which steps are drift, the config names,
 * the properties old → new, secrets as "changed", and the summary's lines.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { driftedResources, formatSummary } from "../../drift/report";

const URN =
  "urn:pulumi:dev::litellm-stack::litellm:index:Stack$litellm:index:GatewayContents$pulumi-nodejs:dynamic:Resource";

function step(
  op: string,
  name: string,
  type: string,
  extra: Record<string, unknown> = {},
): EngineEvent {
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: {
      metadata: { op: op as OpType, urn: `${URN}::${name}`, type, provider: "", ...extra },
    },
  } as EngineEvent;
}

const KEY = "pulumi-nodejs:dynamic/litellm:VirtualKey";

describe("driftedResources", () => {
  it("ignores same, refresh and read steps, providers and the stack", () => {
    expect(
      driftedResources([
        step("same", "a", KEY),
        step("refresh", "b", KEY),
        step("read", "c", KEY),
        step("update", "default", "pulumi:providers:docker"),
      ]),
    ).toEqual([]);
  });

  it("names a key by its alias and lists each changed property old → new", () => {
    const [r] = driftedResources([
      step("update", "litellm-contents-key-app", KEY, {
        old: { outputs: { alias: "renamed", maxBudget: 99, key: "[secret]" } },
        new: { inputs: { alias: "app", maxBudget: 10, key: "[secret]" } },
        detailedDiff: {
          alias: { kind: "update" },
          maxBudget: { kind: "update" },
          key: { kind: "update" },
        },
      }),
    ]);
    expect(r).toMatchObject({ name: 'key "app"', op: "update" });
    expect(r?.properties).toEqual([
      { name: "alias", old: "renamed", new: "app", secret: false },
      { name: "maxBudget", old: 99, new: 10, secret: false },
      { name: "key", secret: true },
    ]);
  });

  it("finds a dynamic resource's properties by comparing outputs with inputs, server defaults included, and a secret-only drift as changed", () => {
    const [key] = driftedResources([
      step("update", "litellm-contents-key-app", KEY, {
        old: { outputs: { alias: "app", blocked: true, keyType: "default", adminKey: "[secret]" } },
        new: { inputs: { alias: "app", adminKey: "[secret]" } },
      }),
    ]);
    expect(key?.properties).toEqual([
      { name: "blocked", old: true, new: undefined, secret: false },
    ]);
    const [cred] = driftedResources([
      step(
        "update",
        "litellm-contents-credential-openai",
        "pulumi-nodejs:dynamic/litellm:ProviderCredential",
        {
          old: { outputs: { name: "openai", values: "[secret]" } },
          new: { inputs: { name: "openai", values: "[secret]", adminKey: "[secret]" } },
        },
      ),
    ]);
    expect(cred).toMatchObject({
      name: 'credential "openai"',
      properties: [{ name: "values", secret: true }],
    });
  });

  it("reports a replacement once, and a create without properties", () => {
    const container = "docker:index/container:Container";
    const found = driftedResources([
      step("create-replacement", "litellm-gateway-container", container),
      step("replace", "litellm-gateway-container", container, {
        old: { outputs: { name: "litellm" } },
        new: { inputs: { name: "litellm" } },
        diffs: [],
      }),
      step("delete-replaced", "litellm-gateway-container", container),
      step("create", "litellm-contents-model-chat", "pulumi-nodejs:dynamic/litellm:ModelAlias", {
        new: { inputs: { publicName: "chat" } },
      }),
    ]);
    expect(found.map((r) => [r.name, r.op, r.properties])).toEqual([
      ["gateway container (litellm)", "replace", []],
      ['model "chat"', "create", []],
    ]);
  });
});

describe("configName of the network", () => {
  it.each([
    ["the stack's own network resource", "pulumi-nodejs:dynamic/litellm:Network"],
    ["the Docker provider's (stacks deployed before it)", "docker:index/network:Network"],
  ])("names %s by its Docker name", (_, type) => {
    const found = driftedResources([
      step("create", "litellm-network-bridge", type, { new: { inputs: { name: "litellm-net" } } }),
    ]);
    expect(found.map((r) => [r.name, r.op])).toEqual([["network (litellm-net)", "create"]]);
  });
});

describe("formatSummary", () => {
  it("prints one block per resource, secrets as changed, notes and unmanaged objects", () => {
    expect(
      formatSummary({
        stack: "dev",
        drifted: true,
        resources: [
          {
            name: 'credential "openai"',
            urn: "u",
            op: "update",
            properties: [{ name: "values", secret: true }],
          },
          { name: 'key "app"', urn: "v", op: "create", properties: [] },
        ],
        unmanaged: [{ kind: "key", name: "by-hand" }],
        notes: ["the gateway does not answer"],
      }),
    ).toBe(
      [
        "drift: 2 resource(s) of stack 'dev' differ:",
        '  credential "openai": changed: up sets it back',
        "    values: changed",
        '  key "app": missing: up creates it',
        "note: the gateway does not answer",
        "info: on the gateway but not managed by this stack (not drift):",
        '  key "by-hand"',
        "",
      ].join("\n"),
    );
    expect(
      formatSummary({ stack: "dev", drifted: false, resources: [], unmanaged: [], notes: [] }),
    ).toBe("no drift: stack 'dev' matches its code and config\n");
  });
});
