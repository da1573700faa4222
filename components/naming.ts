/**
 * Names and labels of the stack's Docker objects. The dev stack keeps the names of the
 * docker-compose setup it replaces (`litellm-db`, `litellm`, `litellm_pgdata`); every other stack
 * on the same host gets names of its own.
 */

/** Roles, as written in the `litellm-stack.role` label. */
export type Role = "db" | "gateway" | "network" | "data" | "migrate" | "redis" | "namespace";

/** The stack that keeps the compose setup's names. */
export const DEFAULT_STACK = "dev";

/** Host name of the database on the private network (every stack has its own network). */
export const DB_HOST = "litellm-db";

/** Docker object names of one stack. */
export interface StackNames {
  /** The private network. */
  network: string;
  /** The Postgres container. */
  db: string;
  /** The LiteLLM container. */
  gateway: string;
  /** The data volume. */
  volume: string;
  /** The Redis container (only with more than one worker). */
  redis: string;
  /** Redis's volume. */
  redisVolume: string;
}

/** Docker object names for `stack`. */
export function stackNames(stack: string): StackNames {
  if (stack === DEFAULT_STACK) {
    return {
      network: "litellm-net",
      db: "litellm-db",
      gateway: "litellm",
      volume: "litellm_pgdata",
      redis: "litellm-redis",
      redisVolume: "litellm_redisdata",
    };
  }
  const s = stack.toLowerCase().replace(/[^a-z0-9_.-]/g, "-");
  return {
    network: `litellm-${s}-net`,
    db: `litellm-${s}-db`,
    gateway: `litellm-${s}`,
    volume: `litellm_${s}_pgdata`,
    redis: `litellm-${s}-redis`,
    redisVolume: `litellm_${s}_redisdata`,
  };
}

/** The labels every container, volume and network of the stack carries. */
export function stackLabels(stack: string, role: Role): { label: string; value: string }[] {
  return [
    { label: "litellm-stack.stack", value: stack },
    { label: "litellm-stack.role", value: role },
  ];
}

/** {@link stackLabels} as `key=value` strings (`docker … --label`), for the resources of our own. */
export function stackLabelArgs(stack: string, role: Role): string[] {
  return stackLabels(stack, role).map((l) => `${l.label}=${l.value}`);
}

/**
 * The URL the gateway published on `bindAddress:port` is reached at from this host: a wildcard
 * bind is reached through loopback, an IPv6 address goes in brackets.
 */
export function hostUrl(bindAddress: string, port: number | string): string {
  const reachable = ["0.0.0.0", "::"].includes(bindAddress) ? "127.0.0.1" : bindAddress;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}
