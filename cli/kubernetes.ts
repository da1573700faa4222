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

/**
 * Why an update may not switch a deployed stack's target: the gateway would be created empty on
 * the other target while the old one's data stays behind (a Docker volume or a claim), and the
 * old objects would be deleted. Undefined when the state holds nothing of the other target.
 */
export function targetSwitchProblem(
  stack: string,
  resources: ReadonlyArray<{ type?: string | undefined }>,
  target: "docker" | "kubernetes",
): string | undefined {
  const on = (prefix: string) => resources.some((r) => (r.type ?? "").startsWith(prefix));
  const deployed = on("docker:") ? "docker" : on("kubernetes:") ? "kubernetes" : undefined;
  if (deployed === undefined || deployed === target) {
    return undefined;
  }
  return (
    `stack '${stack}' runs on ${deployed} and its config says target=${target}: an update would delete the gateway there and start an empty one on ${target}, leaving the data behind. ` +
    `Fix: to move, back up (${deployed === "docker" ? `npm run backup -- --stack ${stack}` : "pg_dump in litellm-db-0"}), npm run down -- --stack ${stack}, then up and restore; or, to stay, pulumi config set litellm-stack:target ${deployed}`
  );
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
