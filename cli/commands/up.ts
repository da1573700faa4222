import type { Stack } from "@pulumi/pulumi/automation";
import { ensureBuilt } from "../build";
import { STREAM, type Command } from "../command";
import { logTail, stackContainers } from "../docker";
import {
  planGatewayRemoval,
  prepareGatewayRemoval,
  switchesToDirect,
  type DataPlan,
} from "../data";
import { ensureImages } from "../images";
import { EXIT, log } from "../report";
import { openStack } from "../workspace";

/** When `up` failed: a gateway container that is not healthy says why in its own log. */
async function reportUnhealthyGateway(stack: string): Promise<void> {
  const gateway = (await stackContainers(stack)).find((c) => c.role === "gateway");
  if (gateway === undefined || gateway.health === "healthy") {
    return;
  }
  log("the gateway container is not healthy; the last lines of its log:");
  const tail = await logTail(gateway.id, 30);
  process.stderr.write(
    tail
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => `    ${line}\n`)
      .join(""),
  );
}

/**
 * A stack switched to the direct-OpenAI mode loses its gateway in this update: the kept-data
 * rules of `down` apply to its data volume first. Undefined when nothing is switched.
 */
async function prepareModeSwitch(stack: Stack): Promise<DataPlan | undefined> {
  if (!(await switchesToDirect(stack))) {
    return undefined;
  }
  const plan = await planGatewayRemoval(stack, "the switch to llmProvider=openai");
  log(
    "llmProvider=openai: this update removes the gateway, its database container and its contents (the server calls OpenAI directly)",
  );
  await prepareGatewayRemoval(stack, plan);
  return plan;
}

/** `npm run up`: creates or updates the stack. */
export const up: Command = {
  name: "up",
  summary: "Creates or updates the stack: network, litellm-db, the gateway and its contents.",
  details: `
Creates the stack on first use (passphrase secrets). Before Pulumi runs, the images are checked:
the pinned upstream images are pulled; where no registry answers, the stack switches to their
local builds (imageSource=local, saved in its config) and builds them. A configured image that
is absent and cannot be pulled is refused, naming its key. When the update fails and the gateway
is not healthy, the last lines of its log are printed.

With llmProvider=openai (the direct-OpenAI mode) a stack has no gateway: switching a deployed
stack to it removes the gateway, keeping its data volume as down does (the master key, salt key
and database password are saved into the stack's config), so switching back reuses the data.`,
  flags: {
    refresh: {
      type: "boolean",
      help: "read the real state of every resource first, so that drift is repaired",
    },
    target: {
      type: "string",
      multiple: true,
      value: "URN",
      help: "update only this resource (and what it needs)",
    },
  },
  async run(target, flags) {
    await ensureBuilt();
    const stack = await openStack(target, { create: true });
    const switched = await prepareModeSwitch(stack);
    await ensureImages(stack);
    try {
      await stack.up({
        ...STREAM,
        refresh: flags["refresh"] === true,
        ...(Array.isArray(flags["target"]) ? { target: flags["target"] } : {}),
      });
    } catch (err) {
      await reportUnhealthyGateway(target.stack);
      throw err;
    }
    if (switched?.kind === "keep") {
      log(
        `kept the data volume ${switched.volume}; switching back to llmProvider=litellm reuses it`,
      );
    }
    return EXIT.ok;
  },
};
