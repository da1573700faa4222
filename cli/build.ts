/**
 * The compiled components (`dist/`, `npm run build`): the dynamic providers load their
 * implementation from there by package name, so every Pulumi operation that reaches a provider
 * (preview, up, refresh, destroy) first brings it up to date. When no input of the build is newer
 * than tsc's last build info the compiler is not even started (it cost about 3 s of CPU per
 * command for nothing); otherwise incremental tsc, about a second when little changed.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, utimesSync } from "node:fs";
import * as path from "node:path";
import { CliError } from "./report";
import { ROOT } from "./root";

/** The build's project file; its `include` entries are the inputs checked for changes. */
const BUILD_PROJECT = "tsconfig.build.json";

/** Inputs of the build besides the included sources: the compiler settings and dependencies. */
const BUILD_SETTINGS = [BUILD_PROJECT, "tsconfig.json", "package-lock.json"];

/** The newest modification time (ms) under `p` (a file or a directory, recursively); 0 if absent. */
function newestMtime(p: string): number {
  let stat;
  try {
    stat = statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(p)) {
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** The build's inputs (files or directories) and tsc's build info file, as absolute paths. */
interface BuildFiles {
  inputs: string[];
  info: string;
}

/** The build project's inputs and tsc's build info file, or undefined when it cannot be read. */
function buildFiles(root: string): BuildFiles | undefined {
  let project: { include?: unknown; compilerOptions?: { tsBuildInfoFile?: unknown } };
  try {
    project = JSON.parse(readFileSync(path.join(root, BUILD_PROJECT), "utf8")) as typeof project;
  } catch {
    return undefined;
  }
  const info = project.compilerOptions?.tsBuildInfoFile;
  const include = project.include;
  if (
    typeof info !== "string" ||
    !Array.isArray(include) ||
    include.some((i) => typeof i !== "string")
  ) {
    return undefined;
  }
  const inputs = new Set<string>(BUILD_SETTINGS);
  for (const entry of include as string[]) {
    inputs.add(entry.split("/")[0] ?? entry);
  }
  return { inputs: [...inputs].map((i) => path.join(root, i)), info: path.join(root, info) };
}

/** Whether `files` say the build is current: their build info exists and no input is newer. */
function isCurrent(files: BuildFiles | undefined): boolean {
  if (files === undefined) {
    return false;
  }
  const built = newestMtime(files.info);
  return built !== 0 && files.inputs.every((i) => newestMtime(i) <= built);
}

/**
 * Whether the build in `root` is current: tsc's build info exists and no input (the first path
 * segment of each `include` entry of the build project, a directory or a file, and the settings
 * files) was modified after it. Any doubt (an unreadable project, a missing build info) says no.
 */
export function buildIsCurrent(root: string): boolean {
  return isCurrent(buildFiles(root));
}

/**
 * Throws, naming the fix, when the build in `root` is not current: Pulumi runs the program
 * compiled (Pulumi.yaml `main: dist/index.js`), and a `pulumi` run outside the stack commands
 * after an edit would otherwise deploy the code of the last build.
 */
export function assertBuildCurrent(root: string): void {
  if (!buildIsCurrent(root)) {
    throw new Error(
      `the compiled program in ${path.join(root, "dist")} is older than its sources. Fix: npm run build (npm run up, preview and the other stack commands build it themselves), then run pulumi again`,
    );
  }
}

/**
 * Marks the build current as of `started` (when tsc began reading its inputs): tsc leaves its
 * build info as it was when only modification times changed (a checkout, a touch).
 */
function markBuilt(files: BuildFiles | undefined, started: Date): void {
  if (files !== undefined && existsSync(files.info)) {
    utimesSync(files.info, started, started);
  }
}

let built: Promise<void> | undefined;

/** Runs `tsc -p tsconfig.build.json` once per process; an error carries tsc's output. */
export function ensureBuilt(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    // The build project is read once: for the check now and to mark the build current after tsc.
    const files = buildFiles(ROOT);
    if (isCurrent(files)) {
      resolve();
      return;
    }
    const started = new Date();
    execFile(
      process.execPath,
      [
        require.resolve("typescript/bin/tsc", { paths: [ROOT] }),
        "-p",
        path.join(ROOT, BUILD_PROJECT),
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error === null
          ? (markBuilt(files, started), resolve())
          : reject(
              new CliError(
                `building the components failed (npm run build):\n${`${stdout}${stderr}`.trim()}`,
              ),
            ),
    );
  });
  return built;
}
