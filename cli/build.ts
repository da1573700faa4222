/**
 * The compiled components (`dist/`, `npm run build`): the dynamic providers load their
 * implementation from there by package name, so every Pulumi operation that reaches a provider
 * (preview, up, refresh, destroy) first brings it up to date. Incremental: about a second when
 * nothing changed.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { CliError } from "./report";
import { ROOT } from "./workspace";

let built: Promise<void> | undefined;

/** Runs `tsc -p tsconfig.build.json` once per process; an error carries tsc's output. */
export function ensureBuilt(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        require.resolve("typescript/bin/tsc", { paths: [ROOT] }),
        "-p",
        path.join(ROOT, "tsconfig.build.json"),
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error === null
          ? resolve()
          : reject(
              new CliError(
                `building the components failed (npm run build):\n${`${stdout}${stderr}`.trim()}`,
              ),
            ),
    );
  });
  return built;
}
