import type { Command } from "../command";
import { EXIT } from "../report";
import { openStack } from "../workspace";

/** `npm run outputs`: the stack outputs as JSON. */
export const outputs: Command = {
  name: "outputs",
  summary: 'Prints the stack outputs as one JSON object (secret values as "[secret]").',
  details: `
The outputs are the consuming server's env (docs/outputs.md). Secret outputs print as "[secret]"
unless --show-secrets is given.`,
  flags: {
    "show-secrets": { type: "boolean", help: "print secret values in plaintext" },
  },
  async run(target, flags) {
    const stack = await openStack(target, { create: false });
    const show = flags["show-secrets"] === true;
    const values = Object.fromEntries(
      Object.entries(await stack.outputs()).map(([name, o]) => [
        name,
        o.secret && !show ? "[secret]" : o.value,
      ]),
    );
    process.stdout.write(`${JSON.stringify(values, null, 2)}\n`);
    return EXIT.ok;
  },
};
