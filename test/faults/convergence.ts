/**
 * Fault convergence on the real gateway: `npm run up` of a stack with many admin objects, its
 * admin API reached through the fault proxy (config `adminUrl`), with a share of the admin calls
 * failing (5xx, 429 with Retry-After, connection resets, hangs until the client's timeout, and
 * "commit, then drop the answer"). Used by test/e2e/faults.test.ts (3 seeds) and
 * bench/fault-convergence.ts (10 seeds, prints the numbers).
 *
 * What counts, read from the gateway's database (not through the proxy, not through the stack):
 * - duplicates: a key alias, model name or credential name held by more than one row;
 * - orphans: a row the stack's state does not know (a key token, model id or credential name
 *   that is no resource's id): what a create whose answer was lost would leave behind;
 * - missing: a resource of the state without its row.
 */
import { dbQuery, type ConfigEntry, type TestStack } from "../e2e/harness";
import type { FaultProxy, FaultRule } from "./proxy";

/** How many objects of each kind a seed declares (50 in all by default). */
export interface ContentCounts {
  credentials: number;
  models: number;
  keys: number;
}

/** 10 credentials, 20 model aliases, 20 virtual keys. */
export const FIFTY_OBJECTS: ContentCounts = { credentials: 10, models: 20, keys: 20 };

/** The kinds of fault injected, each on the same share of the calls. */
export const FAULT_KINDS = ["error-500", "error-429", "reset", "timeout", "drop_after_commit"];

/**
 * Rules that fail `rate` of all admin calls, split evenly over {@link FAULT_KINDS}. The proxy
 * tries rules in order and the first that fires wins, so each rule's probability is conditional
 * on the ones before it not firing: rule i fires with (rate/n) / (1 - (i-1)·rate/n).
 */
export function faultRules(rate: number): FaultRule[] {
  const share = rate / FAULT_KINDS.length;
  const conditional = (i: number): number => share / (1 - i * share);
  const kinds: Omit<FaultRule, "probability">[] = [
    { action: "error", status: 500 },
    { action: "error", status: 429, retryAfterSeconds: 1 },
    { action: "reset" },
    { action: "timeout" },
    { action: "drop_after_commit" },
  ];
  // Every call, the readiness probes the providers make before their first admin call included.
  return kinds.map((k, i) => ({ ...k, probability: conditional(i) }));
}

/**
 * Config entries (`--path` keys, e.g. `models[3].params.mock_response`) that declare `value` under
 * `key`; the leaves under a path in `secretUnder` are set as secrets.
 */
function pathEntries(
  key: string,
  value: unknown,
  secretUnder: readonly string[] = [],
): Record<string, ConfigEntry> {
  if (Array.isArray(value)) {
    return Object.assign(
      {},
      ...value.map((v, i) => pathEntries(`${key}[${i}]`, v, secretUnder)),
    ) as Record<string, ConfigEntry>;
  }
  if (value !== null && typeof value === "object") {
    return Object.assign(
      {},
      ...Object.entries(value).map(([k, v]) => pathEntries(`${key}.${k}`, v, secretUnder)),
    ) as Record<string, ConfigEntry>;
  }
  const text = String(value);
  const secret = secretUnder.some((s) => key.replace(/\[\d+\]/g, "[]").startsWith(s));
  return { [key]: secret ? { secret: text } : text };
}

/** The config lists one seed declares; the keys {@link declareSeed} removes first. */
export const CONTENT_KEYS = ["credentials", "models", "keys"] as const;

/** One seed's admin objects, as the stack config declares them (docs/configuration.md). */
export interface SeedObjects {
  credentials: { name: string; provider: string; values: { api_key: string } }[];
  models: {
    name: string;
    target: string;
    credential?: string;
    params: { mock_response: string };
  }[];
  keys: { alias: string; models: string[]; maxBudget: number }[];
}

/** One seed's objects (names carry the seed; every model answers with a mock response). */
export function seedObjects(seed: number, counts: ContentCounts = FIFTY_OBJECTS): SeedObjects {
  const p = `s${seed}`;
  return {
    credentials: Array.from({ length: counts.credentials }, (_, i) => ({
      name: `${p}-cred-${i}`,
      provider: "openai",
      values: { api_key: `sk-fault-${p}-credential-${i}-0123456789` },
    })),
    models: Array.from({ length: counts.models }, (_, i) => ({
      name: `${p}-model-${i}`,
      target: "openai/gpt-4o-mini",
      ...(counts.credentials > 0 ? { credential: `${p}-cred-${i % counts.credentials}` } : {}),
      params: { mock_response: `answer of ${p}-model-${i}` },
    })),
    keys: Array.from({ length: counts.keys }, (_, i) => ({
      alias: `${p}-key-${i}`,
      models: [`${p}-model-${i % Math.max(1, counts.models)}`],
      maxBudget: 10 + i,
    })),
  };
}

/**
 * The stack config of one seed's objects ({@link seedObjects}), as `--path` entries: the
 * credentials' values are secrets.
 */
export function seedContents(
  seed: number,
  counts: ContentCounts = FIFTY_OBJECTS,
): Record<string, ConfigEntry> {
  const { credentials, models, keys } = seedObjects(seed, counts);
  return {
    ...pathEntries("credentials", credentials, ["credentials[].values"]),
    ...pathEntries("models", models),
    ...pathEntries("keys", keys),
  };
}

/** Replaces the stack's content lists with one seed's (the previous seed's objects go). */
export async function declareSeed(
  t: TestStack,
  seed: number,
  counts: ContentCounts = FIFTY_OBJECTS,
): Promise<void> {
  await t.removeConfig(CONTENT_KEYS);
  await t.setConfig(seedContents(seed, counts));
}

