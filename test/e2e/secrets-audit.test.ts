/**
 * The secrets audit (issue 14 item 6) on one real stack: a secret credential, a mock model and
 * a virtual key; every command a user runs, a failing one included; then the audit that every
 * test stack's remove() runs, asserted to have looked at enough secrets and places, and shown to
 * fail, naming the place, when a secret is put into a transcript.
 */
import * as path from "node:path";
import { expect, test } from "vitest";
import { LITELLM_IMAGE, POSTGRES_IMAGE, createTestStack } from "./harness";
import { describeE2E } from "./suite";

const CREDENTIAL = "sk-audit-credential-0123456789abcdef";

describeE2E("the secrets audit", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("no secret of a deployed stack appears in state, export, providers, transcripts or logs", async () => {
    const t = await createTestStack("audit", {
      config: {
        imageSource: "local",
        "credentials[0].name": "audit-openai",
        "credentials[0].provider": "openai",
        "credentials[0].values.api_key": { secret: CREDENTIAL },
        "models[0].name": "audit-chat",
        "models[0].target": "openai/gpt-4o",
        "models[0].credential": "audit-openai",
        "models[0].params.mock_response": "audited",
        "keys[0].alias": "audit-app",
      },
    });
    try {
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);
      for (const [verb, args] of [
        ["preview", []],
        ["drift", []],
        ["doctor", []],
        ["env", ["--out", path.join(t.dir, "server.env")]],
        ["env", []],
        ["outputs", []],
      ] as const) {
        const result = await t.cli(verb, args);
        expect(result.code, `${verb}: ${result.stdout}${result.stderr}`).toBe(0);
      }
      // A failing command: a bad value, refused; then the good one back.
      await t.setConfig({ masterKeyRotation: "not-a-number" });
      const bad = await t.cli("up");
      expect(bad.code).not.toBe(0);
      await t.removeConfig(["masterKeyRotation"]);
      expect(await t.changes()).toEqual([]);

      const report = await t.audit();
      console.info(`secrets audited: ${report.secrets.join(", ")}`);
      console.info(`places audited: ${report.places.join(", ")}`);
      expect(report.secrets).toContain("config credentials[0].values.api_key");
      expect(report.secrets.some((s) => s.includes("virtual key"))).toBe(true);
      expect(report.secrets.some((s) => s.includes("RandomPassword"))).toBe(true);
      expect(report.secrets.length).toBeGreaterThanOrEqual(6);
      expect(report.places).toEqual(
        expect.arrayContaining([
          "raw state file",
          "pulumi stack export",
          "npm run up stdout",
          "npm run env stderr",
          "automation preview --refresh stdout",
        ]),
      );
      expect(report.places).not.toContain("npm run env stdout");
      expect(report.places.some((p) => p.startsWith("serialized provider "))).toBe(true);
      expect(report.places.some((p) => p.startsWith("docker logs "))).toBe(true);
      expect(report.places.length).toBeGreaterThanOrEqual(20);

      // Negative: the master key in a fake transcript fails the audit, naming the place.
      const master = await t.output<string>("LITELLM_MASTER_KEY");
      expect(master.length).toBeGreaterThan(8);
      const leak = t.audit([{ place: "fake transcript", text: `key: ${master}` }]);
      await expect(leak).rejects.toThrow(
        /secret output LITELLM_MASTER_KEY[^\n]* found in fake transcript/,
      );
      await expect(leak).rejects.not.toThrow(master);
    } finally {
      await t.remove();
    }
  });
});
