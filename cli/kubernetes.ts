/**
 * What the stack commands need to know about a stack on Kubernetes (`target=kubernetes`): where
 * its gateway is (the `kubernetes` output), how to reach its admin API from here (a port-forward
 * to the Service, components/kubernetes/forward.ts), and which commands are the Docker target's
 * only.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { openForward, type ForwardTarget } from "../components/kubernetes/forward";
import type { Command } from "./command";
import { NoContainerError } from "./docker";
import { adminUrlOf } from "./exported";
import { CliError } from "./report";
import { openStack, type StackTarget } from "./workspace";

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

/** What to use on Kubernetes instead of each command of the Docker target only. */
const KUBERNETES_INSTEAD = {
  doctor: (ns: string, stack: string) =>
    `npm run drift -- --stack ${stack}, and kubectl -n ${ns} get pods,jobs,events`,
  stop: (ns: string) =>
    `kubectl -n ${ns} scale deployment/litellm --replicas=0 (npm run up sets replicas back)`,
  start: (ns: string, stack: string) =>
    `npm run up -- --stack ${stack} (it sets the Deployment's replicas back), or kubectl -n ${ns} scale deployment/litellm --replicas=N`,
  backup: (ns: string) =>
    `kubectl -n ${ns} exec litellm-db-0 -- pg_dump -U litellm -d litellm -Fc > litellm.dump, or your external database's own backups`,
  restore: (ns: string) =>
    `pg_restore into litellm-db-0 while the Deployment is scaled to 0 (kubectl -n ${ns} exec -i litellm-db-0 -- pg_restore -U litellm -d litellm --clean --single-transaction < litellm.dump)`,
} as const;

/** A command that works on the Docker target only. */
export type DockerOnlyCommand = keyof typeof KUBERNETES_INSTEAD;

/**
 * The refusal of a Docker-only command on a stack whose outputs say it runs on Kubernetes,
 * naming what to use instead; undefined for a stack on Docker (or without outputs).
 */
export function kubernetesRefusal(
  command: DockerOnlyCommand,
  stack: string,
  outputs: Record<string, unknown>,
): string | undefined {
  const placement = kubernetesPlacement(outputs);
  if (placement === undefined) {
    return undefined;
  }
  return `npm run ${command} works on the Docker target; stack '${stack}' runs on Kubernetes (namespace ${placement.namespace}). Instead: ${KUBERNETES_INSTEAD[command](placement.namespace, stack)} (docs/kubernetes.md)`;
}

/** The stack's outputs, by name, as plain values (secrets included). */
export async function outputValues(stack: Stack): Promise<Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(await stack.outputs()).map(([k, o]) => [k, o.value as unknown]),
  );
}

/** Refuses a command of the Docker target only on a stack that runs on Kubernetes. */
export async function refuseOnKubernetes(stack: Stack, command: DockerOnlyCommand): Promise<void> {
  const refusal = kubernetesRefusal(command, stack.name, await outputValues(stack));
  if (refusal !== undefined) {
    throw new CliError(refusal);
  }
}

/**
 * A Docker-only command that works on containers without Pulumi (stop, start, backup, restore):
 * when it finds no container, the stack's outputs are read, and a stack on Kubernetes gets the
 * refusal naming what to use there instead of "no container, run up". Other errors, and a stack
 * that cannot be read, keep the command's own error.
 */
export function dockerOnly(
  command: Command,
  open: (target: StackTarget) => Promise<Stack> = (t) => openStack(t, { create: false }),
): Command {
  const name = command.name;
  if (!(name in KUBERNETES_INSTEAD)) {
    throw new Error(`dockerOnly: no Kubernetes alternative is written for '${name}'`);
  }
  return {
    ...command,
    async run(target, flags) {
      try {
        return await command.run(target, flags);
      } catch (err) {
        if (!(err instanceof NoContainerError)) {
          throw err;
        }
        const outputs = await open(target)
          .then(outputValues)
          .catch(() => undefined);
        const refusal =
          outputs && kubernetesRefusal(name as DockerOnlyCommand, target.stack, outputs);
        throw refusal === undefined ? err : new CliError(refusal);
      }
    },
  };
}
