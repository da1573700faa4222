/** How the stack commands talk to the user: timestamped notes on stderr, and errors with a code. */

/** Exit codes of every stack command (documented in docs/commands.md). */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The command failed (a Pulumi operation failed, or a precondition was not met). */
  failed: 1,
  /** The command line was wrong (unknown command or flag, missing value). */
  usage: 2,
} as const;

/** An error the command reports as `error: <message>` and exits with `code`. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly code: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** A note for the user on stderr, `[HH:MM:SS] message` (stdout stays for Pulumi's own output). */
export function log(message: string): void {
  const time = new Date().toTimeString().slice(0, 8);
  process.stderr.write(`[${time}] ${message}\n`);
}
