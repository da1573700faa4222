import { ensureBuilt } from "../build";
import { checkedConfig } from "../config-check";
import { PREVIEW_PARALLEL, STREAM, type Command } from "../command";
import { readStack } from "../exported";
import { legacyNetworks, PENDING_MOVE_NOTE } from "../legacy-network";
import { switchesToDirect } from "../data";
import { EXIT, log } from "../report";
import { openStack } from "../workspace";

/** `npm run preview`: what `up` would change, drift included. */
export const preview: Command = {
  name: "preview",
  summary:
    "Shows what `npm run up` would change, including drift (refreshes first, writes nothing).",
  details: `
Runs a preview with refresh and a property diff: resources changed by hand show as updates or
creates. The stack is created on first use, as with up.`,
  flags: {
    "expect-no-changes": {
      type: "boolean",
      help: "fail (exit 1) when the preview shows any change",
    },
  },
  async run(target, flags) {
    await ensureBuilt();
    const stack = await openStack(target, { create: true });
    const reads = await readStack(stack);
    await checkedConfig(stack, reads.config);
    if (await switchesToDirect(stack, reads)) {
      log(
        "llmProvider=openai: npm run up will remove the gateway, keeping its data volume as down does; the salt key is protected until then, so this preview reports its deletion as refused",
      );
    }
    if (legacyNetworks(reads.exported.resources).length > 0) {
      log(
        `${PENDING_MOVE_NOTE}; this preview shows that move as the creation of the new resource and the deletion of the old one`,
      );
    }
    await stack.preview({
      ...STREAM,
      refresh: true,
      diff: true,
      parallel: PREVIEW_PARALLEL,
      expectNoChanges: flags["expect-no-changes"] === true,
    });
    return EXIT.ok;
  },
};
