/**
 * State written by an older version of the admin provider code can still be refreshed and
 * destroyed after the code changes: deploy from a copy of the project, change the copy's admin
 * code (both the serialized shim and the compiled implementation), then refresh, preview and
 * destroy.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  adminApi,
  createTestStack,
  describeE2E,
} from "./harness";

/** A copy of the project's program (sources, settings, its own dist/) sharing node_modules. */
function copyProject(): string {
  const project = mkdtempSync(path.join(tmpdir(), "litellm-stack-upgrade-"));
  for (const entry of [
    "index.ts",
    "program.ts",
    "config.ts",
    "components",
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
  ]) {
    cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
  build(project);
  return project;
}

function build(project: string): void {
  execFileSync(process.execPath, [
    path.join(ROOT, "node_modules/typescript/bin/tsc"),
    "-p",
    path.join(project, "tsconfig.build.json"),
  ]);
}

/** Replaces `from` in a file, asserting it was there (so the change cannot silently do nothing). */
function edit(file: string, from: string, to: string): void {
  const before = readFileSync(file, "utf8");
  expect(before).toContain(from);
  writeFileSync(file, before.replace(from, to));
}

describeE2E(
  "admin resources survive a code change (refresh and destroy of old state)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("refreshes, previews and destroys after the provider code changed", async () => {
      const project = copyProject();
      const t = await createTestStack("upgrade", {
        project,
        config: {
          imageSource: "local",
          gatewayWaitTimeout: "300",
          deleteDataOnDestroy: "true",
          "credentials[0].values.api_key": { secret: "sk-upgrade-test-0123456789" },
          "credentials[0].name": "up-cred",
          "credentials[0].provider": "openai",
          "models[0].name": "up-model",
          "models[0].target": "openai/gpt-4o",
          "models[0].credential": "up-cred",
          "keys[0].alias": "up-key",
        },
      });
      try {
        await t.stack.up();
        const masterKey = await t.output<string>("LITELLM_MASTER_KEY");
        const before = t.rawState();
        expect(before).toContain("litellm-stack/admin-impl");
        // A new version: the serialized shim text changes, and so does the implementation.
        edit(
          path.join(project, "components/admin/providers.ts"),
          "const root = process.cwd();",
          "const root = process.cwd(); // v2",
        );
        edit(
          path.join(project, "components/admin/impl/index.ts"),
          "/**",
          "export const IMPLEMENTATION_VERSION = 2;\n/**",
        );
        build(project);
        expect(
          readFileSync(path.join(project, "dist/components/admin/impl/index.js"), "utf8"),
        ).toContain("IMPLEMENTATION_VERSION");

        const refresh = await t.stack.refresh();
        expect(refresh.summary.result).toBe("succeeded");
        expect(await t.changes()).toEqual([]);
        // State still holds the old serialized provider (no "// v2"): refresh ran the old shim,
        // which loaded the new implementation.
        const afterRefresh = t.rawState();
        expect(afterRefresh).toContain("loadAdminImpl");
        expect(afterRefresh).not.toContain("// v2");

        const models = await adminApi(t.baseUrl, "GET", "/model/info", masterKey);
        expect(
          (models.body["data"] as { model_name: string }[]).map((m) => m.model_name),
        ).toContain("up-model");
        const destroyed = await t.destroy();
        expect(destroyed.summary.result).toBe("succeeded");
        const state = (await t.stack.exportStack()).deployment as { resources?: unknown[] };
        expect(state.resources ?? []).toEqual([]);
      } finally {
        await t.remove();
        rmSync(project, { recursive: true, force: true });
      }
    });
  },
);
