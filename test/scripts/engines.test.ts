/**
 * images/litellm/engines.sh refuses bad input before any build starts, in one line that names the
 * problem and the fix: an explicit source that is not there, a bundle with the wrong sha256, no
 * cargo. Each run gets an empty cache, so no cached engines can hide the check.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const script = path.join(root, "images/litellm/engines.sh");
const scratch = mkdtempSync(path.join(tmpdir(), "litellm-stack-engines-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function engines(env: Record<string, string>): { status: number | null; stderr: string } {
  const cache = mkdtempSync(path.join(scratch, "cache-"));
  const result = spawnSync("bash", [script], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, LITELLM_STACK_CACHE: cache, ...env },
  });
  return { status: result.status, stderr: result.stderr };
}

describe("engines.sh input errors", () => {
  it("names an explicit source that does not exist, and the variable that fixes it", () => {
    const r = engines({ LITELLM_STACK_PRISMA_ENGINES_SRC: path.join(scratch, "nowhere.tgz") });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-1)).toBe(
      `error: the Prisma engine source bundle prisma-engines-5.4.2-src.tgz was not found at ${path.join(scratch, "nowhere.tgz")}: set LITELLM_STACK_PRISMA_ENGINES_SRC to the bundle, its directory or a git URL of prisma-engines (see docs/offline.md)`,
    );
  });

  it("refuses a bundle whose sha256 is not the pinned one", () => {
    const bad = path.join(scratch, "prisma-engines-5.4.2-src.tgz");
    writeFileSync(bad, "not the bundle");
    const r = engines({ LITELLM_STACK_PRISMA_ENGINES_SRC: bad });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /error: .*prisma-engines-5\.4\.2-src\.tgz has sha256 [0-9a-f]{64}, expected f4f4bb0a7db0c82507383ee753434105284630c3d7e6f8725b0ddd7b8e60dc70 \(images\/litellm\/versions\.env\)/,
    );
  });

  it("says how to get cargo when it is missing", () => {
    const r = engines({ PATH: "/usr/bin:/bin" });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(
      "error: cargo is missing: install Rust (https://rustup.rs or 'apt-get install cargo'), then rerun 'npm run images'",
    );
  });
});
