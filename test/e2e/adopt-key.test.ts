/**
 * Adopting a virtual key made by hand (docs/admin-resources.md "Key adoption"): a key generated
 * through the admin API, outside the stack, is declared with its raw value in `adoptKey` (a
 * secret). `npm run up` takes it over instead of minting one: the same raw key, now carrying the
 * declared limits, appears in the stack's outputs; the raw key never appears in plaintext in
 * state; a second run changes nothing; removing it from config deletes it from the gateway.
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { LITELLM_IMAGE, POSTGRES_IMAGE, adminApi, chat, deployTestStack } from "./harness";
import { describeE2E } from "./suite";

describeE2E("adopting a virtual key made by hand", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("up with adoptKey takes over the hand-made key (same raw key, declared limits written), keeps it out of plaintext state, then changes nothing; removing it from config deletes it", async () => {
    const t = await deployTestStack("adoptkey", {
      config: {
        imageSource: "local",
        "models[0].name": "mock",
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": "adopted",
      },
    });
    try {
      const masterKey = await t.output<string>("LITELLM_MASTER_KEY");
      const handKey = `sk-${randomBytes(24).toString("base64url")}`;
      const generated = await adminApi(t.baseUrl, "POST", "/key/generate", masterKey, {
        key: handKey,
        key_alias: "made-by-hand",
      });
      expect(generated.status, JSON.stringify(generated.body)).toBe(200);

      await t.setConfig({
        "keys[0].alias": "made-by-hand",
        "keys[0].rpmLimit": "7",
        "keys[0].adoptKey": { secret: handKey },
      });
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout + up.stderr).not.toContain(handKey);

      const keys = await t.output<Record<string, string>>("virtualKeys");
      expect(keys).toEqual({ "made-by-hand": handKey });
      expect((await chat(t.baseUrl, handKey, "mock")).status).toBe(200);
      const list = await adminApi(
        t.baseUrl,
        "GET",
        "/key/list?key_alias=made-by-hand&return_full_object=true",
        masterKey,
      );
      const rows = list.body["keys"] as { rpm_limit: number | null }[];
      expect(rows.map((r) => r.rpm_limit)).toEqual([7]);
      expect(t.rawState()).not.toContain(handKey);
      expect(await t.changes()).toEqual([]);

      // Managed from now on: removing it from config deletes it from the gateway.
      await t.removeConfig(["keys"]);
      const removed = await t.cli("up");
      expect(removed.code, removed.stdout + removed.stderr).toBe(0);
      expect((await chat(t.baseUrl, handKey, "mock")).status).toBe(401);
    } finally {
      await t.remove();
    }
  });
});
