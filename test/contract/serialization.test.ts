import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { credentialProvider, keyProvider, modelProvider } from "../../components/admin/providers";
import { conn, gateway, unique } from "./helpers";

const providers = { credentialProvider, modelProvider, keyProvider };

async function serialize(p: object) {
  return pulumi.runtime.serializeFunction(() => p);
}

describe("serialized providers (__provider)", () => {
  it.each(Object.entries(providers))("%s is small and holds no secret", async (_name, p) => {
    const s = await serialize(p);
    const bytes = Buffer.byteLength(s.text, "utf8");
    expect(bytes).toBeLessThanOrEqual(4096);
    expect(s.containsSecrets).toBe(false);
    expect(s.text).not.toContain(gateway().masterKey);
    expect(s.text).not.toMatch(/sk-[A-Za-z0-9]/);
    // The implementation is loaded by package name at run time, never inlined.
    expect(s.text).not.toContain("AdminClient");
    expect(s.text).not.toContain("zod");
    expect(s.text).toContain("litellm-stack/admin-impl");
  });
});

describe("serialized provider run in a plain Node process (as the provider host does) against the real gateway", () => {
  function runInNode(text: string, script: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "litellm-provider-"));
    writeFileSync(join(dir, "provider.js"), text);
    const code = `const p = require(${JSON.stringify(join(dir, "provider.js"))}).handler();\n${script}`;
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ["-e", code],
        { cwd: process.cwd(), env: { ...process.env, LITELLM_ADMIN_READY_TIMEOUT_MS: "5000" } },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  }

  it("loads the compiled implementation by package name and creates, reads and deletes a key", async () => {
    const s = await serialize(keyProvider);
    const inputs = { ...conn(), owner: "o/s/k", alias: unique("from-child"), models: [] };
    const out = await runInNode(
      s.text,
      `(async () => {
        const bad = await p.check({}, ${JSON.stringify({ ...inputs, alias: "agyn_key" })});
        const c = await p.create(${JSON.stringify(inputs)});
        const r = await p.read(c.id, c.outs);
        await p.delete(c.id, c.outs);
        const gone = await p.read(c.id, c.outs);
        console.log(JSON.stringify({ bad: bad.failures, same: r.id === c.id, gone: gone.id }));
      })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    expect(JSON.parse(out)).toEqual({
      bad: [
        {
          property: "alias",
          reason:
            'alias "agyn_key" is reserved by the consuming server, which deletes keys under it at boot (reserved: agyn_key, agents-service)',
        },
      ],
      same: true,
      gone: "",
    });
  });
});
