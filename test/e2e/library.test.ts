/**
 * litellm-stack used as a library: a second Pulumi project (test/fixtures/library) that imports
 * the package's components by name, as a consumer does after `npm install litellm-stack`,
 * declares a gateway with one credential, one alias and one key, and goes through up, a preview
 * with no changes, and destroy. The consumer's directory is a temporary copy outside this
 * checkout, with `node_modules/litellm-stack` linked to it (dependencies linked beside it), so
 * the dynamic providers must find their implementation by package name from the consumer's cwd.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  adminApi,
  chat,
  createTestStack,
  freePort,
  inspect,
} from "./harness";
import { describeE2E } from "./suite";

/** The fixture copied to a temporary consumer project with litellm-stack "installed". */
function consumerProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-consumer-"));
  cpSync(path.join(ROOT, "test/fixtures/library"), dir, { recursive: true });
  const modules = path.join(dir, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
    if (!entry.startsWith(".")) {
      symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
    }
  }
  symlinkSync(ROOT, path.join(modules, "litellm-stack"));
  return dir;
}

describeE2E(
  "litellm-stack used as a library by another Pulumi project",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("a consumer project declares a gateway with a credential, an alias and a key: up, no-change preview, destroy", async () => {
      const project = consumerProject();
      const port = await freePort();
      const t = await createTestStack("library", {
        project,
        config: {
          "litellm-stack-library:hostPort": String(port),
          "litellm-stack-library:gatewayImage": LITELLM_IMAGE,
          "litellm-stack-library:postgresImage": POSTGRES_IMAGE,
          "litellm-stack-library:apiKey": { secret: "sk-library-fixture-0077" },
        },
      });
      try {
        const up = await t.stack.up();
        expect(up.summary.result).toBe("succeeded");
        const baseUrl = await t.output<string>("baseUrl");
        expect(baseUrl).toBe(`http://127.0.0.1:${port}`);
        const masterKey = await t.output<string>("masterKey");
        const rawKey = (await t.output<Record<string, string>>("rawKeys"))["lib-key"] ?? "";

        const creds = await adminApi(baseUrl, "GET", "/credentials", masterKey);
        expect(
          (
            creds.body["credentials"] as {
              credential_name: string;
              credential_values: Record<string, unknown>;
            }[]
          ).map((c) => [c.credential_name, c.credential_values["api_key"]]),
        ).toEqual([["lib-cred", "sk****77"]]);
        expect(await chat(baseUrl, rawKey, "lib-model")).toEqual({
          status: 200,
          text: "answer from the library fixture",
        });

        expect(await t.changes()).toEqual([]);

        const destroyed = await t.destroy();
        expect(destroyed.summary.result).toBe("succeeded");
        expect(destroyed.summary.resourceChanges?.["delete"]).toBeGreaterThanOrEqual(10);
        const names = ["litellm-" + t.name, "litellm-" + t.name + "-db"];
        for (const name of names) {
          expect(await inspect("container", name)).toBeUndefined();
        }
      } finally {
        await t.remove();
        rmSync(project, { recursive: true, force: true });
      }
    });
  },
);
