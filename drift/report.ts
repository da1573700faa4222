/**
 * What `npm run drift` reports, from the engine events of a preview with refresh: each resource
 * whose real state differs from the declared one, by the name it has in the stack config
 * (`key "my-app"`, `model "gpt-4o"`, `gateway container`), with each property, old → new where
 * neither side is secret ("changed" where one is). Pure functions: no Pulumi run, no I/O.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { SERVER_DEFAULTS as KEY_SERVER_DEFAULTS } from "../components/admin/key/impl";

/** A property that differs. `old`/`new` are omitted when secret. */
export interface DriftProperty {
  /** Property path, e.g. `maxBudget` or `ports[0].external`. */
  name: string;
  /** The real value (refreshed), when not secret. */
  old?: unknown;
  /** The declared value, when not secret. */
  new?: unknown;
  /** Whether either side is a secret (printed as "changed"). */
  secret: boolean;
}

/** One drifted resource. */
export interface DriftedResource {
  /** How the stack config names it: `key "my-app"`, `gateway container`. */
  name: string;
  /** The resource's URN. */
  urn: string;
  /** What `npm run up` would do: create, update, replace, delete; `replaced`, `detached`: see drift/containers.ts. */
  op: string;
  /** The properties that differ (empty for a create or delete). */
  properties: DriftProperty[];
}

/** An object on the gateway the stack does not own (information, not drift). */
export interface UnmanagedObject {
  /** `key`, `model` or `credential`. */
  kind: string;
  /** Its alias or name (a key without alias: its token hash's first characters). */
  name: string;
}

/** The whole report; also the `--json` file's content. */
export interface DriftReport {
  /** The stack. */
  stack: string;
  /** Whether anything drifted. */
  drifted: boolean;
  /** The drifted resources, in the engine's order. */
  resources: DriftedResource[];
  /** Objects on the gateway not owned by the stack (not drift). */
  unmanaged: UnmanagedObject[];
  /** Why some resources could not be compared (e.g. the gateway does not answer). */
  notes: string[];
}

/** Steps that are not drift: nothing to do, reads, and the refresh steps themselves. */
const NO_CHANGE = new Set(["same", "read", "refresh", "discard"]);

/** Replacement steps that are one change: `replace` is reported, its halves are not. */
const REPLACEMENT_HALVES = new Set(["create-replacement", "delete-replaced"]);

/** Engine-masked secret values. */
const SECRET = "[secret]";

const lastSegment = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** The config name of a resource, from its type and inputs. */
export function configName(meta: StepEventMetadata): string {
  const inputs = (meta.new?.inputs ?? meta.old?.inputs ?? {}) as Record<string, unknown>;
  const str = (k: string): string | undefined =>
    typeof inputs[k] === "string" ? (inputs[k] as string) : undefined;
  const type = meta.type;
  if (type.endsWith(":VirtualKey")) {
    return `key "${str("alias") ?? lastSegment(meta.urn)}"`;
  }
  if (type.endsWith(":ModelAlias")) {
    return `model "${str("publicName") ?? lastSegment(meta.urn)}"`;
  }
  if (type.endsWith(":ProviderCredential")) {
    return `credential "${str("credentialName") ?? str("name") ?? lastSegment(meta.urn)}"`;
  }
  const name = lastSegment(meta.urn);
  if (type === "docker:index/container:Container") {
    return containerName(meta.urn, str("name"));
  }
  // The stack's own network (pulumi-nodejs:dynamic/litellm:Network) or the Docker provider's.
  if (type.endsWith(":Network")) {
    return `network${str("name") ? ` (${str("name")})` : ""}`;
  }
  if (type === "docker:index/volume:Volume") {
    return `volume${str("name") ? ` (${str("name")})` : ""}`;
  }
  return name;
}

/** How drift names a container resource: `gateway container (litellm)`. */
export function containerName(urn: string, dockerName: string | undefined): string {
  const name = lastSegment(urn);
  const role = /-(db|gateway|redis)-container$/.exec(name)?.[1];
  const label = role === "db" ? "database" : (role ?? name);
  return `${label} container${dockerName === undefined ? "" : ` (${dockerName})`}`;
}

/** The value at a property path (`a.b[0].c`) of an object, or undefined. */
function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (v === null || typeof v !== "object") {
      return undefined;
    }
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const isSecret = (v: unknown): boolean =>
  v === SECRET || JSON.stringify(v ?? null).includes(SECRET);

/** Inputs that are plumbing, not settings: the admin connection, ownership tags, state stamps. */
const PLUMBING = new Set([
  "adminUrl",
  "adminKey",
  "owner",
  "modelId",
  "schemaVersion",
  "createdAt",
]);

