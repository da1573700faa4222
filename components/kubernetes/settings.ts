/**
 * The Kubernetes target's settings (`target=kubernetes`) as the stack config gives them, and the
 * rules derived from them that config validation and the components share: the default
 * namespace and the gateway's database pool.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_STACK } from "../naming";

/** How the Kubernetes objects of a stack are placed and sized. */
export interface KubernetesSettings {
  /** Path of the kubeconfig file; undefined: KUBECONFIG, then ~/.kube/config. */
  kubeconfig: string | undefined;
  /** The kubeconfig context; undefined: its current context. */
  context: string | undefined;
  /** The namespace the stack creates and puts everything in. */
  namespace: string;
  /** LiteLLM pods, one worker each; more than one adds Redis. */
  replicas: number;
  /** Type of the gateway's Service: ClusterIP unless exposure is configured and acknowledged. */
  serviceType: "ClusterIP" | "NodePort" | "LoadBalancer";
  /** An external database's URL (secret): then no Postgres runs in the cluster. */
  databaseUrl: pulumi.Output<string> | undefined;
  /** The database's `max_connections`, which the gateway pods' pools share. */
  databaseMaxConnections: number;
  /** Size of the database's PersistentVolumeClaim (in-cluster Postgres only). */
  databaseStorage: string;
  /** StorageClass of that claim; undefined: the cluster's default class. */
  storageClass: string | undefined;
  /** Requests and limits of each LiteLLM pod (Kubernetes quantities). */
  resources: {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
  };
}

/** The namespace of a stack when `kubeNamespace` is not set: `litellm` for dev, else `litellm-<stack>`. */
export function defaultNamespace(stack: string): string {
  if (stack === DEFAULT_STACK) {
    return "litellm";
  }
  const s = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `litellm-${s}`.slice(0, 63).replace(/-+$/, "");
}

/** `max_connections` of the stack's own Postgres (the image's default). */
export const IN_CLUSTER_MAX_CONNECTIONS = 100;

/**
 * Connections of the database kept out of the gateways' pools: Postgres' 3 superuser slots, the
 * migration Job and an operator's psql.
 */
export const RESERVED_CONNECTIONS = 10;

/** Pods a rolling update runs at most beyond `replicas` (the Deployment's maxSurge). */
export const ROLLOUT_SURGE = 1;

/**
 * LiteLLM's `database_connection_pool_limit` (connections of each worker process) for a database
 * of `maxConnections` shared by `replicas` pods of `workers` workers: LiteLLM's rule, max
 * connections / (instances × workers), counting the extra pod of a rolling update and keeping
 * {@link RESERVED_CONNECTIONS} free. Below 1 the database cannot serve that many pods.
 */
export function databasePoolLimit(maxConnections: number, replicas: number, workers = 1): number {
  return Math.floor(
    (maxConnections - RESERVED_CONNECTIONS) / ((replicas + ROLLOUT_SURGE) * workers),
  );
}
