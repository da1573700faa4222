/**
 * VirtualKey: create POST /key/generate (caller-chosen raw key), read GET /key/info, update POST
 * /key/update, delete POST /key/delete. No Pulumi imports.
 *
 * Ownership lives in the key's metadata: `pulumi_owner` (the resource's owner tag) and
 * `pulumi_generation` (the `rotation` value it was created for). When the alias is taken, create
 * refuses a holder with another or no owner, deletes a holder of its own generation (the orphan of
 * a create whose answer was lost with the engine) and moves a holder of an older generation aside.
 */
import { randomBytes } from "node:crypto";
import { AdminClient, LiteLlmApiError } from "../client";
import { GENERATION_FIELD, OWNER_FIELD, keyCheckSchema } from "./schema";
import { batchedRow, type Listing } from "../impl/batch";
import {
  buildDiff,
  errorMessage,
  runCheck,
  same,
  sha256,
  waitReady,
  withClient,
  type DiffResult,
  type KeyInputs,
  type KeyOutputs,
  type KeyServerSettings,
} from "../impl/shared";

// ---------------------------------------------------------------- VirtualKey

/** Inputs that `/key/update` writes; a change of any of them is an in-place update. */
const KEY_API_FIELDS = [
  "owner",
  "alias",
  "models",
  "duration",
  "maxBudget",
  "rpmLimit",
  "tpmLimit",
  "teamId",
  "metadata",
] as const;

/** What LiteLLM 1.108.14 gives a key for the settings the stack does not expose. */
export const SERVER_DEFAULTS: KeyServerSettings = {
  blocked: false,
  allowedRoutes: [],
  keyType: "default",
  permissions: {},
  budgetDuration: null,
};
const SETTING_FIELDS = Object.keys(SERVER_DEFAULTS) as Array<keyof KeyServerSettings>;

/** The generation a create writes: the rotation value ("" without one). */
const generationOf = (inputs: KeyInputs): string => inputs.rotation ?? "";

function keyBody(inputs: KeyInputs) {
  return {
    key_alias: inputs.alias,
    models: inputs.models,
    max_budget: inputs.maxBudget ?? null,
    rpm_limit: inputs.rpmLimit ?? null,
    tpm_limit: inputs.tpmLimit ?? null,
    team_id: inputs.teamId ?? null,
    metadata: {
      ...(inputs.metadata ?? {}),
      [OWNER_FIELD]: inputs.owner,
      [GENERATION_FIELD]: generationOf(inputs),
    },
    // LiteLLM's defaults, written every time so an update repairs a change made by hand. (null
    // is refused for the routes and the permissions; key_type is ignored by /key/update.)
    blocked: false,
    allowed_routes: [],
    permissions: {},
    budget_duration: null,
  };
}

/** The server settings of a key row (/key/generate, /key/info and /key/update answers). */
function settingsOf(row: Record<string, unknown>): KeyServerSettings {
  const routes = row["allowed_routes"];
  const permissions = row["permissions"];
  return {
    // LiteLLM refuses a key only when blocked is true; it stores null until /key/block.
    blocked: row["blocked"] === true,
    allowedRoutes: Array.isArray(routes) ? (routes as unknown[]) : [],
    keyType: typeof row["key_type"] === "string" ? row["key_type"] : SERVER_DEFAULTS.keyType,
    permissions:
      typeof permissions === "object" && permissions !== null && !Array.isArray(permissions)
        ? (permissions as Record<string, unknown>)
        : {},
    budgetDuration: typeof row["budget_duration"] === "string" ? row["budget_duration"] : null,
  };
}

/** The server settings in state; state written before they were read counts as the defaults. */
function settingsInState(olds: KeyOutputs): KeyServerSettings {
  return {
    blocked: olds.blocked ?? SERVER_DEFAULTS.blocked,
    allowedRoutes: olds.allowedRoutes ?? SERVER_DEFAULTS.allowedRoutes,
    keyType: olds.keyType ?? SERVER_DEFAULTS.keyType,
    permissions: olds.permissions ?? SERVER_DEFAULTS.permissions,
    budgetDuration: olds.budgetDuration ?? SERVER_DEFAULTS.budgetDuration,
  };
}

/** Server settings in state that differ from LiteLLM's defaults. */
function driftedSettings(olds: KeyOutputs): Array<keyof KeyServerSettings> {
  const current = settingsInState(olds);
  return SETTING_FIELDS.filter((f) => !same(current[f], SERVER_DEFAULTS[f]));
}

