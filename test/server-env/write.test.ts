/**
 * writeEnvFile in a temp directory with its registry beside it: mode 0600 whatever the umask,
 * rewriting its own file, refusing a file made by hand or edited since (unless forced), never
 * replacing a directory, replacing a symlink only with force (and then the link, not its target),
 * a missing directory, a corrupt registry, and no error message ever holding the content.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvFileError, envFileRegistryPath, writeEnvFile } from "../../server-env/write";

const SECRET = "LITELLM_MASTER_KEY=sk-very-secret-0123456789\n";
const OTHER = "LITELLM_MASTER_KEY=sk-another-secret-9876543210\n";

let dir: string;
let registry: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "server-env-write-"));
  registry = path.join(dir, "state", "litellm-stack", "env-files.json");
  file = path.join(dir, "server.env");
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (content: string, force = false, target = file): void => {
  writeEnvFile(target, content, { force, registry });
};

/** The EnvFileError `fn` throws; also checks that its message holds no content written here. */
function refusal(fn: () => void): EnvFileError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EnvFileError);
  const { message, name } = error as EnvFileError;
  expect(name).toBe("EnvFileError");
  for (const secret of ["sk-very-secret", "sk-another-secret", "by hand"]) {
    expect(message).not.toContain(secret);
  }
  return error as EnvFileError;
}

const mode = (p: string): number => fs.statSync(p).mode & 0o777;
/** Files in `dir` other than the state directory (so no temp file is left behind). */
const entries = (): string[] =>
  fs
    .readdirSync(dir)
    .filter((e) => e !== "state")
    .sort();

const refusedMessage = (f: string): string =>
  `${f} exists and was not written by npm run env (or was changed since): refusing to ` +
  `overwrite it. Fix: choose another --out, or add --force to replace it`;

