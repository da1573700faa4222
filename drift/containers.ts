/**
 * The stack's containers changed outside the stack in ways the docker provider does not see:
 * - **replaced**: a container under the name of one of the stack's, but not the one its state
 *   records (e.g. recreated by hand with `docker run -p …` on another address); the provider only
 *   sees that its own container is gone.
 * - **detached**: the state's own container, no longer on the network it was created on (e.g.
 *   `docker network disconnect`, or the network removed); the provider does not read a
 *   container's networks back.
 * `npm run drift` reports them; `npm run up` removes them first, so that it creates the declared
 * containers (their data is on the stack's volume, which is not touched).
 */
import { docker } from "../cli/docker";

/** A container of the state that changed outside the stack. */
export interface OutOfBandContainer {
  /** `replaced` (another container holds the name) or `detached` (off its network). */
  kind: "replaced" | "detached";
  /** The resource's URN. */
  urn: string;
  /** The container name. */
  name: string;
  /** The id of the container that holds the name now. */
  id: string;
  /** The property that differs: `published` (replaced) or `networks` (detached). */
  property: "published" | "networks";
  /** Its real value (`ip:port`s, or network names). */
  real: string[];
  /** Its declared value. */
  declared: string[];
}

interface StateContainer {
  urn: string;
  id: string;
  name: string;
  ports: Array<{ ip?: string; external?: number }>;
  networks: string[];
}

/** The docker Container resources of an exported deployment. */
function stateContainers(deployment: unknown): StateContainer[] {
  const resources = (deployment as { resources?: Array<Record<string, unknown>> }).resources ?? [];
  return resources
    .filter((r) => r["type"] === "docker:index/container:Container" && typeof r["id"] === "string")
    .map((r) => {
      const outputs = (r["outputs"] ?? {}) as {
        name?: unknown;
        ports?: unknown;
        networksAdvanced?: unknown;
      };
      const networks = Array.isArray(outputs.networksAdvanced)
        ? (outputs.networksAdvanced as Array<{ name?: unknown }>)
            .map((n) => n.name)
            .filter((n): n is string => typeof n === "string")
        : [];
      return {
        urn: String(r["urn"]),
        id: String(r["id"]),
        name: typeof outputs.name === "string" ? outputs.name : "",
        ports: Array.isArray(outputs.ports) ? (outputs.ports as StateContainer["ports"]) : [],
        networks,
      };
    })
    .filter((c) => c.name !== "");
}

/** What `docker inspect` says of a container, as far as this file reads it. */
interface Inspected {
  Id: string;
  HostConfig?: {
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  };
  NetworkSettings?: { Networks?: Record<string, unknown> | null };
}

/** The containers of the deployment that were replaced or detached outside the stack. */
export async function outOfBandContainers(deployment: unknown): Promise<OutOfBandContainer[]> {
  const found: OutOfBandContainer[] = [];
  for (const c of stateContainers(deployment)) {
    const inspected = await docker(["inspect", "--type", "container", c.name]);
    if (inspected.code !== 0) {
      continue;
    }
    const [now] = JSON.parse(inspected.stdout) as Inspected[];
    if (now === undefined) {
      continue;
    }
    if (now.Id !== c.id) {
      const bindings = Object.values(now.HostConfig?.PortBindings ?? {}).flatMap((b) => b ?? []);
      found.push({
        kind: "replaced",
        urn: c.urn,
        name: c.name,
        id: now.Id,
        property: "published",
        real: bindings.map(
          (b) =>
            `${b.HostIp === "" || b.HostIp === undefined ? "0.0.0.0" : b.HostIp}:${b.HostPort ?? ""}`,
        ),
        declared: c.ports.map((p) => `${p.ip ?? "0.0.0.0"}:${p.external ?? ""}`),
      });
      continue;
    }
    const attached = Object.keys(now.NetworkSettings?.Networks ?? {});
    if (c.networks.some((n) => !attached.includes(n))) {
      found.push({
        kind: "detached",
        urn: c.urn,
        name: c.name,
        id: now.Id,
        property: "networks",
        real: attached,
        declared: c.networks,
      });
    }
  }
  return found;
}