/**
 * Settings a resource has on the server without declaring them, with the value that is no drift
 * (a key's `blocked: false`…): a read value other than this default is reported.
 */
const SERVER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  VirtualKey: KEY_SERVER_DEFAULTS as unknown as Record<string, unknown>,
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The properties of one step. A provider's detailed diff (docker) names them; a dynamic
 * provider's does not, so they are found by comparing the refreshed outputs with the declared
 * inputs, plus the server-side settings that left their defaults. A drift only a secret shows
 * (both sides read `[secret]`) is reported as its secret inputs "changed".
 */
function properties(meta: StepEventMetadata): DriftProperty[] {
  const old = (meta.old?.outputs ?? meta.old?.inputs ?? {}) as Record<string, unknown>;
  const next = (meta.new?.inputs ?? {}) as Record<string, unknown>;
  const explicit = Object.keys(meta.detailedDiff ?? {});
  const named = explicit.length > 0 ? explicit : (meta.diffs ?? []);
  const kind = meta.type.slice(meta.type.lastIndexOf(":") + 1);
  const defaults = SERVER_DEFAULTS[kind] ?? {};
  const paths =
    named.length > 0
      ? named
      : [
          ...Object.keys(next).filter(
            (k) => !k.startsWith("__") && !PLUMBING.has(k) && !same(old[k], next[k]),
          ),
          ...Object.keys(defaults).filter(
            (k) => !(k in next) && k in old && !same(old[k], defaults[k]),
          ),
        ];
  const found = paths.map((name): DriftProperty => {
    const o = at(old, name);
    const n = at(next, name);
    return isSecret(o) || isSecret(n)
      ? { name, secret: true }
      : { name, old: o, new: n, secret: false };
  });
  if (found.length === 0) {
    return Object.keys(next)
      .filter((k) => !PLUMBING.has(k) && !k.startsWith("__") && isSecret(next[k]))
      .map((name) => ({ name, secret: true }));
  }
  return found;
}

/** The drifted resources among a preview's engine events. */
export function driftedResources(events: readonly EngineEvent[]): DriftedResource[] {
  const found = new Map<string, DriftedResource>();
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (meta === undefined || NO_CHANGE.has(meta.op) || REPLACEMENT_HALVES.has(meta.op)) {
      continue;
    }
    // A default provider's inputs are the stack config; the engine does not count them as changes.
    if (meta.type.startsWith("pulumi:providers:") || meta.type === "pulumi:pulumi:Stack") {
      continue;
    }
    if (!found.has(meta.urn)) {
      found.set(meta.urn, {
        name: configName(meta),
        urn: meta.urn,
        op: meta.op,
        properties: meta.op === "create" || meta.op === "delete" ? [] : properties(meta),
      });
    }
  }
  return [...found.values()];
}

/** A value for the summary: JSON without the engine's `__` fields, shortened. */
function show(v: unknown): string {
  const text =
    v === undefined
      ? "(none)"
      : JSON.stringify(v, (k, x: unknown) => (k.startsWith("__") ? undefined : x));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What `npm run up` does about an op, in words. */
const OP_WORDS: Record<string, string> = {
  create: "missing: up creates it",
  update: "changed: up sets it back",
  replace: "changed: up replaces it",
  delete: "not declared: up deletes it",
  replaced: "replaced outside the stack: up removes the replacement and creates the declared one",
  detached: "off the stack's network: up recreates it on the network",
};

/** The summary a person reads: one block per drifted resource, then notes and information. */
export function formatSummary(report: DriftReport): string {
  const lines: string[] = [];
  if (report.resources.length === 0) {
    lines.push(`no drift: stack '${report.stack}' matches its code and config`);
  } else {
    lines.push(`drift: ${report.resources.length} resource(s) of stack '${report.stack}' differ:`);
    for (const r of report.resources) {
      lines.push(`  ${r.name}: ${OP_WORDS[r.op] ?? r.op}`);
      for (const p of r.properties) {
        lines.push(
          p.secret ? `    ${p.name}: changed` : `    ${p.name}: ${show(p.old)} → ${show(p.new)}`,
        );
      }
    }
  }
  for (const note of report.notes) {
    lines.push(`note: ${note}`);
  }
  if (report.unmanaged.length > 0) {
    lines.push("info: on the gateway but not managed by this stack (not drift):");
    for (const u of report.unmanaged) {
      lines.push(`  ${u.kind} "${u.name}"`);
    }
  }
  return `${lines.join("\n")}\n`;
}