const asRow = (body: unknown): Record<string, unknown> =>
  typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};

/**
 * An expiry as ISO-8601 UTC with milliseconds, or null. LiteLLM answers /key/generate with
 * microseconds and `Z`, /key/info with the stored milliseconds and `+00:00`.
 */
function isoOrNull(value: unknown): string | null {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    return null;
  }
  return new Date(value).toISOString();
}

interface KeyRow {
  token: string;
  metadata?: Record<string, unknown> | null;
}

async function findByAlias(client: AdminClient, alias: string): Promise<KeyRow[]> {
  const res = await client.call<{ keys?: unknown[] }>({
    method: "GET",
    path: `/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true&size=100`,
  });
  return (res.body.keys ?? []).filter(
    (k): k is KeyRow =>
      typeof k === "object" && k !== null && typeof (k as { token?: unknown }).token === "string",
  );
}

const metadataString = (row: KeyRow, field: string): string | undefined => {
  const v = row.metadata?.[field];
  return typeof v === "string" ? v : undefined;
};

function foreignAliasMessage(inputs: KeyInputs, holderOwner: string | undefined): string {
  const holder =
    holderOwner === undefined
      ? `has no ${OWNER_FIELD} metadata`
      : `has ${OWNER_FIELD} ${JSON.stringify(holderOwner)}`;
  return (
    `VirtualKey alias "${inputs.alias}" already exists on the gateway and is not managed by this ` +
    `stack: the key holding it ${holder}, while this resource's owner is ` +
    `${JSON.stringify(inputs.owner)}. The stack never modifies or deletes a key it did not ` +
    `create. Fix: rename this key's alias, or delete or rename the existing key ` +
    `(POST /key/delete, or POST /key/update with another key_alias).`
  );
}

/** POST /key/delete of one token; a key already gone is fine. */
async function deleteKey(client: AdminClient, token: string): Promise<void> {
  try {
    await client.call({ method: "POST", path: "/key/delete", body: { keys: [token] } });
  } catch (err) {
    if (!(err instanceof LiteLlmApiError && err.status === 404)) {
      throw err;
    }
  }
}

/**
 * Frees the alias for a new key of this resource, or throws without touching anything when a
 * holder is not this resource's.
 */
async function freeAlias(
  client: AdminClient,
  inputs: KeyInputs,
  holders: KeyRow[],
  cause: unknown,
): Promise<void> {
  const foreign = holders.find((h) => metadataString(h, OWNER_FIELD) !== inputs.owner);
  if (foreign !== undefined) {
    throw new Error(foreignAliasMessage(inputs, metadataString(foreign, OWNER_FIELD)), { cause });
  }
  for (const h of holders) {
    if (metadataString(h, GENERATION_FIELD) === generationOf(inputs)) {
      // Made by this very create (same inputs) whose answer never reached the engine: nobody
      // has its raw key, so it is deleted rather than left alive.
      await deleteKey(client, h.token);
    } else {
      // The previous generation: it keeps working until the engine deletes it after the switch.
      await client.call({
        method: "POST",
        path: "/key/update",
        body: { key: h.token, key_alias: `${inputs.alias}.rotating.${h.token.slice(0, 8)}` },
      });
    }
  }
}

/** Keys per page of GET /key/list (its maximum). */
const KEY_PAGE = 100;

/**
 * Every key on the gateway by token (GET /key/list with full objects, all pages): the rows
 * /key/info answers for each. Not worth it when the gateway holds more pages than `wanted` keys
 * fill plus one (a gateway shared with many keys made elsewhere).
 */
export const KEY_LISTING: Listing<Record<string, unknown>> = {
  kind: "key",
  async list(client, wanted) {
    const page = async (n: number) =>
      (
        await client.call<{ keys?: unknown[]; total_pages?: unknown }>({
          method: "GET",
          path: `/key/list?return_full_object=true&size=${KEY_PAGE}&page=${n}`,
        })
      ).body;
    const first = await page(1);
    const pages = typeof first.total_pages === "number" ? first.total_pages : 1;
    if (pages > Math.ceil(wanted / KEY_PAGE) + 1) {
      return undefined;
    }
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page(i + 2)),
    );
    const rows = new Map<string, Record<string, unknown>>();
    for (const body of [first, ...rest]) {
      for (const k of body.keys ?? []) {
        const row = asRow(k);
        if (typeof row["token"] === "string") {
          rows.set(row["token"], row);
        }
      }
    }
    return rows;
  },
};

