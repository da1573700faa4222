/**
 * State written by an older version of the admin provider code can still be refreshed and
 * destroyed after the code changes: deploy from a copy of the project, change the copy's admin
 * code (both the serialized shim and the implementation), then refresh, preview and destroy.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  POSTGRES_IMAGE,
  ROOT,
  adminApi,
  describeE2E,
  pulumi,
  pulumiOk,
  removeStack,
  uniqueSuffix,
} from "./harness";
import { LITELLM_IMAGE } from "../gateway/real-litellm";

const STACK = `upgrade-${uniqueSuffix()}`;
const PORT = "4300";
const BASE_URL = `http://127.0.0.1:${PORT}`;

describeE2E(
  "admin resources survive a code change (refresh and destroy of old state)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    const project = mkdtempSync(path.join(tmpdir(), "litellm-stack-upgrade-"));
    const opts = { project };
    let masterKey = "";

    beforeAll(async () => {
      for (const entry of [
        "index.ts",
        "config.ts",
        "components",
        "Pulumi.yaml",
        "package.json",
        "tsconfig.json",
      ]) {
        cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
      }
      symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
      await pulumiOk(["stack", "init", STACK, "--secrets-provider", "passphrase"], opts);
      const set = [
        "--plaintext",
        `hostPort=${PORT}`,
        "--plaintext",
        `gatewayImage=${LITELLM_IMAGE}`,
        "--plaintext",
        `postgresImage=${POSTGRES_IMAGE}`,
        "--plaintext",
        "gatewayWaitTimeout=300",
        "--plaintext",
        "deleteDataOnDestroy=true",
        "--path",
        "--secret",
        "credentials[0].values.api_key=sk-upgrade-test-0123456789",
        "--path",
        "--plaintext",
        "credentials[0].name=up-cred",
        "--path",
        "--plaintext",
        "credentials[0].provider=openai",
        "--path",
        "--plaintext",
        "models[0].name=up-model",
        "--path",
        "--plaintext",
        "models[0].target=openai/gpt-4o",
        "--path",
        "--plaintext",
        "models[0].credential=up-cred",
        "--path",
        "--plaintext",
        "keys[0].alias=up-key",
      ];
      await pulumiOk(["config", "set-all", "--stack", STACK, ...set], opts);
      await pulumiOk(["up", "--yes", "--skip-preview", "--stack", STACK], opts);
      masterKey = (
        await pulumiOk(
          ["stack", "output", "LITELLM_MASTER_KEY", "--show-secrets", "--stack", STACK],
          opts,
        )
      ).trim();
    });

    afterAll(async () => {
      await removeStack(STACK, opts);
      rmSync(project, { recursive: true, force: true });
    });

    it("refreshes, previews and destroys after the provider code changed", async () => {
      const before = await pulumiOk(["stack", "export", "--stack", STACK], opts);
      const shim = path.join(project, "components/admin/providers.ts");
      const impl = path.join(project, "components/admin/impl/index.ts");
      // A new version: the serialized shim text changes, and so does the implementation.
      writeFileSync(
        shim,
        readFileSync(shim, "utf8").replace(
          "const root = process.cwd();",
          "const root = process.cwd(); // v2",
        ),
      );
      writeFileSync(
        impl,
        `${readFileSync(impl, "utf8")}\nexport const IMPLEMENTATION_VERSION = 2;\n`,
      );

      const refresh = await pulumi(["refresh", "--yes", "--stack", STACK], opts);
      expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
      const preview = await pulumi(["preview", "--expect-no-changes", "--stack", STACK], opts);
      expect(preview.code, preview.stdout + preview.stderr).toBe(0);
      // State still holds the old serialized provider (no "// v2"): refresh ran the old shim,
      // which loaded the new implementation.
      const afterRefresh = await pulumiOk(["stack", "export", "--stack", STACK], opts);
      expect(before).toContain("loadAdminImpl");
      expect(afterRefresh).toContain("loadAdminImpl");
      expect(afterRefresh).not.toContain("// v2");

      const models = await adminApi(BASE_URL, "GET", "/model/info", masterKey);
      expect((models.body["data"] as { model_name: string }[]).map((m) => m.model_name)).toContain(
        "up-model",
      );
      await pulumiOk(["state", "unprotect", "--all", "--yes", "--stack", STACK], opts);
      const destroy = await pulumi(["destroy", "--yes", "--stack", STACK], opts);
      expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
      const state = JSON.parse(await pulumiOk(["stack", "export", "--stack", STACK], opts)) as {
        deployment: { resources?: unknown[] };
      };
      expect(state.deployment.resources ?? []).toEqual([]);
    });
  },
);
