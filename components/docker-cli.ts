/**
 * The `docker` CLI as a function (it honours the user's Docker context and DOCKER_HOST). No Pulumi
 * imports: the stack commands (cli/docker.ts) and the dynamic providers' implementations
 * (network-run.ts) both use it.
 */
import { execFile } from "node:child_process";

/** The result of one `docker` command. */
export interface DockerResult {
  /** Exit code (non-zero also when docker could not be started). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `docker <args>`; never rejects on a non-zero exit. */
export function docker(
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile(
      "docker",
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
