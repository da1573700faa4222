/**
 * What every stack command shares: its description for `--help`, its flags (parsed with Node's
 * `util.parseArgs`), `--stack` and `--config-dir`, and the streaming of Pulumi's output.
 */
import { parseArgs } from "node:util";
import { CliError, EXIT } from "./report";
import type { StackTarget } from "./workspace";

/** A flag of a command, as `util.parseArgs` takes it, with its help line. */
export interface Flag {
  /** `boolean` for a switch, `string` for a flag with a value. */
  type: "boolean" | "string";
  /** A string flag that may be given more than once. */
  multiple?: boolean;
  /** Value placeholder in the help (string flags). */
  value?: string;
  /** One line for `--help`. */
  help: string;
}

/** The parsed flags of one invocation. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** One subcommand of the program (`npm run <name>`). */
export interface Command {
  /** Name, as in `npm run <name>` and `cli/main.ts <name>`. */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** The rest of its help: behaviour, what it keeps, exit codes beyond the common ones. */
  details: string;
  /** Flags beyond `--stack`, `--config-dir` and `--help`. */
  flags: Record<string, Flag>;
  /** Runs it; resolves with the exit code. */
  run(target: StackTarget, flags: Flags): Promise<number>;
}

/** Flags every command takes. */
export const COMMON_FLAGS: Record<string, Flag> = {
  stack: { type: "string", value: "NAME", help: "the stack (default: dev)" },
  "config-dir": {
    type: "string",
    value: "DIR",
    help: "directory of the stack's Pulumi.<stack>.yaml (default: the project root)",
  },
  help: { type: "boolean", help: "show this help" },
};

/** The `--help` text of a command. */
export function helpText(command: Command): string {
  const flags = { ...command.flags, ...COMMON_FLAGS };
  const lines = Object.entries(flags).map(([name, flag]) => {
    const left = `--${name}${flag.type === "string" ? ` ${flag.value ?? "VALUE"}` : ""}`;
    return `  ${left.padEnd(24)} ${flag.help}${flag.multiple === true ? " (repeatable)" : ""}`;
  });
  return [
    `usage: npm run ${command.name} -- [flags]`,
    "",
    command.summary,
    "",
    command.details.trim(),
    "",
    "flags:",
    ...lines,
    "",
    `exit codes: ${EXIT.ok} done, ${EXIT.failed} failed (see the output), ${EXIT.usage} bad command line.`,
    "",
  ].join("\n");
}

/** Parses `argv` (after the command name) for `command`; usage errors name the flag. */
export function parseFlags(
  command: Command,
  argv: readonly string[],
): { target: StackTarget; flags: Flags; help: boolean } {
  const flags = { ...command.flags, ...COMMON_FLAGS };
  let values: Flags;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(flags).map(([name, f]) => [
          name,
          { type: f.type, ...(f.multiple === true ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: false,
      strict: true,
    }).values as Flags;
  } catch (err) {
    throw new CliError(
      `${(err as Error).message.split("\n")[0]} (npm run ${command.name} -- --help lists the flags)`,
      EXIT.usage,
    );
  }
  const stack = typeof values["stack"] === "string" ? values["stack"] : "dev";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack)) {
    throw new CliError(
      `--stack: ${JSON.stringify(stack)} is not a stack name (letters, digits, '-', '_', '.')`,
      EXIT.usage,
    );
  }
  const configDir = values["config-dir"];
  return {
    target: { stack, configDir: typeof configDir === "string" ? configDir : undefined },
    flags: values,
    help: values["help"] === true,
  };
}

/**
 * Resource operations a preview runs at once (Pulumi's `--parallel`; its default is four per
 * core, 8 here). A preview only reads, and its refresh reads every admin object: with all of them
 * in flight together the providers answer them from one listing per kind (components/admin/impl/
 * batch.ts). Measured at N=300 admin objects: 35 to 58 gateway reads instead of about 70, and
 * about 1 s less. `up` keeps Pulumi's default, which also bounds how many objects it writes at
 * once.
 */
export const PREVIEW_PARALLEL = 64;

/** Streams Pulumi's own output through: stdout to stdout, stderr to stderr. */
export const STREAM = {
  onOutput: (out: string): void => {
    process.stdout.write(out);
  },
  onError: (err: string): void => {
    process.stderr.write(err);
  },
};
