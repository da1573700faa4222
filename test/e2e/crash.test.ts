/**
 * Crash safety (issue 14, item 2): `npm run up` — the CLI, the Pulumi engine under it and its
 * plugins, one process group — is killed with SIGKILL while it creates 30 admin objects
 * (6 credentials, 12 model aliases, 12 virtual keys), at three points: after a few, about half
 * and most of them exist in the gateway. The next `npm run up` (what docs/troubleshooting.md
 * tells users to run) clears the dead update's lock and pending operations and converges: every
 * object exactly once, none the state does not know, a preview with refresh finds nothing to do.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { clearStaleLocks, stackLocks } from "../../cli/interrupted";
import { consistency, declareSeed, type ContentCounts } from "../faults/convergence";
import { LITELLM_IMAGE, POSTGRES_IMAGE, createTestStack, dbQuery, type TestStack } from "./harness";
import { describeE2E } from "./suite";

const THIRTY: ContentCounts = { credentials: 6, models: 12, keys: 12 };
const TOTAL = THIRTY.credentials + THIRTY.models + THIRTY.keys;

/** Rows of seed `seed`'s objects in the gateway's database. */
async function created(t: TestStack, seed: number): Promise<number> {
  const like = `'s${seed}-%'`;
  const out = await dbQuery(
    t.names.db,
    `SELECT (SELECT count(*) FROM "LiteLLM_VerificationToken" WHERE key_alias LIKE ${like})` +
      ` + (SELECT count(*) FROM "LiteLLM_ProxyModelTable" WHERE model_name LIKE ${like})` +
      ` + (SELECT count(*) FROM "LiteLLM_CredentialsTable" WHERE credential_name LIKE ${like})`,
  );
  return Number(out);
}

/**
 * Runs `npm run up` in its own process group and kills the whole group with SIGKILL once at
 * least `after` of seed `seed`'s objects exist. Resolves with how many existed at the kill and
 * the signal the run ended with.
 */
async function upKilledAfter(
  t: TestStack,
  seed: number,
  after: number,
): Promise<{ atKill: number; signal: NodeJS.Signals | null; output: string }> {
  const { file, args, env } = t.cliInvocation("up");
  const child = spawn(file, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const ended = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  let exited = false;
  void ended.then(() => (exited = true));
  let atKill = 0;
  for (;;) {
    atKill = await created(t, seed).catch(() => 0);
    if (atKill >= after || exited) {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!exited && child.pid !== undefined) {
    process.kill(-child.pid, "SIGKILL");
  }
  return { atKill, signal: await ended, output };
}

describeE2E("crash safety on the real gateway", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  let t: TestStack;

  beforeAll(async () => {
    t = await createTestStack("crash", { config: { imageSource: "local" } });
    const up = await t.cli("up");
    if (up.code !== 0) {
      throw new Error(`npm run up of ${t.name} exited ${up.code}\n${up.stderr}`);
    }
  });

  afterAll(async () => {
    await t?.remove();
  });

  // Kill points: a few, about half, most of the 30 objects (each seed replaces the previous one's).
  test.for([
    [1, 3],
    [2, 15],
    [3, 26],
  ])(
    "seed %i: up killed with SIGKILL after %i of 30 admin objects exist; the next up converges with no duplicate or orphan",
    async ([seed = 0, after = 0]) => {
      await declareSeed(t, seed, THIRTY);
      const killed = await upKilledAfter(t, seed, after);
      // It was killed half-way: by the signal, before all 30 existed.
      expect(killed.signal, killed.output).toBe("SIGKILL");
      expect(killed.atKill).toBeGreaterThanOrEqual(after);
      expect(killed.atKill).toBeLessThan(TOTAL);

      const up = await t.cli("up");
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
      // The killed update's lock was left behind, and up removed it (the recovery ran).
      expect(up.stderr).toContain("removing the lock of an update that was interrupted");
      expect(stackLocks(t.env["PULUMI_BACKEND_URL"], t.name)).toEqual([]);
      expect(await consistency(t)).toEqual({ duplicates: [], orphans: [], missing: [] });
      expect(await created(t, seed)).toBe(TOTAL);
      expect(await t.changes()).toEqual([]);
    },
  );

  test("a state metadata file left empty by a kill between fileblob's two writes: Pulumi cannot read the stack; up removes the file and converges", async () => {
    // fileblob writes the checkpoint atomically, then truncates and rewrites its `.attrs`
    // sidecar in place: a kill in between leaves the sidecar empty (a CI run hit it).
    const stacks = path.join(
      (t.env["PULUMI_BACKEND_URL"] ?? "").slice("file://".length),
      ".pulumi",
      "stacks",
    );
    const find = (dir: string): string | undefined => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        const hit = e.isDirectory()
          ? find(full)
          : e.name === `${t.name}.json.attrs`
            ? full
            : undefined;
        if (hit !== undefined) {
          return hit;
        }
      }
      return undefined;
    };
    const sidecar = find(stacks);
    expect(sidecar, `no ${t.name}.json.attrs under ${stacks}`).toBeDefined();
    writeFileSync(sidecar ?? "", "");
    // Pulumi cannot read the stack any more (the failure the CI run met).
    await expect(t.stack.exportStack()).rejects.toThrow("failed to load checkpoint");

    const up = await t.cli("up");
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(up.stderr).toContain(
      "a metadata file of the state backend that an interrupted update left unreadable (the state itself is intact)",
    );
    expect(await consistency(t)).toEqual({ duplicates: [], orphans: [], missing: [] });
    expect(await t.changes()).toEqual([]);
  });

  test("a lock held by a running process is not removed: up refuses, naming the holder", async () => {
    // The test's own process holds a lock file of the stack's format.
    const backend = t.env["PULUMI_BACKEND_URL"] ?? "";
    const dir = path.join(
      backend.slice("file://".length),
      ".pulumi/locks/organization/litellm-stack",
      t.name,
    );
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "held-by-test.json");
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        username: "test",
        hostname: hostname(),
        timestamp: new Date().toISOString(),
      }),
    );
    try {
      expect(() => clearStaleLocks(backend, t.name)).toThrow(
        `the stack '${t.name}' is being updated by another process, test@${hostname()} (pid ${process.pid}`,
      );
      const up = await t.cli("up");
      expect(up.code).toBe(1);
      expect(up.stderr).toContain("is being updated by another process");
    } finally {
      rmSync(file, { force: true });
    }
  });
});
