/**
 * Backup and restore of a stack's gateway database (docs/backup.md): a backup of a source stack
 * (a credential, a mock alias, a config key and a hand-made key) is refused by a fresh target with
 * its own salt, before the target's database is touched; with the source's salt key configured
 * (allowSaltKeyChange) the target's up passes and the restore brings every key, the alias and the
 * credential back (doctor's salt-key check passes). Then, on the restored target: a backup taken
 * from a newer LiteLLM is refused before anything is touched, and a dump pg_restore cannot read
 * fails, changes no row, and leaves the gateway started and ready.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect, test } from "vitest";
import { parseHeader, serializeHeader } from "../../backup/format";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  dbQuery,
  deployTestStack,
  health,
  inspect,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

const CRED_KEY = "sk-backup-cred-0123456789abcdef";

const counts = (t: DeployedStack): Promise<string> =>
  dbQuery(
    t.names.db,
    `SELECT (SELECT count(*) FROM "LiteLLM_VerificationToken") || ',' || (SELECT count(*) FROM "LiteLLM_ProxyModelTable") || ',' || (SELECT count(*) FROM "LiteLLM_CredentialsTable")`,
  );

describeE2E("backup and restore", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("a backup restores into a fresh stack with the source's salt key, and only then", async () => {
    const source = await deployTestStack("backup", {
      config: {
        imageSource: "local",
        "credentials[0].name": "backup-cred",
        "credentials[0].provider": "openai",
        "credentials[0].values.api_key": { secret: CRED_KEY },
        "models[0].name": "backup-chat",
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": "restored answer",
        "keys[0].alias": "backup-app",
      },
    });
    let target: DeployedStack | undefined;
    try {
      const master = await source.output<string>("LITELLM_MASTER_KEY");
      const configKey = (await source.output<Record<string, string>>("virtualKeys"))["backup-app"];
      expect(configKey).toBeDefined();
      const made = await adminApi(source.baseUrl, "POST", "/key/generate", master, {
        key_alias: "by-hand",
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      const handKey = made.body["key"] as string;
      const salt = (await source.output<{ saltKey: string }>("dataSecrets")).saltKey;

      const file = path.join(source.dir, "source.litellm-backup");
      const backup = await source.cli("backup", ["--out", file]);
      expect(backup.code, backup.stdout + backup.stderr).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const printed = backup.stdout + backup.stderr;
      for (const secret of [salt, master, configKey as string, handKey, CRED_KEY]) {
        expect(printed.includes(secret), "a secret in the output of backup").toBe(false);
      }
      const bytes = readFileSync(file);
      const { header, offset } = parseHeader(file, bytes);
      const [tokens, models, creds] = (await counts(source)).split(",").map(Number);
      expect(header.counts).toEqual({
        LiteLLM_VerificationToken: tokens,
        LiteLLM_ProxyModelTable: models,
        LiteLLM_CredentialsTable: creds,
      });
      expect(header.counts.LiteLLM_ProxyModelTable).toBeGreaterThanOrEqual(1);
      expect(header.counts.LiteLLM_CredentialsTable).toBe(1);
      expect(header.stack).toBe(source.name);
      expect(bytes.includes(salt)).toBe(false);
      const again = await source.cli("backup", ["--out", file]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("never overwrites");

      // A fresh target with its own salt: refused before its database is touched.
      target = await deployTestStack("restore", { config: { imageSource: "local" } });
      const before = await counts(target);
      const refused = await target.cli("restore", ["--from", file]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`stack '${source.name}'`);
      expect(refused.stderr).toContain(`stack '${target.name}'`);
      expect(refused.stderr).toContain("would not decrypt");
      expect(refused.stderr + refused.stdout).not.toContain(salt);
      expect(await counts(target)).toBe(before);

      // The source's salt key, configured: up replaces the generated one (it was protected).
      await target.setConfig({ saltKey: { secret: salt }, allowSaltKeyChange: "true" });
      const up = await target.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const restored = await target.cli("restore", ["--from", file]);
      expect(restored.code, restored.stdout + restored.stderr).toBe(0);
      expect(restored.stdout + restored.stderr).not.toContain(salt);
      expect(await counts(target)).toBe(`${tokens},${models},${creds}`);

      for (const key of [configKey as string, handKey]) {
        expect(await chat(target.baseUrl, key, "backup-chat")).toEqual({
          status: 200,
          text: "restored answer",
        });
      }
      const listed = await adminApi(target.baseUrl, "GET", "/v1/models", handKey);
      expect(JSON.stringify(listed.body)).toContain("backup-chat");
      const doctor = await target.cli("doctor");
      expect(doctor.stdout).toMatch(/^PASS salt-key/m);

      // A backup from a newer LiteLLM than the target runs: refused, the gateway not even stopped.
      const dump = bytes.subarray(offset);
      const newer = path.join(source.dir, "newer.litellm-backup");
      writeFileSync(
        newer,
        Buffer.concat([serializeHeader({ ...header, litellmVersion: "9.0.0" }), dump]),
      );
      const names = target.names;
      const dbStartedAt = () => dbQuery(names.db, "SELECT pg_postmaster_start_time()").then(String);
      const gatewayStarted = async () =>
        ((await inspect("container", names.gateway))?.["State"] as { StartedAt: string }).StartedAt;
      const gatewayBefore = await gatewayStarted();
      const tooOld = await target.cli("restore", ["--from", newer]);
      expect(tooOld.code, tooOld.stdout + tooOld.stderr).toBe(1);
      expect(tooOld.stderr).toContain("was taken from LiteLLM 9.0.0");
      expect(tooOld.stderr).toContain("Nothing was changed");
      expect(await gatewayStarted()).toBe(gatewayBefore);

      // A dump pg_restore cannot read: it fails in its single transaction, no row changes, and the
      // gateway it stopped is started again and ready.
      const broken = path.join(source.dir, "broken.litellm-backup");
      writeFileSync(broken, Buffer.concat([serializeHeader(header), dump.subarray(0, 4096)]));
      const rowsBefore = await counts(target);
      const dbBefore = await dbStartedAt();
      const failed = await target.cli("restore", ["--from", broken]);
      expect(failed.code, failed.stdout + failed.stderr).toBe(1);
      expect(failed.stderr).toMatch(/pg_restore/);
      expect(failed.stdout + failed.stderr).toContain("waiting for /health/readiness");
      expect(await counts(target)).toBe(rowsBefore);
      expect(await dbStartedAt()).toBe(dbBefore);
      expect(await gatewayStarted()).not.toBe(gatewayBefore);
      expect(await health(target.names.gateway)).toBe("healthy");
      expect(await chat(target.baseUrl, handKey, "backup-chat")).toEqual({
        status: 200,
        text: "restored answer",
      });
    } finally {
      await target?.remove();
      await source.remove();
    }
  }, 1_800_000);
});
