import { ensureBuilt } from "../build";
import { STREAM, type Command } from "../command";
import { planGatewayRemoval, prepareGatewayRemoval } from "../data";
import { recoverInterrupted, removeTruncatedSidecars } from "../interrupted";
import { EXIT, log } from "../report";
import { backendUrlOf, openStack } from "../workspace";

/** `npm run down`: destroys the stack, keeping the data volume and what reading it needs. */
export const down: Command = {
  name: "down",
  summary: "Destroys the stack; the data volume survives unless deleteDataOnDestroy is set.",
  details: `
Before anything is destroyed, the master key, salt key and database password (the stack output
dataSecrets) are saved into the stack's config as secrets, so that a later up reuses them with
the kept volume. The stack's own gateway contents (credentials, model aliases, virtual keys) are
deleted from the gateway first: a later up creates them again from config, with new raw virtual
keys. Objects made outside the stack stay in the kept database. To pause a gateway and keep its
keys, use npm run stop / npm run start instead.`,
  flags: {},
  async run(target) {
    await ensureBuilt();
    // An update killed half-way may have left the backend's metadata unreadable; opening the
    // stack reads it, so it is repaired first.
    const backendUrl = backendUrlOf(target);
    removeTruncatedSidecars(backendUrl, target.stack);
    const stack = await openStack(target, { create: false });
    await recoverInterrupted(stack, backendUrl);
    const plan = await planGatewayRemoval(stack, "down");
    await prepareGatewayRemoval(stack, plan);
    await stack.destroy({ ...STREAM });
    if (plan.kind === "keep") {
      log(`kept the data volume ${plan.volume}; the next up reuses it`);
    }
    return EXIT.ok;
  },
};
