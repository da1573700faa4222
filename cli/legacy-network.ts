/**
 * Stacks deployed before the stack had a network resource of its own (components/network.ts)
 * record their network as the Docker provider's `docker:index/network:Network`. The first `up`
 * of the new code would create the new resource (which takes the existing network over) and then
 * delete the old one, removing the network under the running containers. So `up` first drops the
 * old resource from the state (nothing in Docker changes), and `drift` and `preview` say that
 * this move is pending instead of reporting it as drift.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { inspectNetwork } from "../components/network-run";
import type { ExportedResource } from "./exported";
import { log } from "./report";

/** The Docker provider's network type. */
export const LEGACY_NETWORK_TYPE = "docker:index/network:Network";

/** The type of the stack's own network resource. */
export const NETWORK_TYPE = "pulumi-nodejs:dynamic/litellm:Network";

/** What the drift check and the preview say while the move is pending. */
export const PENDING_MOVE_NOTE =
  "the state still records the stack's network as the Docker provider's resource (a stack deployed before litellm-stack had its own network resource): the next npm run up moves it to the stack's own resource, without touching the network or the containers";

/** The legacy network resources of an export. */
export function legacyNetworks<R extends { type: string }>(resources: readonly R[]): R[] {
  return resources.filter((r) => r.type === LEGACY_NETWORK_TYPE);
}

interface StateResource {
  urn: string;
  type: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
}

/**
 * Drops the legacy network resources from `deployment` (the decrypted export) and every
 * reference to them, and imports the result (secrets are encrypted again on import). Resolves
 * with the URNs dropped; does nothing (no import) when there is none.
 */
export async function moveLegacyNetwork(stack: Stack, deployment: unknown): Promise<string[]> {
  const d = deployment as { resources?: StateResource[] };
  const dropped = new Set(legacyNetworks(d.resources ?? []).map((r) => r.urn));
  if (dropped.size === 0) {
    return [];
  }
  const keep = (urns: string[]): string[] => urns.filter((u) => !dropped.has(u));
  const resources = (d.resources ?? [])
    .filter((r) => !dropped.has(r.urn))
    .map((r) => {
      const next: StateResource = { ...r };
      if (r.dependencies !== undefined) {
        next.dependencies = keep(r.dependencies);
      }
      if (r.propertyDependencies !== undefined) {
        next.propertyDependencies = Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([k, v]) => [k, keep(v)]),
        );
      }
      if (r.deletedWith !== undefined && dropped.has(r.deletedWith)) {
        delete next.deletedWith;
      }
      return next;
    });
  log(
    `moving the stack's network to its own resource type (${[...dropped].map((u) => u.slice(u.lastIndexOf("::") + 2)).join(", ")}): the Docker network and the containers stay as they are`,
  );
  await stack.importStack({ version: 3, deployment: { ...d, resources } });
  return [...dropped];
}

/**
 * For drift and preview of a stack whose move is pending: whether the network the legacy resource
 * names exists (then the new resource's create is the move, not drift). Undefined when there is
 * no legacy resource.
 */
export async function pendingMove(
  resources: readonly ExportedResource[],
): Promise<{ urn: string; exists: boolean } | undefined> {
  const legacy = legacyNetworks(resources)[0];
  const name = legacy?.inputs?.["name"];
  if (legacy === undefined || typeof name !== "string") {
    return undefined;
  }
  return { urn: legacy.urn, exists: (await inspectNetwork(name)) !== undefined };
}
