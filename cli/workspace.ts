/**
 * The Automation API workspace of this project: the project's Pulumi CLI (the offline toolchain
 * or a normal install), the backend and passphrase from the environment, and the stack's config
 * file either in the project root (Pulumi.<stack>.yaml, the default) or in a directory of the
 * caller's choosing (`--config-dir`: the tests give each suite its own).
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { STACK_NAME_ENV } from "../components/admin/impl/shared";
import { CliError, log } from "./report";
import { ROOT } from "./root";

export { ROOT } from "./root";

/** Which stack to work on, and where. */
export interface StackTarget {
  /** The stack name. */
  stack: string;
  /**
   * Directory holding the stack's `Pulumi.<stack>.yaml`. Default: the project root. Elsewhere, a
   * `Pulumi.yaml` pointing back at this project (`main:`) is written there.
   */
  configDir?: string | undefined;
  /** Environment for the Pulumi CLI on top of this process's (backend, passphrase, …). */
  env?: Record<string, string> | undefined;
  /** The Pulumi project directory. Default: this project ({@link ROOT}); tests use fixtures. */
  project?: string | undefined;
}

/**
 * The Pulumi CLI: `PULUMI_CLI` (set by scripts/cli.sh: the offline toolchain or the CLI on
 * PATH), else `pulumi` on PATH.
 */
async function findPulumiCommand(): Promise<PulumiCommand> {
  const cli = process.env["PULUMI_CLI"];
  // PulumiCommand's root is the directory above bin/pulumi.
  const root = cli === undefined || cli === "" ? undefined : path.dirname(path.dirname(cli));
  return PulumiCommand.get({ ...(root === undefined ? {} : { root }), skipVersionCheck: true });
}

/** The backend `target`'s commands use: its env's PULUMI_BACKEND_URL, else this process's. */
export function backendUrlOf(target: StackTarget): string | undefined {
  return target.env?.["PULUMI_BACKEND_URL"] ?? process.env["PULUMI_BACKEND_URL"];
}

/**
 * The workspace for `target`; creates the config directory's Pulumi.yaml when it is not the root.
 * Its Pulumi runs tell the admin providers the stack's name (an unanswered gateway's error names
 * `npm run start -- --stack <stack>`).
 */
export async function openWorkspace(target: StackTarget): Promise<LocalWorkspace> {
  const pulumiCommand = await findPulumiCommand();
  const envVars: Record<string, string> = { ...target.env, [STACK_NAME_ENV]: target.stack };
  const backend = backendUrlOf(target);
  if (backend?.startsWith("file://")) {
    mkdirSync(backend.slice("file://".length), { recursive: true });
  }
  const projectDir = path.resolve(target.project ?? ROOT);
  const configDir = path.resolve(target.configDir ?? projectDir);
  if (configDir === projectDir) {
    return LocalWorkspace.create({ workDir: projectDir, pulumiCommand, envVars });
  }
  mkdirSync(configDir, { recursive: true });
  const project = await LocalWorkspace.create({ workDir: projectDir, pulumiCommand, envVars });
  const settings = await project.projectSettings();
  return LocalWorkspace.create({
    workDir: configDir,
    pulumiCommand,
    envVars,
    // The program's entry point, relative to the config directory's Pulumi.yaml.
    projectSettings: {
      ...settings,
      main: path.relative(configDir, path.resolve(projectDir, settings.main ?? ".")) || ".",
    },
  });
}

/**
 * The stack of `target`. A missing stack is created (passphrase secrets) when `create` is set,
 * saying so; otherwise it is an error that names the fix. One CLI call for a stack that exists
 * (`stack select`; a listing first would cost a second call on every command).
 */
export async function openStack(target: StackTarget, options: { create: boolean }): Promise<Stack> {
  const ws = await openWorkspace(target);
  try {
    return await Stack.select(target.stack, ws);
  } catch (err) {
    if (!(err instanceof StackNotFoundError)) {
      throw err;
    }
  }
  if (!options.create) {
    throw new CliError(
      `stack '${target.stack}' does not exist (run 'npm run up -- --stack ${target.stack}' first)`,
    );
  }
  log(`creating stack '${target.stack}' (passphrase secrets)`);
  return Stack.create(target.stack, ws);
}

/** The CLI executable the workspace runs (for the few commands the Automation API lacks). */
export function pulumiExecutable(stack: Stack): string {
  return (stack.workspace as LocalWorkspace).pulumiCommand.command;
}
