/**
 * An update killed half-way (SIGKILL, a crash, a closed terminal) leaves two things behind in a
 * self-managed (file://) backend: the stack's lock, held by a process that is gone, and the
 * operations it had begun (`pending_operations`: objects being created may exist without the
 * state knowing them). `npm run up` clears both before it runs (docs/troubleshooting.md):
 *
 * - a lock of a process of this machine that no longer runs is removed, saying so; a lock of a
 *   running process, or of another machine, is an error naming the holder and the fix;
 * - pending creates are dropped from the state by a refresh (`--clear-pending-creates`). What
 *   they had begun is taken over or replaced by the next create: the admin resources recognise
 *   their own objects (owner tag, deterministic model id, own key generation) and a container or
 *   network whose creation was interrupted is removed first (its data is on the volume, which is
 *   never removed here).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { STREAM } from "./command";
import { docker } from "./docker";
import { CliError, log } from "./report";

/** A lock file of a self-managed backend (`.pulumi/locks/…/<stack>/<id>.json`). */
export interface StackLock {
  /** The lock file. */
  file: string;
  /** The holder's process id, host name and user, and when it took the lock. */
  pid: number;
  hostname: string;
  username: string;
  timestamp: string;
}

/** Calls `visit` with each file under `dir` and the directory holding it (nothing if absent). */
function eachFile(dir: string, visit: (file: string, name: string, parent: string) => void): void {
  if (!existsSync(dir)) {
    return;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      eachFile(full, visit);
    } else {
      visit(full, entry.name, dir);
    }
  }
}

/** The lock files of `stack` in the file:// backend at `backendUrl` (none for other backends). */
export function stackLocks(backendUrl: string | undefined, stack: string): StackLock[] {
  if (backendUrl?.startsWith("file://") !== true) {
    return [];
  }
  const root = path.join(backendUrl.slice("file://".length), ".pulumi", "locks");
  const locks: StackLock[] = [];
  eachFile(root, (full, name, dir) => {
    if (path.basename(dir) === stack && name.endsWith(".json")) {
      const raw = JSON.parse(readFileSync(full, "utf8")) as Partial<Omit<StackLock, "file">>;
      locks.push({
        file: full,
        pid: Number(raw.pid ?? 0),
        hostname: String(raw.hostname ?? ""),
        username: String(raw.username ?? ""),
        timestamp: String(raw.timestamp ?? ""),
      });
    }
  });
  return locks;
}

/**
 * Whether a process's `/proc/<pid>/stat` line says it is a zombie: dead, waiting for its parent
 * to collect its exit status. Its state is the first field after the command name, which is in
 * parentheses and may itself hold spaces or parentheses.
 */
export function isZombieStat(stat: string): boolean {
  return /^\s*Z\b/.test(stat.slice(stat.lastIndexOf(")") + 1));
}

/**
 * Whether process `pid` runs on this machine (EPERM: it runs, as another user). A zombie does
 * not: a killed update's `pulumi` is one until whoever inherited it (after its parent died too,
 * the machine's init) collects it, which some inits do late or never, and its lock must not
 * block the next update meanwhile.
 */
function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !isZombieStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc (not Linux): kill(0) is all there is to go by
  }
}

/**
 * Removes the locks of `stack` left by processes of this machine that are gone; throws for a lock
 * whose holder runs or is on another machine (it may be updating the stack right now).
 */
export function clearStaleLocks(backendUrl: string | undefined, stack: string): void {
  for (const lock of stackLocks(backendUrl, stack)) {
    const holder = `${lock.username}@${lock.hostname} (pid ${lock.pid}, since ${lock.timestamp})`;
    if (lock.hostname !== hostname()) {
      throw new CliError(
        `the stack '${stack}' is locked by an update on another machine, ${holder}. Fix: wait for it to end; if that machine's update was killed, remove its lock with 'npm run pulumi -- cancel --stack ${stack} --yes', then run npm run up again`,
      );
    }
    if (running(lock.pid)) {
      throw new CliError(
        `the stack '${stack}' is being updated by another process, ${holder}. Fix: wait for it to end, then run npm run up again`,
      );
    }
    log(`removing the lock of an update that was interrupted: ${holder} no longer runs`);
    rmSync(lock.file, { force: true });
  }
}