/** A key's row from GET /key/info, or undefined when there is none (or it was deleted). */
async function keyInfo(
  client: AdminClient,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await client.call<{ info?: unknown }>({
      method: "GET",
      path: `/key/info?key=${encodeURIComponent(token)}`,
    });
    const info = asRow(res.body.info);
    return info["status"] === "deleted" ? undefined : info;
  } catch (err) {
    if (err instanceof LiteLlmApiError && err.status === 404) {
      return undefined;
    }
    throw err;
  }
}

/**
 * Takes over the existing key whose raw value is `adoptKey`: writes this resource's settings and
 * owner tag onto it and returns its row. Undefined when that key is already this resource's of an
 * older generation (a new `rotation` after the adoption: a new key is minted). Throws, without
 * touching anything and without echoing the raw key, when there is no such key, when another
 * stack or resource owns it, or when its alias is another one.
 */
async function adoptExisting(
  client: AdminClient,
  inputs: KeyInputs & { adoptKey: string },
): Promise<{ token: string; row: Record<string, unknown> } | undefined> {
  const token = sha256(inputs.adoptKey);
  const what = `VirtualKey "${inputs.alias}": the key given in adoptKey (token ${token.slice(0, 12)}…)`;
  const info = await keyInfo(client, token);
  if (info === undefined) {
    throw new Error(
      `${what} is not a key on the gateway. Fix: set adoptKey to the raw sk-… value of an existing key, or remove adoptKey to mint a new key.`,
    );
  }
  const metadata = asRow(info["metadata"]);
  const owner = metadata[OWNER_FIELD];
  if (owner === inputs.owner) {
    if (metadata[GENERATION_FIELD] !== generationOf(inputs)) {
      return undefined;
    }
  } else if (owner !== undefined && owner !== null) {
    throw new Error(
      `${what} is managed by ${JSON.stringify(owner)}, not by this resource (${JSON.stringify(inputs.owner)}). The stack never takes a key from another stack. Fix: remove adoptKey, or remove the key from the stack that manages it first.`,
    );
  }
  const alias = info["key_alias"];
  if (typeof alias === "string" && alias !== "" && alias !== inputs.alias) {
    throw new Error(
      `${what} has the alias ${JSON.stringify(alias)}. Fix: set this key's alias to ${JSON.stringify(alias)}, or give the existing key this alias first (POST /key/update).`,
    );
  }
  await client.call({
    method: "POST",
    path: "/key/update",
    body: {
      key: token,
      ...keyBody(inputs),
      ...(inputs.duration !== undefined ? { duration: inputs.duration } : {}),
    },
  });
  const row = await keyInfo(client, token);
  if (row === undefined) {
    throw new Error(`${what} disappeared while it was being adopted. Fix: run the update again.`);
  }
  return { token, row };
}

/** The result of a create (minted or adopted): id and outputs from the key's row on the server. */
function created(
  inputs: KeyInputs,
  rawKey: string,
  token: string,
  row: Record<string, unknown>,
): { id: string; outs: KeyOutputs } {
  const outs: KeyOutputs = {
    ...inputs,
    key: rawKey,
    token,
    expires: isoOrNull(row["expires"]),
    ...settingsOf(row),
  };
  return { id: token, outs };
}

