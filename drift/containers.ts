/**
 * Containers replaced outside the stack: a container under the name of one of the stack's
 * containers, but not the one its state records (e.g. recreated by hand with `docker run -p …`
 * on another address). The docker provider only sees that its own container is gone; this tells
 * the replacement apart, for `npm run drift` to report it and for `npm run up` to remove it
 * before it creates the declared container under that name.
 */
import { docker } from "../cli/docker";

/** A container in the state whose name is now held by another container. */
export interface ReplacedContainer {
  /** The resource's URN. */
  urn: string;
  /** The container name. */
  name: string;
  /** The id of the container that holds the name now. */
  id: string;
  /** Where the replacement publishes port 4000 (`ip:port`), if anywhere. */
  published: string[];
  /** Where the state's container was published. */
  declared: string[];
}

interface StateContainer {
  urn: string;
  id: string;
  name: string;
  ports: Array<{ ip?: string; external?: number }>;
}

/** The docker Container resources of an exported deployment. */
function stateContainers(deployment: unknown): StateContainer[] {
  const resources = (deployment as { resources?: Array<Record<string, unknown>> }).resources ?? [];
  return resources
    .filter((r) => r["type"] === "docker:index/container:Container" && typeof r["id"] === "string")
    .map((r) => {
      const outputs = (r["outputs"] ?? {}) as { name?: unknown; ports?: unknown };
      return {
        urn: String(r["urn"]),
        id: String(r["id"]),
        name: typeof outputs.name === "string" ? outputs.name : "",
        ports: Array.isArray(outputs.ports) ? (outputs.ports as StateContainer["ports"]) : [],
      };
    })
    .filter((c) => c.name !== "");
}

/** The containers of the deployment whose names are held by other containers now. */
export async function replacedContainers(deployment: unknown): Promise<ReplacedContainer[]> {
  const found: ReplacedContainer[] = [];
  for (const c of stateContainers(deployment)) {
    const inspected = await docker(["inspect", "--type", "container", c.name]);
    if (inspected.code !== 0) {
      continue;
    }
    const [now] = JSON.parse(inspected.stdout) as Array<{
      Id: string;
      HostConfig?: {
        PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
      };
    }>;
    if (now === undefined || now.Id === c.id) {
      continue;
    }
    const bindings = Object.values(now.HostConfig?.PortBindings ?? {}).flatMap((b) => b ?? []);
    found.push({
      urn: c.urn,
      name: c.name,
      id: now.Id,
      published: bindings.map(
        (b) =>
          `${b.HostIp === "" || b.HostIp === undefined ? "0.0.0.0" : b.HostIp}:${b.HostPort ?? ""}`,
      ),
      declared: c.ports.map((p) => `${p.ip ?? "0.0.0.0"}:${p.external ?? ""}`),
    });
  }
  return found;
}