/**
 * The file:// backend stores each object through gocloud's fileblob, which writes the object to
 * a temporary file and renames it (atomic), but writes its metadata sidecar `<object>.attrs` in
 * place: it truncates the sidecar, then writes it. An update killed between the two leaves an
 * empty sidecar, and every later command on the stack fails with "failed to load checkpoint:
 * EOF" although the state itself is intact. The sidecars of `stack`'s objects (its checkpoint,
 * backups and history) that are not valid JSON are removed, saying so: fileblob reads a missing
 * sidecar as no metadata. Returns the files removed (none for other backends).
 */
export function removeTruncatedSidecars(backendUrl: string | undefined, stack: string): string[] {
  if (backendUrl?.startsWith("file://") !== true) {
    return [];
  }
  const root = path.join(backendUrl.slice("file://".length), ".pulumi");
  const removed: string[] = [];
  eachFile(root, (full, name, dir) => {
    const ours = name.startsWith(`${stack}.json`) || path.basename(dir) === stack;
    if (!ours || !name.endsWith(".attrs")) {
      return;
    }
    try {
      JSON.parse(readFileSync(full, "utf8"));
    } catch {
      rmSync(full, { force: true });
      log(
        `removed ${path.relative(root, full)}, a metadata file of the state backend that an interrupted update left unreadable (the state itself is intact)`,
      );
      removed.push(full);
    }
  });
  return removed;
}

/** An operation the state records as begun and never finished. */
interface PendingOperation {
  type: string;
  resource: { urn: string; type: string; inputs?: Record<string, unknown> };
}

const REMOVABLE: Record<string, "container" | "network"> = {
  "docker:index/container:Container": "container",
  "docker:index/network:Network": "network",
};

/**
 * The operations an interrupted update left pending, cleared: containers and networks whose
 * creation was under way are removed (so that up can create them), then a refresh drops the
 * pending creates from the state. Returns how many operations were pending.
 */
export async function clearPendingOperations(stack: Stack, exported?: unknown): Promise<number> {
  const deployment = (exported ?? (await stack.exportStack()).deployment) as {
    pending_operations?: PendingOperation[];
  };
  const pending = deployment.pending_operations ?? [];
  if (pending.length === 0) {
    return 0;
  }
  log(
    `the last update was interrupted with ${pending.length} operation(s) under way (${pending
      .map((p) => `${p.type} ${p.resource.urn.slice(p.resource.urn.lastIndexOf("::") + 2)}`)
      .join(", ")}): clearing them before this update`,
  );
  for (const op of pending) {
    const kind = REMOVABLE[op.resource.type];
    const name = op.resource.inputs?.["name"];
    if (op.type === "creating" && kind !== undefined && typeof name === "string") {
      const rm = await docker(kind === "container" ? ["rm", "-f", name] : ["network", "rm", name]);
      if (rm.code === 0) {
        log(`removed the ${kind} ${name}, whose creation was interrupted`);
      }
    }
  }
  await stack.refresh({ ...STREAM, clearPendingCreates: true });
  return pending.length;
}

/**
 * Clears what an interrupted update left (a stale lock, pending operations) before an update of
 * `stack`, whose backend is `backendUrl` (workspace.ts `backendUrlOf`); a no-op on a stack whose
 * last update ended. `deployment`: the stack's export, already read. Resolves with whether the
 * state was changed (pending operations cleared).
 */
export async function recoverInterrupted(
  stack: Stack,
  backendUrl: string | undefined,
  deployment?: unknown,
): Promise<boolean> {
  clearStaleLocks(backendUrl, stack.name);
  return (await clearPendingOperations(stack, deployment)) > 0;
}
