/**
 * Shared parts of the admin implementation: connection and state types, tuning, the admin client
 * wrapper, check/diff helpers and the provider list. No Pulumi imports.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { AdminClient } from "../client";
import { forwardedUrl, type ForwardTarget } from "../../kubernetes/forward";
import {
  WELL_KNOWN_PROVIDERS,
  closestProvider,
  normalizeProvider,
  unknownProviderReason,
} from "../rules";

import type { CredentialInputs } from "../credential/schema";
import type { KeyInputs } from "../key/schema";
import type { ModelInputs } from "../model/schema";
import { UNKNOWN } from "../schema-parts";

export { UNKNOWN, u } from "../schema-parts";
export type { CredentialInputs, KeyInputs, ModelInputs };

/** Connection inputs every resource carries; `adminKey` is a secret input. */
export interface AdminConnection {
  adminUrl: string;
  adminKey: string;
  /** A Kubernetes Service reached through a port-forward (then `adminUrl` is its in-cluster URL). */
  adminForward?: ForwardTarget | undefined;
}

/** Where the admin API answers from here: `adminUrl`, or the local end of a port-forward. */
export async function reachableUrl(conn: AdminConnection): Promise<string> {
  return conn.adminForward === undefined ? conn.adminUrl : forwardedUrl(conn.adminForward);
}

/**
 * The version of the output shape this implementation writes into every resource's state
 * (`schemaVersion`). State written before versioning has none: version 0. Bump it when an output
 * changes shape, and keep reading every older version (refresh and destroy run this code on old
 * state).
 */
export const OUTPUT_SCHEMA_VERSION = 1;

/** The output-shape version every resource's outputs carry (absent: 0). */
export interface Versioned {
  schemaVersion?: number;
}

/** Outputs of a ProviderCredential (the inputs, provider canonical). */
export type CredentialOutputs = CredentialInputs & Versioned;

/** Outputs of a ModelAlias. */
export interface ModelOutputs extends ModelInputs, Versioned {
  /** When the model was created (ISO); bounds the eventual-consistency window of reads. */
  createdAt: string;
}

/**
 * Settings of a VirtualKey that the stack does not expose and holds at LiteLLM's defaults; read
 * back so that a change made by hand shows as drift.
 */
export interface KeyServerSettings {
  /** Blocked (POST /key/block). LiteLLM's default: not blocked (stored as null). */
  blocked: boolean;
  /** `allowed_routes`. Default `[]` (the routes of the key type). */
  allowedRoutes: unknown[];
  /** `key_type`, set by /key/generate only. Default `"default"`. */
  keyType: string;
  /** `permissions`. Default `{}`. */
  permissions: Record<string, unknown>;
  /** `budget_duration`, the period after which spend resets. Default none (null). */
  budgetDuration: string | null;
}
/** Outputs of a VirtualKey; the server settings are absent in state written before they were read. */
export interface KeyOutputs extends KeyInputs, Partial<KeyServerSettings>, Versioned {
  /** The raw `sk-` key (secret output). */
  key: string;
  /** sha256 hex of the raw key: LiteLLM's token and the resource id. */
  token: string;
  /** Expiry (ISO, UTC) or null when the key never expires. */
  expires: string | null;
}

/** Failure shape of `check`. */
export interface CheckFailure {
  property: string;
  reason: string;
}
/** Result shape of `diff`. */
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Knobs for timeouts and logging; tests shorten them. */
export interface AdminTuning {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  readyTimeoutMs: number;
  readyIntervalMs: number;
  /** How long after create a missing model is taken as "not visible yet" rather than gone. */
  modelVisibilityGraceMs: number;
  modelPollMs: number;
  /**
   * How long a credential that POST calls taken may be missing from LiteLLM's reads before it is
   * taken as deleted in between (LiteLLM reloads its in-memory credentials every 30 s).
   */
  credentialVisibilityGraceMs: number;
  credentialPollMs: number;
  /**
   * The stack being deployed, named in the fix of a gateway that does not answer; unknown
   * (e.g. a plain `pulumi` run): a generic fix.
   */
  stack: string | undefined;
  log: (message: string) => void;
}

/**
 * Environment variable through which the stack commands (cli/workspace.ts) tell the provider
 * process which stack it works on; the engine starts providers with the CLI's environment.
 */
export const STACK_NAME_ENV = "LITELLM_STACK_NAME";

/** The stack named in `STACK_NAME_ENV`, if it is a stack name. */
function stackFromEnv(): string | undefined {
  const stack = process.env[STACK_NAME_ENV];
  return stack !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack) ? stack : undefined;
}

export const tuning: AdminTuning = {
  timeoutMs: Number(process.env["LITELLM_ADMIN_TIMEOUT_MS"] ?? 15_000),
  maxAttempts: Number(process.env["LITELLM_ADMIN_MAX_ATTEMPTS"] ?? 5),
  backoffMs: 250,
  readyTimeoutMs: Number(process.env["LITELLM_ADMIN_READY_TIMEOUT_MS"] ?? 180_000),
  readyIntervalMs: 1_000,
  modelVisibilityGraceMs: 60_000,
  modelPollMs: 500,
  credentialVisibilityGraceMs: 45_000,
  credentialPollMs: 1_000,
  stack: stackFromEnv(),
  log: (m) => process.stderr.write(`${m}\n`),
};