/** VirtualKey implementation. */
export const virtualKey = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return runCheck(keyCheckSchema, news);
  },

  async diff(_id: string, olds: KeyOutputs, news: KeyInputs): Promise<DiffResult> {
    const base = buildDiff(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      [...KEY_API_FIELDS, "rotation", "adminUrl", "adminKey"],
      // A new rotation value mints a new key before the old one is deleted.
      ["rotation"],
    );
    const drifted = driftedSettings(olds);
    // /key/update cannot change key_type, so only a new key undoes it. It needs the alias of the
    // old one, which a new rotation moves aside and otherwise has to be deleted first.
    const replaces = drifted.includes("keyType") ? [...base.replaces, "keyType"] : base.replaces;
    return {
      changes: base.changes || drifted.length > 0,
      replaces,
      deleteBeforeReplace: replaces.includes("keyType") && !replaces.includes("rotation"),
    };
  },

  async create(inputs: KeyInputs): Promise<{ id: string; outs: KeyOutputs }> {
    const { adoptKey } = inputs;
    if (adoptKey !== undefined) {
      const adopted = await withClient(inputs, async (client) => {
        await waitReady(client);
        return adoptExisting(client, { ...inputs, adoptKey });
      });
      if (adopted !== undefined) {
        return created(inputs, adoptKey, adopted.token, adopted.row);
      }
    }
    // The provider picks the raw key, so a retried generate can never mint a second key.
    const rawKey = `sk-${randomBytes(24).toString("base64url")}`;
    const token = sha256(rawKey);
    const row = await withClient(inputs, async (client) => {
      await waitReady(client);
      const body = {
        ...keyBody(inputs),
        key_type: SERVER_DEFAULTS.keyType,
        key: rawKey,
        ...(inputs.duration !== undefined ? { duration: inputs.duration } : {}),
      };
      for (let round = 0; ; round++) {
        try {
          const res = await client.call<unknown>({
            method: "POST",
            path: "/key/generate",
            body,
          });
          return asRow(res.body);
        } catch (err) {
          if (!(err instanceof LiteLlmApiError && err.status === 400) || round > 0) {
            throw err;
          }
          const message = errorMessage(err.body);
          if (/key already exists/i.test(message)) {
            break; // our own earlier attempt committed
          }
          if (!/alias .* already exists/i.test(message)) {
            throw err;
          }
          const holders = await findByAlias(client, inputs.alias);
          if (holders.some((h) => h.token === token)) {
            break; // our own earlier attempt committed
          }
          await freeAlias(client, inputs, holders, err);
        }
      }
      const info = await client.call<{ info?: unknown }>({
        method: "GET",
        path: `/key/info?key=${token}`,
      });
      return asRow(info.body.info);
    });
    return created(inputs, rawKey, token, row);
  },

  async read(id: string, props: KeyOutputs): Promise<{ id: string; props: KeyOutputs }> {
    return withClient(props, async (client) => {
      const info =
        (await batchedRow(KEY_LISTING, props, client, id)) ?? (await keyInfo(client, id));
      if (info === undefined) {
        return { id: "", props };
      }
      const metadata = { ...asRow(info["metadata"]) };
      const owner = metadata[OWNER_FIELD];
      delete metadata[OWNER_FIELD];
      delete metadata[GENERATION_FIELD];
      const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
      const out: KeyOutputs = {
        ...props,
        // The owner the server holds: one that differs (or is missing) diffs, and update writes it.
        owner: typeof owner === "string" ? owner : "",
        token: id,
        alias: String(info["key_alias"] ?? ""),
        models: Array.isArray(info["models"]) ? (info["models"] as string[]) : [],
        expires: isoOrNull(info["expires"]),
        ...settingsOf(info),
      };
      const optional: Array<[keyof KeyOutputs, unknown]> = [
        ["maxBudget", num(info["max_budget"])],
        ["rpmLimit", num(info["rpm_limit"])],
        ["tpmLimit", num(info["tpm_limit"])],
        ["teamId", typeof info["team_id"] === "string" ? info["team_id"] : undefined],
        [
          "metadata",
          props.metadata === undefined && Object.keys(metadata).length === 0 ? undefined : metadata,
        ],
      ];
      for (const [k, v] of optional) {
        if (v === undefined) {
          delete out[k];
        } else {
          (out as unknown as Record<string, unknown>)[k] = v;
        }
      }
      return { id, props: out };
    });
  },

  async update(id: string, olds: KeyOutputs, news: KeyInputs): Promise<{ outs: KeyOutputs }> {
    const kept = { ...news, key: olds.key, token: id };
    // key_type drift is a replacement (see diff); every other drifted setting is rewritten here.
    const repairs = driftedSettings(olds).filter((f) => f !== "keyType");
    if (!KEY_API_FIELDS.some((f) => !same(olds[f], news[f])) && repairs.length === 0) {
      return { outs: { ...kept, expires: olds.expires ?? null, ...settingsInState(olds) } };
    }
    const row = await withClient(news, async (client) => {
      await waitReady(client);
      const durationChanged = !same(olds.duration, news.duration);
      const res = await client.call<unknown>({
        method: "POST",
        path: "/key/update",
        body: {
          key: id,
          ...keyBody(news),
          // Sending a duration restarts the expiry clock, so only when it changed. null makes
          // the key never expire (LiteLLM 1.108.14 clears `expires`).
          ...(durationChanged ? { duration: news.duration ?? null } : {}),
        },
      });
      return asRow(res.body);
    });
    // The server's answer is the truth, null (never expires) included.
    const expires = "expires" in row ? isoOrNull(row["expires"]) : (olds.expires ?? null);
    return { outs: { ...kept, expires, ...settingsOf(row) } };
  },

  async delete(id: string, props: KeyOutputs): Promise<void> {
    await withClient(props, (client) => deleteKey(client, id));
  },
};
