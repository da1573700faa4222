/**
 * The stack's private network through the `docker` CLI: created (or taken over when the stack's
 * own network already exists), read back and removed. No Pulumi imports: the Network provider
 * (network.ts) loads it by package name (`litellm-stack/admin-impl`), and the tests call it
 * directly.
 *
 * Why not `docker.Network` of the Docker provider: terraform-provider-docker waits a fixed 2 s
 * (`networkReadRefreshDelay`) before every read of a network, after its creation and in every
 * refresh, so every cold `up`, refresh and drift check paid 2 s for one `docker network inspect`
 * (docs/benchmarks.md). A read here is that one inspect.
 */
import { docker } from "./docker-cli";

/** Inputs of the network as the provider sees them. */
export interface NetworkInputs {
  /** Docker network name (containers attach by name). */
  name: string;
  /** Network driver. */
  driver: string;
  /** Labels, `key=value` (the stack's `litellm-stack.stack` and `litellm-stack.role`). */
  labels: string[];
}

/** Outputs: the inputs as the engine reports them. */
export type NetworkOutputs = NetworkInputs;

/** A network as `docker network inspect` reports it; undefined when there is none by that name. */
export interface NetworkState {
  /** The network's id. */
  id: string;
  /** Its name, driver and labels. */
  outs: NetworkOutputs;
}

/** What the `docker` CLI says of a network that does not exist. */
const NO_SUCH_NETWORK = /not found|no such network/i;

/** The label naming the stack a network belongs to. */
const STACK_LABEL = "litellm-stack.stack";

const labelMap = (labels: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    labels.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
  );

/** Reads the network `name`; undefined when the engine has none by that name. */
export async function inspectNetwork(name: string): Promise<NetworkState | undefined> {
  const r = await docker(["network", "inspect", "--format", "{{json .}}", name]);
  if (r.code !== 0) {
    if (NO_SUCH_NETWORK.test(r.stderr)) {
      return undefined;
    }
    throw new Error(`docker network inspect ${name} failed: ${r.stderr.trim()}`);
  }
  const n = JSON.parse(r.stdout) as {
    Id: string;
    Name: string;
    Driver: string;
    Labels?: Record<string, string> | null;
  };
  // Docker matches a name or an id prefix: only the network of exactly this name is the stack's.
  if (n.Name !== name) {
    return undefined;
  }
  return {
    id: n.Id,
    outs: {
      name: n.Name,
      driver: n.Driver,
      labels: Object.entries(n.Labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    },
  };
}

/**
 * Creates the network, or takes over the one of that name when it carries the same stack label
 * (created by this stack before: an interrupted update, or by the Docker provider in stacks
 * deployed before this resource). A network of that name that belongs to something else is
 * refused, naming it and the fix.
 */
export async function ensureNetwork(inputs: NetworkInputs): Promise<NetworkState> {
  const existing = await inspectNetwork(inputs.name);
  const stack = labelMap(inputs.labels)[STACK_LABEL];
  if (existing !== undefined) {
    const owner = labelMap(existing.outs.labels)[STACK_LABEL];
    if (owner !== stack || existing.outs.driver !== inputs.driver) {
      throw new Error(
        `a Docker network named ${inputs.name} already exists and is not this stack's (${STACK_LABEL}=${owner ?? "none"}, driver ${existing.outs.driver}; this stack's is ${STACK_LABEL}=${stack ?? "none"}, driver ${inputs.driver}). ` +
          `Fix: remove it (docker network rm ${inputs.name}) if nothing uses it, or give the stack other Docker names (the stack name decides them)`,
      );
    }
    return existing;
  }
  const r = await docker([
    "network",
    "create",
    "--driver",
    inputs.driver,
    ...inputs.labels.flatMap((l) => ["--label", l]),
    inputs.name,
  ]);
  if (r.code !== 0) {
    // Created in between by a concurrent run: taken over (or refused) as above.
    if (/already exists/i.test(r.stderr) && (await inspectNetwork(inputs.name)) !== undefined) {
      return ensureNetwork(inputs);
    }
    throw new Error(`docker network create ${inputs.name} failed: ${r.stderr.trim()}`);
  }
  const created = await inspectNetwork(inputs.name);
  if (created === undefined) {
    throw new Error(`docker network create ${inputs.name} reported success, but it does not exist`);
  }
  return created;
}

/** Removes the network; one that is already gone is fine. */
export async function removeNetwork(name: string): Promise<void> {
  const r = await docker(["network", "rm", name]);
  if (r.code !== 0 && !NO_SUCH_NETWORK.test(r.stderr)) {
    throw new Error(
      `docker network rm ${name} failed: ${r.stderr.trim()}. Fix: disconnect or remove what still uses it (docker network inspect ${name}), then run the command again`,
    );
  }
}
