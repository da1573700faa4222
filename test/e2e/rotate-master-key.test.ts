/**
 * Master-key rotation on the real gateway (docs/configuration.md "Rotating the master key"),
 * LiteLLM's own mechanism for a proxy with a salt key: swap the key in the env and restart. The
 * generated key rotates with `masterKeyRotation`; a configured key by setting a new value. After
 * each rotation the new key administers the gateway, the old one is refused, the declared
 * credential (still decryptable: same masked read-back), the alias and the virtual key (same raw
 * key, answering a chat completion) all still work, the stack's outputs carry the new key, it
 * appears nowhere in plaintext state or output, and the next preview changes nothing.
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  deployTestStack,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

/** The declared credential as the gateway reads it back (masked values), with `key`. */
async function credential(t: DeployedStack, key: string): Promise<unknown> {
  const res = await adminApi(t.baseUrl, "GET", "/credentials", key);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = res.body["credentials"] as { credential_name: string }[];
  return rows.find((r) => r.credential_name === "rot-cred");
}

/** Asserts that `current` runs the gateway and `previous` is refused, and the contents work. */
async function expectRotated(
  t: DeployedStack,
  previous: string,
  current: string,
  before: { credential: unknown; keys: Record<string, string> },
): Promise<void> {
  expect(current).not.toBe(previous);
  expect(current).toMatch(/^sk-/);
  expect((await adminApi(t.baseUrl, "GET", "/key/list", previous)).status).toBe(401);
  const list = await adminApi(t.baseUrl, "GET", "/key/list?key_alias=rot-app", current);
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  expect(await credential(t, current)).toEqual(before.credential);
  const models = await adminApi(t.baseUrl, "GET", "/model/info", current);
  const names = (models.body["data"] as { model_name: string }[]).map((m) => m.model_name);
  expect(names).toContain("rot-mock");
  expect(await t.output("virtualKeys")).toEqual(before.keys);
  const app = before.keys["rot-app"] ?? "";
  expect(await chat(t.baseUrl, app, "rot-mock")).toEqual({ status: 200, text: "still here" });
  const data = await t.output<{ masterKey: string }>("dataSecrets");
  expect(data.masterKey).toBe(current);
  expect(t.rawState()).not.toContain(current);
  expect(await t.changes()).toEqual([]);
}

describeE2E("master-key rotation", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("masterKeyRotation rotates the generated key, a new masterKey value rotates a configured one: the new key administers, the old is refused, credential, alias and virtual key still work, outputs carry the new key", async () => {
    const t = await deployTestStack("rotate", {
      config: {
        imageSource: "local",
        "credentials[0].name": "rot-cred",
        "credentials[0].provider": "openai",
        "credentials[0].values.api_key": { secret: "sk-rotation-provider-key-0123456789" },
        "models[0].name": "rot-mock",
        "models[0].target": "openai/gpt-4o",
        "models[0].credential": "rot-cred",
        "models[0].params.mock_response": "still here",
        "keys[0].alias": "rot-app",
        "keys[0].models[0]": "rot-mock",
      },
    });
    try {
      const first = await t.output<string>("LITELLM_MASTER_KEY");
      const before = {
        credential: await credential(t, first),
        keys: await t.output<Record<string, string>>("virtualKeys"),
      };
      expect(before.credential).toBeDefined();

      // 1. The generated key: bump the counter.
      await t.setConfig({ masterKeyRotation: "1" });
      const rotated = await t.cli("up");
      expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
      const second = await t.output<string>("LITELLM_MASTER_KEY");
      expect(rotated.stdout + rotated.stderr).not.toContain(second);
      await expectRotated(t, first, second, before);

      // 2. A configured key: set a new value (and drop the counter, which only rotates generated keys).
      const third = `sk-${randomBytes(24).toString("hex")}`;
      await t.removeConfig(["masterKeyRotation"]);
      await t.setConfig({ masterKey: { secret: third } });
      const swapped = await t.cli("up");
      expect(swapped.code, swapped.stdout + swapped.stderr).toBe(0);
      expect(swapped.stdout + swapped.stderr).not.toContain(third);
      expect(await t.output<string>("LITELLM_MASTER_KEY")).toBe(third);
      await expectRotated(t, second, third, before);
    } finally {
      await t.remove();
    }
  });
});