describe("writeEnvFile", () => {
  it("creates a new file with mode 0600 under umask 022, leaving no temp file", () => {
    const old = process.umask(0o022);
    try {
      write(SECRET);
    } finally {
      process.umask(old);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(SECRET);
    expect(mode(file)).toBe(0o600);
    expect(entries()).toEqual(["server.env"]);
  });

  it("records the file's sha256 in a 0600 registry in a 0700 directory", () => {
    write(SECRET);
    expect(mode(registry)).toBe(0o600);
    expect(mode(path.dirname(registry))).toBe(0o700);
    const recorded = JSON.parse(fs.readFileSync(registry, "utf8")) as Record<string, string>;
    expect(Object.keys(recorded)).toEqual([fs.realpathSync(file)]);
    expect(Object.values(recorded)[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(registry, "utf8")).not.toContain("sk-very-secret");
  });

  it("rewrites a file it wrote, again with mode 0600", () => {
    write(SECRET);
    write(OTHER);
    expect(fs.readFileSync(file, "utf8")).toBe(OTHER);
    write(SECRET);
    expect(fs.readFileSync(file, "utf8")).toBe(SECRET);
    expect(mode(file)).toBe(0o600);
    expect(entries()).toEqual(["server.env"]);
  });

  it("rewrites its file when given a relative path to it", () => {
    write(SECRET);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeEnvFile("server.env", OTHER, { force: false, registry });
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(OTHER);
  });

  it("refuses a file made by hand with the pinned message, leaving its content", () => {
    fs.writeFileSync(file, "made by hand\n", { mode: 0o644 });
    const error = refusal(() => write(SECRET));
    expect(error.message).toBe(refusedMessage(file));
    expect(fs.readFileSync(file, "utf8")).toBe("made by hand\n");
    expect(entries()).toEqual(["server.env"]);
  });

  it("replaces a file made by hand with force, with mode 0600", () => {
    fs.writeFileSync(file, "made by hand\n", { mode: 0o644 });
    write(SECRET, true);
    expect(fs.readFileSync(file, "utf8")).toBe(SECRET);
    expect(mode(file)).toBe(0o600);
    write(OTHER); // now it is recorded: no force needed
    expect(fs.readFileSync(file, "utf8")).toBe(OTHER);
  });

  it("refuses a file it wrote that was edited afterwards", () => {
    write(SECRET);
    fs.appendFileSync(file, "EDITED=by hand\n");
    const error = refusal(() => write(OTHER));
    expect(error.message).toBe(refusedMessage(file));
    expect(fs.readFileSync(file, "utf8")).toBe(`${SECRET}EDITED=by hand\n`);
  });

  it("refuses a directory, even with force", () => {
    fs.mkdirSync(file);
    for (const force of [false, true]) {
      const error = refusal(() => write(SECRET, force));
      expect(error.message).toContain(`${file} is a directory`);
    }
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });

  it("refuses a symlink without force; with force replaces the link, not its target", () => {
    const target = path.join(dir, "target.env");
    fs.writeFileSync(target, "made by hand\n");
    fs.symlinkSync(target, file);
    const error = refusal(() => write(SECRET));
    expect(error.message).toContain(`${file} is a symbolic link`);
    expect(error.message).toContain("--force");
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);

    write(SECRET, true);
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(file, "utf8")).toBe(SECRET);
    expect(mode(file)).toBe(0o600);
    expect(fs.readFileSync(target, "utf8")).toBe("made by hand\n");
  });

  it("refuses a symlink to a file it wrote without force", () => {
    const target = path.join(dir, "target.env");
    write(SECRET, false, target);
    fs.symlinkSync(target, file);
    refusal(() => write(OTHER));
    expect(fs.readFileSync(target, "utf8")).toBe(SECRET);
  });

  it("names the missing directory when the parent does not exist", () => {
    const missing = path.join(dir, "no-such-dir");
    const error = refusal(() => write(SECRET, true, path.join(missing, "server.env")));
    expect(error.message).toContain(`the directory ${missing}`);
    expect(error.message).toContain("does not exist");
    expect(fs.existsSync(missing)).toBe(false);
  });

  it("treats a corrupt registry as empty", () => {
    fs.mkdirSync(path.dirname(registry), { recursive: true });
    fs.writeFileSync(registry, "{ not json");
    write(SECRET);
    expect(fs.readFileSync(file, "utf8")).toBe(SECRET);
    write(OTHER); // the registry was rewritten as JSON, recording the file
    expect(fs.readFileSync(file, "utf8")).toBe(OTHER);
    expect(JSON.parse(fs.readFileSync(registry, "utf8"))).toHaveProperty([fs.realpathSync(file)]);
  });

  it("treats a registry that is JSON but not an object of hashes as empty", () => {
    fs.mkdirSync(path.dirname(registry), { recursive: true });
    fs.writeFileSync(registry, "[1, 2]");
    fs.writeFileSync(file, "made by hand\n");
    refusal(() => write(SECRET));
    write(SECRET, true);
    write(OTHER);
    expect(fs.readFileSync(file, "utf8")).toBe(OTHER);
  });

  it("keeps other files' entries in the registry", () => {
    const second = path.join(dir, "second.env");
    write(SECRET);
    write(OTHER, false, second);
    const recorded = JSON.parse(fs.readFileSync(registry, "utf8")) as Record<string, string>;
    expect(Object.keys(recorded).sort()).toEqual(
      [fs.realpathSync(file), fs.realpathSync(second)].sort(),
    );
  });
});

describe("envFileRegistryPath", () => {
  it("is under $XDG_STATE_HOME when it is set", () => {
    expect(envFileRegistryPath({ XDG_STATE_HOME: "/var/state" })).toBe(
      "/var/state/litellm-stack/env-files.json",
    );
  });

  it.each([{}, { XDG_STATE_HOME: "" }, { XDG_STATE_HOME: "relative/state" }])(
    "is under ~/.local/state otherwise (%j)",
    (env) => {
      expect(envFileRegistryPath(env)).toBe(
        path.join(os.homedir(), ".local", "state", "litellm-stack", "env-files.json"),
      );
    },
  );
});
