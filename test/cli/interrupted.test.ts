/**
 * The locks an interrupted update leaves in a file:// backend: found for the right stack only;
 * a dead process's lock of this machine is removed, a running holder's or another machine's is
 * refused with a message naming the holder and the fix.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  clearStaleLocks,
  isZombieStat,
  removeTruncatedSidecars,
  stackLocks,
} from "../../cli/interrupted";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
  }
});

/** A backend with one lock of `stack` held by `pid` on `host`; returns its URL and the file. */
function backendWithLock(stack: string, pid: number, host = hostname()) {
  const root = mkdtempSync(path.join(tmpdir(), "litellm-stack-locks-"));
  dirs.push(root);
  const dir = path.join(root, ".pulumi", "locks", "organization", "litellm-stack", stack);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "0b7c.json");
  writeFileSync(
    file,
    JSON.stringify({ pid, username: "ci", hostname: host, timestamp: "2026-12-02T10:00:00Z" }),
  );
  return { url: `file://${root}`, file };
}

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync("true").pid ?? 999_999;

describe("interrupted updates' locks", () => {
  it("finds the lock of the stack and not of another stack or another backend kind", () => {
    const { url, file } = backendWithLock("dev", 1234);
    expect(stackLocks(url, "dev")).toEqual([
      { file, pid: 1234, hostname: hostname(), username: "ci", timestamp: "2026-12-02T10:00:00Z" },
    ]);
    expect(stackLocks(url, "prod")).toEqual([]);
    expect(stackLocks("s3://bucket", "dev")).toEqual([]);
    expect(stackLocks(undefined, "dev")).toEqual([]);
  });

  it("removes the lock of a process of this machine that no longer runs", () => {
    const { url, file } = backendWithLock("dev", deadPid());
    clearStaleLocks(url, "dev");
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a lock whose process runs, keeping it", () => {
    const { url, file } = backendWithLock("dev", process.pid);
    expect(() => clearStaleLocks(url, "dev")).toThrow(
      `the stack 'dev' is being updated by another process, ci@${hostname()} (pid ${process.pid}, since 2026-12-02T10:00:00Z). Fix: wait for it to end, then run npm run up again`,
    );
    expect(existsSync(file)).toBe(true);
  });

  it("removes the lock of a zombie (killed, not yet collected by whoever inherited it)", async () => {
    // The shell execs `sleep 10`, which never collects a child. Its background child waits until
    // that exec has happened (its parent's comm reads "sleep") and only then exits, so the shell
    // cannot reap it first: a zombie for ten seconds, as a killed update's pulumi under a lazy init.
    const parent = spawn(
      "bash",
      [
        "-c",
        "p=$$; ( until grep -qx sleep /proc/$p/comm; do sleep 0.01; done ) & echo $!; exec sleep 10",
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const stat = (pid: number): string => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        return "";
      }
    };
    try {
      const pid = Number(
        await new Promise<string>((resolve) =>
          parent.stdout.once("data", (d: Buffer) => resolve(d.toString())),
        ),
      );
      for (let i = 0; i < 250 && !isZombieStat(stat(pid)); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(isZombieStat(stat(pid))).toBe(true);
      const { url, file } = backendWithLock("dev", pid);
      clearStaleLocks(url, "dev");
      expect(existsSync(file)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it.each([
    ["1234 (pulumi) Z 1 1234", true],
    ["1234 (pulumi) S 1 1234", false],
    ["1234 (a (b) Z) R 1 1234", false],
    ["1234 (a (b) c) Z 1 1234", true],
  ])("reads the state of /proc/<pid>/stat %j as zombie: %s", (stat, zombie) => {
    expect(isZombieStat(stat)).toBe(zombie);
  });

  it("refuses a lock of another machine, naming pulumi cancel as the fix once it is known dead", () => {
    const { url, file } = backendWithLock("dev", deadPid(), "other-host");
    expect(() => clearStaleLocks(url, "dev")).toThrow(
      "the stack 'dev' is locked by an update on another machine, ci@other-host (pid",
    );
    expect(() => clearStaleLocks(url, "dev")).toThrow(
      "remove its lock with 'npm run pulumi -- cancel --stack dev --yes'",
    );
    expect(existsSync(file)).toBe(true);
  });
});

describe("metadata sidecars an interrupted write left unreadable", () => {
  /** A backend with `files` (relative to .pulumi/) holding the given contents. */
  function backendWith(files: Record<string, string>): { url: string; root: string } {
    const root = mkdtempSync(path.join(tmpdir(), "litellm-stack-sidecars-"));
    dirs.push(root);
    for (const [rel, content] of Object.entries(files)) {
      const full = path.join(root, ".pulumi", rel);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    return { url: `file://${root}`, root };
  }

  it("removes the stack's empty or truncated sidecars and keeps valid ones, other stacks' and the state", () => {
    const valid = JSON.stringify({ "user.cache_control": "", md5: "abc" });
    const { url, root } = backendWith({
      "stacks/litellm-stack/dev.json": '{"version":3}',
      "stacks/litellm-stack/dev.json.attrs": "",
      "stacks/litellm-stack/dev.json.bak.attrs": '{"md5":',
      "stacks/litellm-stack/prod.json.attrs": "",
      "stacks/litellm-stack/devel.json.attrs": "",
      "history/litellm-stack/dev/dev-1.history.json.attrs": "",
      "history/litellm-stack/dev/dev-2.history.json.attrs": valid,
      "stacks/litellm-stack/dev.json.1.attrs": valid,
    });
    const at = (rel: string) => path.join(root, ".pulumi", rel);
    expect(removeTruncatedSidecars(url, "dev").sort()).toEqual(
      [
        "history/litellm-stack/dev/dev-1.history.json.attrs",
        "stacks/litellm-stack/dev.json.attrs",
        "stacks/litellm-stack/dev.json.bak.attrs",
      ].map(at),
    );
    for (const kept of [
      "stacks/litellm-stack/dev.json",
      "stacks/litellm-stack/prod.json.attrs",
      "stacks/litellm-stack/devel.json.attrs",
      "history/litellm-stack/dev/dev-2.history.json.attrs",
      "stacks/litellm-stack/dev.json.1.attrs",
    ]) {
      expect(existsSync(at(kept)), kept).toBe(true);
    }
  });

  it("does nothing for other backends or a backend not written yet", () => {
    expect(removeTruncatedSidecars("s3://bucket", "dev")).toEqual([]);
    expect(removeTruncatedSidecars(undefined, "dev")).toEqual([]);
    expect(
      removeTruncatedSidecars(`file://${path.join(tmpdir(), "no-such-backend")}`, "dev"),
    ).toEqual([]);
  });
});
