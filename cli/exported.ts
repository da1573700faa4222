/**
 * A stack's state as the Automation API exports it (`pulumi stack export --show-secrets`: secrets
 * decrypted), read once by the commands that need both its resources and its outputs.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";

/** A resource of the export. */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The export: the deployment as the Automation API returns it, and its resources. */
export interface Exported {
  deployment: unknown;
  resources: ExportedResource[];
}

/** Exports the stack once (one CLI call). */
export async function exportState(stack: Stack): Promise<Exported> {
  const deployment = (await stack.exportStack()).deployment as {
    resources?: ExportedResource[];
  };
  return { deployment, resources: deployment.resources ?? [] };
}

/**
 * The config and the state of a stack, read side by side (two CLI calls): what `up` checks before
 * the engine runs (the config, the pending operations, the mode switch, the containers changed by
 * hand, the images) reads them from here instead of once per check.
 */
export interface StackReads {
  /** `stack.getAllConfig()` (secrets decrypted). */
  config: ConfigMap;
  /** The decrypted export. */
  exported: Exported;
}

/** Reads {@link StackReads} of `stack`. */
export async function readStack(stack: Stack): Promise<StackReads> {
  const [config, exported] = await Promise.all([stack.getAllConfig(), exportState(stack)]);
  return { config, exported };
}

/** A value of the export: plain, or a decrypted secret (`{ plaintext: JSON }`). */
export function plainValue(raw: unknown): unknown {
  return raw !== null && typeof raw === "object" && "plaintext" in raw
    ? (JSON.parse(String(raw.plaintext)) as unknown)
    : raw;
}

/** The stack's outputs (of its `pulumi:pulumi:Stack` resource), secrets decrypted. */
export function stackOutputs(resources: readonly ExportedResource[]): Record<string, unknown> {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return Object.fromEntries(
    Object.entries(root?.outputs ?? {}).map(([name, value]) => [name, plainValue(value)]),
  );
}

/**
 * The URL the stack administers its gateway through, from its outputs: `adminUrl`, else
 * `LITELLM_BASE_URL` (the consuming server's URL, which may not be reachable from here; stacks
 * deployed before adminUrl have only it). Undefined for a stack without a gateway.
 */
export function adminUrlOf(outputs: Record<string, unknown>): string | undefined {
  return (outputs["adminUrl"] ?? outputs["LITELLM_BASE_URL"]) as string | undefined;
}
