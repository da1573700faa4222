/**
 * What renaming an object in stack config does (docs/admin-resources.md "Renames"): each object's
 * resource is named after its config name, so a rename replaces it. The credential and the model
 * are deleted and created under the new name; a renamed virtual key is a new key with a new raw
 * value, and the old raw key stops working.
 */
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  deployTestStack,
  type ConfigEntry,
} from "./harness";
import { describeE2E } from "./suite";

const contents = (cred: string, model: string, key: string): Record<string, ConfigEntry> => ({
  "credentials[0].name": cred,
  "credentials[0].provider": "openai",
  "credentials[0].values.api_key": { secret: "sk-rename-test-0123456789" },
  "models[0].name": model,
  "models[0].target": "openai/gpt-4o",
  "models[0].credential": cred,
  "models[0].params.mock_response": `answer from ${model}`,
  "keys[0].alias": key,
});

describeE2E("renaming gateway contents in config", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("replaces a renamed credential and model, and mints a new raw key for a renamed key (the old one stops working)", async () => {
    const t = await deployTestStack("rename", {
      config: { imageSource: "local", ...contents("cred-a", "model-a", "key-a") },
    });
    try {
      const masterKey = await t.output<string>("LITELLM_MASTER_KEY");
      const oldKey = (await t.output<Record<string, string>>("virtualKeys"))["key-a"];
      expect(oldKey).toMatch(/^sk-/);
      expect((await chat(t.baseUrl, oldKey as string, "model-a")).status).toBe(200);

      await t.removeConfig(["credentials", "models", "keys"]);
      await t.setConfig(contents("cred-b", "model-b", "key-b"));
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);

      const creds = await adminApi(t.baseUrl, "GET", "/credentials", masterKey);
      expect(
        (creds.body["credentials"] as { credential_name: string }[]).map((c) => c.credential_name),
      ).toEqual(["cred-b"]);
      const models = await adminApi(t.baseUrl, "GET", "/model/info", masterKey);
      expect((models.body["data"] as { model_name: string }[]).map((m) => m.model_name)).toEqual([
        "model-b",
      ]);
      const keys = await t.output<Record<string, string>>("virtualKeys");
      expect(Object.keys(keys)).toEqual(["key-b"]);
      const newKey = keys["key-b"] as string;
      expect(newKey).not.toBe(oldKey);
      expect((await chat(t.baseUrl, newKey, "model-b")).status).toBe(200);
      expect((await chat(t.baseUrl, oldKey as string, "model-b")).status).toBe(401);
      expect(await t.changes()).toEqual([]);
    } finally {
      await t.remove();
    }
  });
});
