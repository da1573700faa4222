import type { Stack } from "@pulumi/pulumi/automation";
import { ensureBuilt } from "../build";
import { applyUp } from "../apply-up";
import type { Command } from "../command";
import { outOfBandContainers } from "../../drift/containers";
import { docker, logTail, stackContainers } from "../docker";
import {
  planGatewayRemoval,
  prepareGatewayRemoval,
  switchesToDirect,
  unprotectResource,
  type DataPlan,
} from "../data";
import { checkedConfig } from "../config-check";
import { adminUrlOf, readStack, stackOutputs, type StackReads } from "../exported";
import { recoverInterrupted, removeTruncatedSidecars } from "../interrupted";
import { ensureImages } from "../images";
import { moveLegacyNetwork } from "../legacy-network";
import { targetSwitchProblem } from "../kubernetes";
import { startStopped } from "./lifecycle";
import { readinessText, waitReadiness } from "../readiness";
import { CliError, EXIT, log } from "../report";
import { backendUrlOf, openStack } from "../workspace";

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
async function prepareModeSwitch(stack: Stack, reads: StackReads): Promise<DataPlan | undefined> {
  if (!(await switchesToDirect(stack, reads))) {
    return undefined;
  }
  const plan = await planGatewayRemoval(stack, "the switch to llmProvider=openai");
  log(
    "llmProvider=openai: this update removes the gateway, its database container and its contents (the server calls OpenAI directly)",
  );
  await prepareGatewayRemoval(stack, plan);
  return plan;
}

/**
 * A container recreated by hand under the name of one of the stack's would block the creation of
 * the declared one, and one of the stack's containers taken off its network would stay off it
 * (drift/containers.ts): each is removed first, saying so, so that up creates the declared one.
 * Their data is on the stack's volume, which is not touched.
 */
async function removeOutOfBand(deployment: unknown): Promise<void> {
  for (const r of await outOfBandContainers(deployment)) {
    log(
      r.kind === "replaced"
        ? `the container ${r.name} was replaced outside the stack (published on ${r.real.join(", ") || "no port"}): removing it, so that up creates the declared one`
        : `the container ${r.name} is not on the stack's network ${r.declared.join(", ")} (on ${r.real.join(", ") || "no network"}): removing it, so that up creates it on the network`,
    );
    const rm = await docker(["rm", "-f", r.id]);
    if (rm.code !== 0) {
      throw new CliError(`docker rm -f ${r.name} failed: ${rm.stderr.trim()}`);
    }
  }
}

/**
 * After up started a stopped container, the gateway may still be reconnecting to its database
 * (a running gateway whose database was stopped answers "no database connection" for a while):
 * the refresh would not read its contents then, and up would return before the gateway serves.
 */
async function waitStartedGateway(
  stack: Stack,
  reads: StackReads,
  timeoutSeconds: number,
): Promise<void> {
  const url = adminUrlOf(stackOutputs(reads.exported.resources));
  if (url === undefined) {
    return;
  }
  const state = await waitReadiness(url, timeoutSeconds);
  if (state !== "ok") {
    throw new CliError(
      `the gateway at ${url} ${readinessText(state)} ${timeoutSeconds} s after its containers were started (gatewayWaitTimeout). Fix: npm run doctor -- --stack ${stack.name}`,
    );
  }
  log(`the gateway at ${url} is ready (database connected)`);
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

It refreshes first (reads the real state of every resource), so one up repairs what
npm run drift reports: a key or alias deleted by hand is created again, an edited one set back,
a stopped or removed container started or recreated (a stopped container is started before the
refresh, and up waits until the gateway is ready with its database connected, at most
gatewayWaitTimeout seconds). --no-refresh skips that read for a faster
apply from the recorded state, which repairs nothing.

After an update that was killed half-way (SIGKILL, a crash), up first removes a state metadata
file the kill left empty, the lock the dead process left (only one of this machine whose process
is gone) and clears the operations it had begun; the objects they created are taken over or
replaced, never left behind.

With llmProvider=openai (the direct-OpenAI mode) a stack has no gateway: switching a deployed
stack to it removes the gateway, keeping its data volume as down does (the master key, salt key
and database password are saved into the stack's config), so switching back reuses the data.`,
  flags: {
    "no-refresh": {
      type: "boolean",
      help: "skip reading the real state first: a faster apply that does not repair drift",
    },
    refresh: { type: "boolean", help: "read the real state first (the default)" },
    target: {
      type: "string",
      multiple: true,
      value: "URN",
      help: "update only this resource (and what it needs)",
    },
  },
  async run(target, flags) {
    await ensureBuilt();
    // An update killed half-way may have left the backend's metadata unreadable; opening the
    // stack reads it, so it is repaired first.
    const backendUrl = backendUrlOf(target);
    removeTruncatedSidecars(backendUrl, target.stack);
    const stack = await openStack(target, { create: true });
    // The config and the state, read once for every check below (each re-read after a change).
    let reads = await readStack(stack);
    // A bad config is refused before anything is touched (no container, no config rewrite).
    const config = await checkedConfig(stack, reads.config);
    // A deployed stack does not move to another target by a config change (its data would not).
    const switchProblem = targetSwitchProblem(stack.name, reads.exported.resources, config.target);
    if (switchProblem !== undefined) {
      throw new CliError(switchProblem);
    }
    // An update killed half-way left a lock and pending creates: cleared, so this one converges.
    if (await recoverInterrupted(stack, backendUrl, reads.exported.deployment)) {
      reads = await readStack(stack);
    }
    // A stack deployed before the network resource of its own: the old one leaves the state
    // first, so that this update takes the network over instead of removing it.
    if ((await moveLegacyNetwork(stack, reads.exported.deployment)).length > 0) {
      reads = await readStack(stack);
    }
    const switched = await prepareModeSwitch(stack, reads);
    if (switched !== undefined) {
      // Removing the gateway saved its secrets into the config and unprotected its data.
      reads = await readStack(stack);
    }
    if (config.saltKey !== undefined && config.allowSaltKeyChange) {
      // A configured salt key replaces the generated one: the protected RandomPassword (kept
      // against accidental replacement) is deleted on purpose, so its protection goes first.
      const urns = await unprotectResource(
        stack,
        (urn, type) =>
          type === "random:index/randomPassword:RandomPassword" && urn.endsWith("-salt-key"),
      );
      if (urns.length > 0) {
        log(
          "saltKey is configured with allowSaltKeyChange=true: unprotecting the generated salt key so that it can be replaced",
        );
      }
    }
    if (flags["no-refresh"] !== true) {
      await removeOutOfBand(reads.exported.deployment);
      // The refresh reads the gateway's contents: a stopped gateway could not answer it.
      if ((await startStopped(target.stack, config.gatewayWaitTimeout)).length > 0) {
        await waitStartedGateway(stack, reads, config.gatewayWaitTimeout);
      }
    }
    if (config.target === "docker") {
      await ensureImages(stack, reads.config);
    } else {
      log(
        "target=kubernetes: the cluster's nodes get the images themselves (no preflight here; a local build must be in the cluster's image store)",
      );
    }
    try {
      await applyUp(stack, {
        // Refresh first, so that one up repairs what drift reports (a key deleted by hand, a
        // stopped container); --no-refresh applies from the recorded state only.
        refresh: flags["no-refresh"] !== true,
        ...(Array.isArray(flags["target"]) ? { target: flags["target"] as string[] } : {}),
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
