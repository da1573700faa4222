/**
 * Reading a decrypted stack export (cli/exported.ts): secret values decode, plain ones stay, and
 * the stack's outputs come from its `pulumi:pulumi:Stack` resource only.
 */
import { expect, test } from "vitest";
import { plainValue, stackOutputs, type ExportedResource } from "../../cli/exported";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown): unknown => ({
  [SIG]: "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});

test("plainValue decodes a decrypted secret (any JSON) and returns plain values as they are", () => {
  expect(plainValue(secret("sk-abc"))).toBe("sk-abc");
  expect(plainValue(secret({ a: [1, 2] }))).toEqual({ a: [1, 2] });
  expect(plainValue("http://127.0.0.1:4000")).toBe("http://127.0.0.1:4000");
  expect(plainValue(null)).toBeNull();
  expect(plainValue({ url: "x" })).toEqual({ url: "x" });
});

test("stackOutputs takes the Stack resource's outputs, secrets decoded, and ignores other resources", () => {
  const resources: ExportedResource[] = [
    { urn: "urn:pulumi:s::p::litellm:admin:VirtualKey::k", type: "x", outputs: { adminUrl: "no" } },
    {
      urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s",
      type: "pulumi:pulumi:Stack",
      outputs: { adminUrl: "http://127.0.0.1:4100", LITELLM_MASTER_KEY: secret("sk-master") },
    },
  ];
  expect(stackOutputs(resources)).toEqual({
    adminUrl: "http://127.0.0.1:4100",
    LITELLM_MASTER_KEY: "sk-master",
  });
  expect(stackOutputs([])).toEqual({});
});
