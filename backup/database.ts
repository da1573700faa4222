/**
 * The gateway database's side of a backup: `pg_dump --format=custom` and `pg_restore` run with
 * `docker exec` inside the stack's db container (over its socket, as `litellm`: one consistent
 * snapshot, no host port, no password on any command line), row counts with psql.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { DB_NAME, DB_USER } from "../components/database";
import { docker, type StackContainer } from "../cli/docker";
import { CliError } from "../cli/report";
import { COUNTED_TABLES, type BackupHeader } from "./format";

/** Row counts of the tables the header records. */
export type Counts = BackupHeader["counts"];

async function psql(db: StackContainer, sql: string): Promise<string> {
  const r = await docker(["exec", db.id, "psql", "-U", DB_USER, "-d", DB_NAME, "-tAc", sql]);
  if (r.code !== 0) {
    throw new CliError(`psql in ${db.name} failed: ${r.stderr.trim()}`);
  }
  return r.stdout.trim();
}

/** The row counts of LiteLLM_VerificationToken, _ProxyModelTable and _CredentialsTable. */
export async function rowCounts(db: StackContainer): Promise<Counts> {
  const sql = COUNTED_TABLES.map((t) => `(SELECT count(*) FROM "${t}")`).join(" || ',' || ");
  const values = (await psql(db, `SELECT ${sql}`)).split(",").map(Number);
  const counts = Object.fromEntries(COUNTED_TABLES.map((t, i) => [t, values[i] ?? NaN]));
  if (Object.values(counts).some((n) => !Number.isInteger(n))) {
    throw new CliError(
      `the database in ${db.name} has no LiteLLM tables yet (the gateway has not migrated it). Fix: wait for the gateway to be ready, or npm run up`,
    );
  }
  return counts as Counts;
}

/** The Postgres server version (`15.8`). */
export const postgresVersion = (db: StackContainer): Promise<string> =>
  psql(db, "SHOW server_version");

/** A child's stderr, collected; resolves with its exit code. */
function exited(child: ReturnType<typeof spawn>): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on("error", (err) => resolve({ code: 127, stderr: err.message }));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/**
 * Writes `header` then the dump to `file`: mode 0600, through a temporary name in the same
 * directory renamed at the end (a failed dump leaves no file); an existing `file` is refused.
 */
export async function dumpTo(db: StackContainer, file: string, header: Buffer): Promise<void> {
  if (existsSync(file)) {
    throw new CliError(
      `${file} exists: a backup never overwrites a file. Fix: pass another --out FILE, or move that one away`,
    );
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const out = await fs.open(tmp, "wx", 0o600);
  try {
    await out.write(header);
    const child = spawn(
      "docker",
      ["exec", db.id, "pg_dump", "--format=custom", "-U", DB_USER, "-d", DB_NAME],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const done = exited(child);
    await pipeline(child.stdout, createWriteStream("", { fd: out.fd, autoClose: false }));
    const { code, stderr } = await done;
    if (code !== 0) {
      throw new CliError(`pg_dump in ${db.name} failed (exit code ${code}): ${stderr.trim()}`);
    }
    await out.sync();
    await out.close();
    // link, not rename: a file created meanwhile under `file` is not replaced.
    await fs.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      throw err.code === "EEXIST"
        ? new CliError(
            `${file} appeared while the dump ran: not overwritten; the dump is lost. Fix: run npm run backup again`,
          )
        : err;
    });
  } finally {
    await out.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
  }
}

/**
 * Streams the dump in `file` (from byte `offset`) into `pg_restore --clean --if-exists
 * --single-transaction --exit-on-error --no-owner` in the db container: all or nothing.
 */
export async function restoreFrom(db: StackContainer, file: string, offset: number): Promise<void> {
  const child = spawn(
    "docker",
    [
      "exec",
      "-i",
      db.id,
      "pg_restore",
      "--clean",
      "--if-exists",
      "--single-transaction",
      "--exit-on-error",
      "--no-owner",
      "-U",
      DB_USER,
      "-d",
      DB_NAME,
    ],
    { stdio: ["pipe", "ignore", "pipe"] },
  );
  const done = exited(child);
  await pipeline(createReadStream(file, { start: offset }), child.stdin).catch(() => undefined);
  const { code, stderr } = await done;
  if (code !== 0) {
    throw new CliError(
      `pg_restore in ${db.name} failed (exit code ${code}; nothing was changed, it runs in one transaction): ${stderr.trim()}`,
    );
  }
}
