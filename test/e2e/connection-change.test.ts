/**
 * The admin connection comes from the current program: an `up` that moves the gateway to
 * another host port, or gives it another master key, and in the same run removes a declared
 * object, deletes that object through the gateway's new address and key (the object's state
 * still holds the old ones).
 */
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  deployTestStack,
  freePort,
  type ConfigEntry,
} from "./harness";
import { describeE2E } from "./suite";

const CONTENTS: Record<string, ConfigEntry> = {
  imageSource: "local",
  "credentials[0].name": "move-cred",
  "credentials[0].provider": "openai",
  "credentials[0].values.api_key": { secret: "sk-move-test-0123456789" },
  "models[0].name": "move-model",
  "models[0].target": "openai/gpt-4o",
  "models[0].credential": "move-cred",
  "models[0].params.mock_response": "moved",
  "keys[0].alias": "stays",
  "keys[1].alias": "goes",
};

/** Whether the key (by raw value) still exists on the gateway. */
async function keyExists(baseUrl: string, masterKey: string, rawKey: string): Promise<boolean> {
  const info = await adminApi(baseUrl, "GET", `/key/info?key=${rawKey}`, masterKey);
  const status = (info.body["info"] as { status?: string } | undefined)?.status;
  return info.status === 200 && status !== "deleted";
}

describeE2E("admin connection from the current program", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("an up that changes hostPort and masterKey and removes a key deletes it through the new address and key", async () => {
    const t = await deployTestStack("move", { config: CONTENTS });
    try {
      const goes = (await t.output<Record<string, string>>("virtualKeys"))["goes"] as string;
      expect(goes).toMatch(/^sk-/);
      const port = await freePort();
      const masterKey = "sk-moved-master-key-0123456789abcdef";
      await t.removeConfig(["keys[1]"]);
      await t.setConfig({ hostPort: String(port), masterKey: { secret: masterKey } });
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const baseUrl = `http://127.0.0.1:${port}`;
      expect(await t.output<string>("LITELLM_BASE_URL")).toBe(baseUrl);
      expect(Object.keys(await t.output<Record<string, string>>("virtualKeys"))).toEqual(["stays"]);
      expect(await keyExists(baseUrl, masterKey, goes)).toBe(false);
      expect(await t.changes()).toEqual([]);
    } finally {
      await t.remove();
    }
  });
});
