/**
 * scripts/pulumi.sh (`npm run pulumi`): which CLI it runs and the settings it gives it, checked
 * with a stand-in `pulumi` on PATH and an empty toolchain cache.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "litellm-stack-wrapper-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the scripts in a scratch "project", so a generated .passphrase lands there. */
function project(): string {
  const dir = mkdtempSync(path.join(scratch, "project-"));
  cpSync(path.join(root, "scripts"), path.join(dir, "scripts"), { recursive: true });
  return dir;
}

function fakePulumi(): string {
  const bin = mkdtempSync(path.join(scratch, "bin-"));
  const file = path.join(bin, "pulumi");
  writeFileSync(
    file,
    '#!/bin/sh\necho "fake pulumi $*"\necho "backend=$PULUMI_BACKEND_URL"\necho "passfile=$PULUMI_CONFIG_PASSPHRASE_FILE"\necho "skip=$PULUMI_SKIP_UPDATE_CHECK"\n',
  );
  chmodSync(file, 0o755);
  return bin;
}

function run(dir: string, env: NodeJS.ProcessEnv) {
  return spawnSync("bash", [path.join(dir, "scripts/pulumi.sh"), "version"], {
    env: { ...env, LITELLM_STACK_CACHE: path.join(scratch, "empty-cache") },
    encoding: "utf8",
  });
}

/**
 * A PATH with the system's tools but no `pulumi`, wherever one is installed on this machine:
 * one directory of links to every executable of the usual directories except `pulumi`.
 */
function pathWithoutPulumi(): string {
  const bin = mkdtempSync(path.join(scratch, "system-bin-"));
  for (const dir of [
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
  ]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry !== "pulumi" && !existsSync(path.join(bin, entry))) {
        symlinkSync(path.join(dir, entry), path.join(bin, entry));
      }
    }
  }
  return bin;
}
const basePath = pathWithoutPulumi();

describe("npm run pulumi without a built toolchain", () => {
  it("uses the pulumi on PATH with the project's backend, a generated 0600 passphrase file and no update checks", () => {
    const dir = project();
    const result = run(dir, { HOME: scratch, PATH: `${fakePulumi()}:${basePath}` });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("fake pulumi version");
    expect(result.stdout).toContain(`backend=file://${dir}/.pulumi-state`);
    expect(result.stdout).toContain(`passfile=${dir}/.passphrase`);
    expect(result.stdout).toContain("skip=true");
    expect(statSync(path.join(dir, ".passphrase")).mode & 0o777).toBe(0o600);
  });

  it("keeps a passphrase given in the environment", () => {
    const dir = project();
    const result = run(dir, {
      HOME: scratch,
      PATH: `${fakePulumi()}:${basePath}`,
      PULUMI_CONFIG_PASSPHRASE: "given",
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("passfile=\n");
  });

  it("says how to get a CLI when there is none", () => {
    const dir = project();
    const result = run(dir, { HOME: scratch, PATH: basePath });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("no Pulumi CLI: run 'npm run toolchain'");
  });
});
