/**
 * The stack program as an Automation API inline program: config secret-ness comes through the
 * SDK (from the run request here, not from PULUMI_CONFIG_SECRET_KEYS), so a master key stored in
 * plaintext is refused and the same key set as a secret is accepted.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { afterEach, expect, test } from "vitest";
import { litellmStackProgram } from "../../program";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  TEST_PASSPHRASE,
  uniqueSuffix,
  useToolchainEnv,
} from "./harness";
import { describeE2E } from "./suite";

const MASTER_KEY = "sk-inline-test-master-key-0123456789";
const dirs: string[] = [];

async function inlineStack(): Promise<Stack> {
  useToolchainEnv();
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-inline-"));
  dirs.push(dir);
  // The engine starts the dynamic-provider host in the work dir: it needs @pulumi/pulumi there.
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return LocalWorkspace.createStack(
    {
      stackName: `e2e-inline-${uniqueSuffix()}`,
      projectName: "litellm-stack",
      program: async () => litellmStackProgram(),
    },
    {
      workDir: dir,
      envVars: {
        PULUMI_BACKEND_URL: `file://${dir}`,
        PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
        PULUMI_CONFIG_PASSPHRASE_FILE: "",
      },
      projectSettings: { name: "litellm-stack", runtime: "nodejs" },
    },
  );
}

afterEach(() => {
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeE2E(
  "the stack program run inline (Automation API)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("refuses a master key stored in plaintext, naming the key and the fix", async () => {
      const stack = await inlineStack();
      await stack.setAllConfig({
        "litellm-stack:imageSource": { value: "local" },
        "litellm-stack:masterKey": { value: MASTER_KEY },
      });
      const error = await stack.preview().then(
        () => undefined,
        (err: unknown) => String(err),
      );
      expect(error).toContain(
        "litellm-stack:masterKey: is stored in plaintext; it must be a secret.",
      );
      expect(error).toContain("pulumi config set --secret litellm-stack:masterKey");
      expect(error).not.toContain(MASTER_KEY);
    });

    test("accepts the same master key set as a secret and plans the whole stack", async () => {
      const stack = await inlineStack();
      await stack.setAllConfig({
        "litellm-stack:imageSource": { value: "local" },
        "litellm-stack:masterKey": { value: MASTER_KEY, secret: true },
      });
      const preview = await stack.preview();
      expect(preview.changeSummary["create"]).toBeGreaterThanOrEqual(10);
    });
  },
);