/** Overrides tuning knobs (tests). */
export function configureAdminTuning(overrides: Partial<AdminTuning>): void {
  Object.assign(tuning, overrides);
}

export const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withClient<T>(
  conn: AdminConnection,
  fn: (client: AdminClient) => Promise<T>,
): Promise<T> {
  const client = new AdminClient({
    baseUrl: await reachableUrl(conn),
    masterKey: conn.adminKey,
    timeoutMs: tuning.timeoutMs,
    maxAttempts: tuning.maxAttempts,
    backoffMs: tuning.backoffMs,
    ...(tuning.stack === undefined ? {} : { stack: tuning.stack }),
    log: tuning.log,
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Waits for readiness and runs `patch` when `changed`; no API call at all otherwise. */
export async function patchWhen(
  conn: AdminConnection,
  changed: boolean,
  patch: (client: AdminClient) => Promise<void>,
): Promise<void> {
  if (!changed) {
    return;
  }
  await withClient(conn, async (client) => {
    await waitReady(client);
    await patch(client);
  });
}

export function waitReady(client: AdminClient): Promise<void> {
  return client.waitReady({
    timeoutMs: tuning.readyTimeoutMs,
    intervalMs: tuning.readyIntervalMs,
  });
}

export function errorMessage(body: unknown): string {
  const b = body as { error?: { message?: unknown }; detail?: unknown; message?: unknown } | null;
  const m = b?.error?.message ?? b?.message ?? b?.detail;
  return typeof m === "string" ? m : JSON.stringify(m ?? "");
}

export const isKnown = (v: unknown): boolean => v !== UNKNOWN;

// ---------------------------------------------------------------- check helpers

export function toFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    // A union of UNKNOWN | schema reports the inner issue under `errors`; surface that one.
    const inner = (i as { errors?: z.core.$ZodIssue[][] }).errors?.[1]?.[0];
    return { property: path, reason: inner?.message ?? i.message };
  });
}

export function runCheck<T>(
  schema: z.ZodType<T>,
  news: unknown,
): { inputs: T; failures: CheckFailure[] } {
  const parsed = schema.safeParse(news);
  if (!parsed.success) {
    return { inputs: news as T, failures: toFailures(parsed.error) };
  }
  return { inputs: news as T, failures: [] };
}

export function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === null) {
      return null;
    }
    if (Array.isArray(v)) {
      return v.map(norm);
    }
    if (typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined && x !== null)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, x]) => [k, norm(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export function buildDiff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  fields: readonly string[],
  replaceFields: readonly string[],
  deleteBeforeReplace = false,
): DiffResult {
  const changed = fields.filter((f) => news[f] === UNKNOWN || !same(olds[f], news[f]));
  const replaces = changed.filter((f) => replaceFields.includes(f));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace };
}

// ---------------------------------------------------------------- provider list

export async function fetchProviders(conn: AdminConnection): Promise<string[] | undefined> {
  if (!isKnown(conn.adminUrl)) {
    return undefined;
  }
  try {
    const client = new AdminClient({
      baseUrl: await reachableUrl(conn),
      masterKey: conn.adminKey,
      timeoutMs: Math.min(tuning.timeoutMs, 5_000),
      maxAttempts: 2,
      backoffMs: tuning.backoffMs,
    });
    try {
      const res = await client.call<unknown>({
        method: "GET",
        path: "/public/providers",
        anonymous: true,
      });
      return Array.isArray(res.body)
        ? res.body.filter((p): p is string => typeof p === "string")
        : undefined;
    } finally {
      await client.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether the old inputs already named this (canonical) provider, in `provider` or as the prefix
 * of `target`: then it was checked when it was set, and `check` makes no API call.
 */
export function sameProvider(
  olds: unknown,
  field: "provider" | "target",
  canonical: string,
): boolean {
  const old = (olds as Record<string, unknown> | undefined)?.[field];
  if (typeof old !== "string") {
    return false;
  }
  const oldProvider = field === "target" ? (old.split("/")[0] ?? "") : old;
  return normalizeProvider(oldProvider) === canonical;
}

/** Provider check: the live list when reachable; else only near-misses of well-known names fail. */
export async function providerFailure(
  conn: AdminConnection,
  canonical: string,
): Promise<string | undefined> {
  const live = await fetchProviders(conn);
  if (live !== undefined) {
    return unknownProviderReason(canonical, live);
  }
  if (WELL_KNOWN_PROVIDERS.includes(canonical)) {
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9_\-]*$/.test(canonical)) {
    return `unknown provider "${canonical}" (see GET /public/providers)`;
  }
  const hint = closestProvider(canonical, WELL_KNOWN_PROVIDERS);
  return hint === undefined
    ? undefined
    : `unknown provider "${canonical}"; did you mean ${hint}? (see GET /public/providers)`;
}
