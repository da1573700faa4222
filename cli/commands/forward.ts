import { openForward } from "../../components/kubernetes/forward";
import type { Command } from "../command";
import { checkedConfig } from "../config-check";
import { kubernetesPlacement, outputValues } from "../kubernetes";
import { CliError, EXIT, log } from "../report";
import { openStack } from "../workspace";

/** `npm run forward`: the gateway of a stack on Kubernetes on bindAddress:hostPort, until stopped. */
export const forward: Command = {
  name: "forward",
  summary:
    "Kubernetes: serves the gateway's Service on bindAddress:hostPort (LITELLM_BASE_URL) until Ctrl-C.",
  details: `
For a stack with target=kubernetes: a kubectl port-forward to the gateway's Service, listening on
the stack's bindAddress and hostPort (default 127.0.0.1:4000), which is the LITELLM_BASE_URL the
stack outputs unless serverBaseUrl is set. The Service stays a ClusterIP: nothing is exposed
beyond this machine's loopback. When the pod behind the forward goes away (a rollout, a deleted
pod), the forward is opened again. Runs until Ctrl-C (or SIGTERM). kubectl must be on PATH (or
LITELLM_STACK_KUBECTL).`,
  flags: {},
  async run(target) {
    const stack = await openStack(target, { create: false });
    const outputs = await outputValues(stack);
    const placement = kubernetesPlacement(outputs);
    if (placement === undefined) {
      throw new CliError(
        `stack '${stack.name}' does not run on Kubernetes (no kubernetes output): its gateway is published by Docker at ${String(outputs["LITELLM_BASE_URL"] ?? "its bindAddress:hostPort")}`,
      );
    }
    const config = await checkedConfig(stack);
    let stopping = false;
    let current: { close: () => void } | undefined;
    const stop = () => {
      stopping = true;
      current?.close();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // Keeps the process alive while the forward (whose handles do not) serves.
    const alive = setInterval(() => undefined, 60_000);
    try {
      while (!stopping) {
        const f = await openForward(placement, {
          address: config.bindAddress,
          localPort: config.hostPort,
        });
        current = f;
        log(
          `forwarding ${f.url} to service/${placement.service} in namespace ${placement.namespace} (Ctrl-C stops)`,
        );
        await f.closed;
        if (!stopping) {
          log("the forward ended (its pod went away): opening it again");
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    } finally {
      clearInterval(alive);
    }
    return EXIT.ok;
  },
};
