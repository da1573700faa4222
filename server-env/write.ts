/**
 * Writes the file `npm run env --out` asks for, which holds secrets: mode 0600, atomically (temp
 * file, fsync, rename), and never over a file this tool did not write unless `--force` is given.
 * What it wrote is remembered as a sha256 per absolute path in a small registry under the XDG
 * state directory. No error message here ever holds the content.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A file that was not (or could not be) written; the message names the path and the fix. */
export class EnvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvFileError";
  }
}

/**
 * The registry of files written by {@link writeEnvFile}:
 * `$XDG_STATE_HOME/litellm-stack/env-files.json`, or `~/.local/state/litellm-stack/env-files.json`
 * when `XDG_STATE_HOME` is unset, empty or relative (as the XDG spec says).
 */
export function envFileRegistryPath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env["XDG_STATE_HOME"];
  const base =
    state !== undefined && path.isAbsolute(state)
      ? state
      : path.join(os.homedir(), ".local", "state");
  return path.join(base, "litellm-stack", "env-files.json");
}

/**
 * Writes `content` to `file` with mode 0600, atomically, and records its sha256 in the registry
 * (`options.registry`, else {@link envFileRegistryPath}). An existing regular file is replaced only
 * if the registry holds its current hash (this tool wrote it and nobody changed it since) or
 * `options.force`; a symlink only with `force` (the link is replaced, its target is left alone);
 * a directory, fifo, socket or device never.
 *
 * @throws EnvFileError when the file is refused, its directory is missing, or the write fails.
 */
export function writeEnvFile(
  file: string,
  content: string,
  options: { force: boolean; registry?: string },
): void {
  const target = canonicalTarget(file);
  checkReplaceable(file, target, options.force, readRegistry(registryOf(options)));
  try {
    writeAtomically(target, content);
  } catch (e) {
    throw new EnvFileError(`could not write ${file}: ${describe(e)}`);
  }
  const registry = registryOf(options);
  try {
    const recorded = readRegistry(registry);
    recorded[target] = sha256(content);
    fs.mkdirSync(path.dirname(registry), { recursive: true, mode: 0o700 });
    writeAtomically(registry, `${JSON.stringify(recorded, null, 2)}\n`);
  } catch (e) {
    throw new EnvFileError(
      `${file} was written, but recording it in ${registry} failed (${describe(e)}): ` +
        `the next run will need --force to replace it`,
    );
  }
}

function registryOf(options: { registry?: string }): string {
  return options.registry ?? envFileRegistryPath();
}

/** The absolute path of `file` with its directory's symlinks resolved (the registry's key). */
function canonicalTarget(file: string): string {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  let realDir: string;
  try {
    realDir = fs.realpathSync(dir);
  } catch {
    throw new EnvFileError(
      `the directory ${dir} of ${file} does not exist: create it first, or choose another --out`,
    );
  }
  if (!fs.statSync(realDir).isDirectory()) {
    throw new EnvFileError(
      `${dir} (the directory of ${file}) is not a directory: choose another --out`,
    );
  }
  return path.join(realDir, path.basename(absolute));
}

/** Throws unless whatever is at `target` (if anything) may be replaced. */
function checkReplaceable(
  file: string,
  target: string,
  force: boolean,
  registry: Readonly<Record<string, string>>,
): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch (e) {
    if (errorCode(e) === "ENOENT") {
      return;
    }
    throw new EnvFileError(`could not inspect ${file}: ${describe(e)}`);
  }
  if (stat.isDirectory()) {
    throw new EnvFileError(
      `${file} is a directory: refusing to replace it, even with --force. Fix: choose another --out`,
    );
  }
  if (stat.isSymbolicLink()) {
    if (!force) {
      throw new EnvFileError(
        `${file} is a symbolic link: refusing to replace it. Fix: choose another --out, or add ` +
          `--force to replace the link itself (its target is left alone)`,
      );
    }
    return;
  }
  if (!stat.isFile()) {
    throw new EnvFileError(
      `${file} is not a regular file (a fifo, socket or device): refusing to replace it, even ` +
        `with --force. Fix: choose another --out`,
    );
  }
  if (force || registry[target] === sha256(fs.readFileSync(target))) {
    return;
  }
  throw new EnvFileError(
    `${file} exists and was not written by npm run env (or was changed since): refusing to ` +
      `overwrite it. Fix: choose another --out, or add --force to replace it`,
  );
}

/** The registry's `{ path: sha256 }` map; a missing or corrupt registry reads as empty. */
function readRegistry(registry: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(registry, "utf8"));
  } catch {
    return {};
  }
  const recorded: Record<string, string> = {};
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === "string") {
        recorded[k] = v;
      }
    }
  }
  return recorded;
}

/**
 * Writes `content` to a new 0600 temp file beside `target`, fsyncs it and renames it onto
 * `target` (replacing a file or symlink entry, never following a link). On failure the temp file
 * is removed and `target` is left as it was.
 */
function writeAtomically(target: string, content: string): void {
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  let created = false;
  try {
    const fd = fs.openSync(temp, "wx", 0o600);
    created = true;
    try {
      fs.fchmodSync(fd, 0o600); // the umask may have taken bits off, never added: be explicit
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (e) {
    if (created) {
      fs.rmSync(temp, { force: true });
    }
    throw e;
  }
  syncDirectory(dir);
}

/** Best-effort fsync of a directory, so the rename survives a crash (not possible everywhere). */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms and file systems cannot fsync a directory; the data itself is synced.
  }
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function errorCode(e: unknown): string | undefined {
  return e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