/** The objects one kind has: identity (alias/name) → ids. */
type Rows = Map<string, string[]>;

/** What the gateway's database holds, per kind: name → the ids of its rows. */
export interface Inventory {
  keys: Rows;
  models: Rows;
  credentials: Rows;
}

const group = (lines: string): Rows => {
  const rows: Rows = new Map();
  for (const line of lines.split("\n").filter((l) => l !== "")) {
    const [name = "", id = ""] = line.split("|");
    rows.set(name, [...(rows.get(name) ?? []), id]);
  }
  return rows;
};

/** The gateway's keys, models and credentials, from its database (the stack's db container). */
export async function gatewayInventory(t: TestStack): Promise<Inventory> {
  const db = t.names.db;
  return {
    keys: group(
      await dbQuery(db, `SELECT coalesce(key_alias, ''), token FROM "LiteLLM_VerificationToken"`),
    ),
    models: group(await dbQuery(db, `SELECT model_name, model_id FROM "LiteLLM_ProxyModelTable"`)),
    credentials: group(
      await dbQuery(db, `SELECT credential_name, credential_name FROM "LiteLLM_CredentialsTable"`),
    ),
  };
}

const KIND_TYPES = {
  keys: "pulumi-nodejs:dynamic/litellm:VirtualKey",
  models: "pulumi-nodejs:dynamic/litellm:ModelAlias",
  credentials: "pulumi-nodejs:dynamic/litellm:ProviderCredential",
} as const;

/** The ids of the stack's admin resources, per kind, from its state. */
export async function stateIds(t: TestStack): Promise<Record<keyof Inventory, Set<string>>> {
  const deployment = (await t.stack.exportStack()).deployment as {
    resources?: { type: string; id?: string }[];
  };
  const ids = (type: string): Set<string> =>
    new Set(
      (deployment.resources ?? [])
        .filter((r) => r.type === type && r.id !== undefined && r.id !== "")
        .map((r) => r.id as string),
    );
  return {
    keys: ids(KIND_TYPES.keys),
    models: ids(KIND_TYPES.models),
    credentials: ids(KIND_TYPES.credentials),
  };
}

/** Duplicates, orphans and missing objects: the gateway against the state. */
export interface Consistency {
  /** `kind name ×N` for each name held by more than one row. */
  duplicates: string[];
  /** `kind name (id …)` for each row no resource of the state has as its id. */
  orphans: string[];
  /** `kind id` for each resource of the state without its row. */
  missing: string[];
}

/** Compares the gateway's database with the state (see the file's comment). */
export async function consistency(t: TestStack): Promise<Consistency> {
  const [inventory, state] = await Promise.all([gatewayInventory(t), stateIds(t)]);
  const out: Consistency = { duplicates: [], orphans: [], missing: [] };
  for (const kind of ["keys", "models", "credentials"] as const) {
    const seen = new Set<string>();
    for (const [name, ids] of inventory[kind]) {
      if (ids.length > 1) {
        out.duplicates.push(`${kind} ${name} ×${ids.length}`);
      }
      for (const id of ids) {
        seen.add(id);
        if (!state[kind].has(id)) {
          out.orphans.push(`${kind} ${name} (id ${id.slice(0, 12)}…)`);
        }
      }
    }
    for (const id of state[kind]) {
      if (!seen.has(id)) {
        out.missing.push(`${kind} ${id.slice(0, 12)}…`);
      }
    }
  }
  return out;
}

/** The result of one seed. */
export interface SeedResult extends Consistency {
  seed: number;
  /** `npm run up` runs until one succeeded (maxRuns + 1 when none did). */
  runs: number;
  /** Exit codes of the runs, in order. */
  exitCodes: number[];
  /** Admin calls the proxy saw during the runs, and the faults it injected, by kind. */
  calls: number;
  faults: Record<string, number>;
  /** Wall time of the runs. */
  seconds: number;
  /** The last failed run's output tail, for the report (no secret: the CLI redacts them). */
  lastFailure: string | undefined;
}

/**
 * Declares seed `seed`'s objects (replacing the previous seed's), then runs `npm run up` with
 * faults on at most `maxRuns` times until one succeeds; faults off afterwards, and the gateway is
 * compared with the state.
 */
export async function convergeSeed(
  t: TestStack,
  proxy: FaultProxy,
  seed: number,
  options: { rate?: number; maxRuns?: number; counts?: ContentCounts } = {},
): Promise<SeedResult> {
  const { rate = 0.2, maxRuns = 2, counts = FIFTY_OBJECTS } = options;
  await declareSeed(t, seed, counts);
  proxy.resetRequests();
  proxy.setFaults({ seed, rules: faultRules(rate) });
  const started = Date.now();
  const exitCodes: number[] = [];
  let lastFailure: string | undefined;
  try {
    while (exitCodes.length < maxRuns) {
      const result = await t.cli("up");
      exitCodes.push(result.code);
      if (result.code === 0) {
        break;
      }
      lastFailure = `${result.stdout}\n${result.stderr}`.split("\n").slice(-40).join("\n");
    }
  } finally {
    proxy.setFaults(undefined);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const requests = proxy.requests();
  const faults: Record<string, number> = {};
  for (const r of requests) {
    if (r.fault !== undefined) {
      const kind = r.fault === "error" ? `error-${r.status ?? "?"}` : r.fault;
      faults[kind] = (faults[kind] ?? 0) + 1;
    }
  }
  const succeeded = exitCodes.at(-1) === 0;
  return {
    seed,
    runs: succeeded ? exitCodes.length : maxRuns + 1,
    exitCodes,
    calls: requests.length,
    faults,
    seconds,
    lastFailure,
    ...(await consistency(t)),
  };
}
