/**
 * `pulumi up` of a stack, run as `Stack.up` runs it (the workspace's CLI, env and arguments)
 * without what `Stack.up` does after the update: it reads the outputs twice and the history once
 * to build a result that no stack command uses. Those are three more CLI runs, two of them with
 * a passphrase key derivation: 0.6 s after every up, measured on a cold up (docs/benchmarks.md,
 * §5). The Automation API has no public way to skip them (its command runner is internal), so
 * this starts the same executable (`pulumiCommand.command`) itself; Pulumi's output is streamed
 * through, never parsed.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { STREAM } from "./command";
import { CliError, EXIT } from "./report";

/** What an up applies. */
export interface ApplyOptions {
  /** Read the real state first (`--refresh`). */
  refresh: boolean;
  /** Update only these URNs (and what they need). */
  target?: readonly string[];
}

/** The arguments of `pulumi up` for `options` (without the workspace's own). */
export function upArgs(stack: string, options: ApplyOptions): string[] {
  return [
    "up",
    "--yes",
    "--skip-preview",
    ...(options.refresh ? ["--refresh"] : []),
    ...(options.target ?? []).flatMap((urn) => ["--target", urn]),
    // What Stack.up says of a program run from the workspace's directory.
    "--exec-kind",
    "auto.local",
    "--stack",
    stack,
    "--non-interactive",
  ];
}

/**
 * Runs `pulumi up --yes --skip-preview` on `stack`, its output streamed through; rejects with a
 * CliError naming the exit code when the update fails (Pulumi's output above says why).
 */
export async function applyUp(stack: Stack, options: ApplyOptions): Promise<void> {
  const ws = stack.workspace;
  const cli = ws.pulumiCommand.command;
  const args = [...upArgs(stack.name, options), ...(await ws.serializeArgsForOp(stack.name))];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_DEBUG_COMMANDS: "true",
    ...(ws.pulumiHome === undefined ? {} : { PULUMI_HOME: ws.pulumiHome }),
    ...ws.envVars,
    PULUMI_AUTOMATION_API: "true",
  };
  // As the Automation API does: the plugins bundled next to the CLI come first.
  if (path.isAbsolute(cli)) {
    env["PATH"] = `${path.dirname(cli)}:${env["PATH"] ?? ""}`;
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(cli, args, { cwd: ws.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => STREAM.onOutput(d.toString()));
    child.stderr.on("data", (d: Buffer) => STREAM.onError(d.toString()));
    child.on("error", (err) => reject(new CliError(`could not run ${cli}: ${err.message}`)));
    child.on("close", resolve);
  });
  await ws.postCommandCallback(stack.name);
  if (code !== 0) {
    throw new CliError(
      `npm run up failed (pulumi exited with code ${code ?? "none: killed"}; see its output above)`,
      EXIT.failed,
    );
  }
}
