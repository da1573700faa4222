/**
 * What the stack commands need to know about a stack on Kubernetes (`target=kubernetes`): where
 * its gateway is (the `kubernetes` output), how to reach its admin API from here (a port-forward
 * to the Service, components/kubernetes/forward.ts), and which commands are the Docker target's
 * only.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { openForward, type ForwardTarget } from "../components/kubernetes/forward";
import { CliError } from "./report";
import { adminUrlOf } from "./exported";

/** The `kubernetes` output of a stack on Kubernetes; undefined for any other stack. */
export function kubernetesPlacement(
  outputs: Record<string, unknown>,
): (ForwardTarget & { inClusterUrl: string; deployment: string }) | undefined {
  const k = outputs["kubernetes"] as Record<string, unknown> | undefined;
  if (k === undefined || typeof k["namespace"] !== "string" || typeof k["service"] !== "string") {
    return undefined;
  }
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return {
    kubeconfig: text(k["kubeconfig"]),
    context: text(k["context"]),
    namespace: k["namespace"],
    service: k["service"],
    port: typeof k["port"] === "number" ? k["port"] : 4000,
    inClusterUrl: text(k["inClusterUrl"]) ?? "",
    deployment: text(k["deployment"]) ?? k["service"],
  };
}

/**
 * Where the admin API answers from here: the stack's admin URL, or, on Kubernetes without a
 * configured adminUrl, the local end of a port-forward to its Service (closed by `close`). A
 * forward that cannot open (no ready pod) gives the in-cluster URL, which does not answer here:
 * the caller reports the gateway as down.
 */
export async function adminEndpoint(
  outputs: Record<string, unknown>,
): Promise<{ url: string | undefined; close: () => void; forwardError?: string }> {
  const url = adminUrlOf(outputs);
  const placement = kubernetesPlacement(outputs);
  if (placement === undefined || url !== placement.inClusterUrl) {
    return { url, close: () => undefined };
  }
  try {
    const forward = await openForward(placement, { timeoutMs: 20_000 });
    return { url: forward.url, close: forward.close };
  } catch (err) {
    return { url, close: () => undefined, forwardError: (err as Error).message };
  }
}

/** Refuses a command of the Docker target only on a stack that runs on Kubernetes. */
export async function refuseOnKubernetes(
  stack: Stack,
  command: string,
  instead: string,
): Promise<void> {
  const outputs = Object.fromEntries(
    Object.entries(await stack.outputs()).map(([k, o]) => [k, o.value as unknown]),
  );
  const placement = kubernetesPlacement(outputs);
  if (placement !== undefined) {
    throw new CliError(
      `npm run ${command} works on the Docker target; stack '${stack.name}' runs on Kubernetes (namespace ${placement.namespace}). Instead: ${instead} (docs/kubernetes.md)`,
    );
  }
}
