/**
 * Names and labels of the stack's Kubernetes objects: the same names as the Docker target's dev
 * stack (each stack has a namespace of its own) and the same `litellm-stack.stack` /
 * `litellm-stack.role` labels, plus the recommended `app.kubernetes.io/*` ones.
 */
import type { Role } from "../naming";

/** Object names inside the stack's namespace. */
export const K8S_NAMES = {
  /** The LiteLLM Deployment, its Service and PodDisruptionBudget. */
  gateway: "litellm",
  /** The Postgres StatefulSet and its Service (the database's host name). */
  db: "litellm-db",
  /** The Redis Deployment and its Service (only with more than one replica). */
  redis: "litellm-redis",
  /** The StatefulSet's claim template: the claim is `data-litellm-db-0`. */
  dataTemplate: "data",
} as const;

/** The claim the in-cluster database keeps its data in. */
export const DATA_CLAIM = `${K8S_NAMES.dataTemplate}-${K8S_NAMES.db}-0`;

/** Labels that select the pods of one role (immutable in a Deployment or StatefulSet). */
export function selectorLabels(role: Role): Record<string, string> {
  return { "app.kubernetes.io/name": "litellm", "app.kubernetes.io/component": role };
}

/** Every label an object of the stack carries. */
export function objectLabels(stack: string, role: Role): Record<string, string> {
  return {
    ...selectorLabels(role),
    "app.kubernetes.io/managed-by": "litellm-stack",
    "litellm-stack.stack": stack,
    "litellm-stack.role": role,
  };
}

/**
 * Annotations of every long-lived object: a field changed by hand (e.g. `kubectl scale`, which
 * takes over `.spec.replicas`) is drift that the next `up` sets back, so the stack's server-side
 * apply takes such fields back instead of failing on the conflict.
 */
export const OWNED = { "pulumi.com/patchForce": "true" } as const;

/**
 * The metadata of a long-lived object of the stack: its name in `namespace`, `labels` and the
 * {@link OWNED} annotation.
 */
export function ownedMetadata<N>(name: string, namespace: N, labels: Record<string, string>) {
  return { name, namespace, labels, annotations: OWNED };
}

/**
 * The arguments of the Service in front of one role's pods: named like the role's objects
 * ({@link K8S_NAMES}), selecting those pods, `port` forwarded to the same container port; a
 * ClusterIP unless `type` says otherwise.
 */
export function roleServiceArgs<N>(
  role: "gateway" | "db" | "redis",
  namespace: N,
  stack: string,
  port: { name: string; port: number },
  type?: string,
) {
  return {
    metadata: ownedMetadata(K8S_NAMES[role], namespace, objectLabels(stack, role)),
    spec: {
      ...(type === undefined ? {} : { type }),
      selector: selectorLabels(role),
      ports: [{ name: port.name, port: port.port, targetPort: port.port }],
    },
  };
}

/** The in-cluster URL of a Service: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
export function inClusterUrl(service: string, namespace: string, port: number): string {
  return `http://${service}.${namespace}.svc.cluster.local:${port}`;
}
