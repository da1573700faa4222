/**
 * The stack commands, one program on Pulumi's Automation API: `npm run <command> -- [flags]`
 * (scripts/cli.sh does the set-up, then runs this file). `--help` on each command.
 */
import { CommandError } from "@pulumi/pulumi/automation";
import { helpText, parseFlags, type Command } from "./command";
import { backup, restore } from "./commands/backup";
import { doctor } from "./commands/doctor";
import { down } from "./commands/down";
import { drift } from "./commands/drift";
import { env } from "./commands/env";
import { forward } from "./commands/forward";
import { start, stop } from "./commands/lifecycle";
import { outputs } from "./commands/outputs";
import { pinImages } from "./commands/pin-images";
import { preview } from "./commands/preview";
import { up } from "./commands/up";
import { dockerOnly } from "./kubernetes";
import { CliError, EXIT } from "./report";

/** Every command, by name. */
export const COMMANDS: readonly Command[] = [
  up,
  preview,
  down,
  outputs,
  env,
  doctor,
  drift,
  dockerOnly(stop),
  dockerOnly(start),
  pinImages,
  dockerOnly(backup),
  dockerOnly(restore),
  forward,
];

function usage(): string {
  return [
    "usage: npm run <command> -- [--stack NAME] [flags]   (--help on a command for its flags)",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
  ].join("\n");
}

/** Runs one command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const help = name === undefined || name === "--help" || name === "help";
    (help ? process.stdout : process.stderr).write(
      `${help ? "" : `error: unknown command ${JSON.stringify(name)}\n`}${usage()}`,
    );
    return help ? EXIT.ok : EXIT.usage;
  }
  try {
    const { target, flags, help } = parseFlags(command, rest);
    if (help) {
      process.stdout.write(helpText(command));
      return EXIT.ok;
    }
    return await command.run(target, flags);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.code;
    }
    if (err instanceof CommandError) {
      // Pulumi's own output, streamed above, says what failed.
      process.stderr.write(
        `error: npm run ${command.name} failed (pulumi exited with an error; see its output above)\n`,
      );
      return EXIT.failed;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = EXIT.failed;
    },
  );
}
