/**
 * Virtual-key routes (`key_management_endpoints.py`): /key/generate, /key/info, /key/update,
 * /key/delete, /key/list, /key/block, /key/unblock, /key/regenerate (enterprise-only 500).
 */
import { z } from "zod";
import type { EmulatorContext, RequestInfo, Route } from "../context";
import { generateVirtualKey, hashToken, tokenOf } from "../crypto";
import { addDuration } from "../duration";
import { ProxyError, pythonRepr, type Json, type JsonObject } from "../errors";
import { json, parseJsonBody, validateBody, validateQuery, type EmulatorResponse } from "../http";
import type { KeyRecord } from "../store/types";

const jsonRecord = z.record(z.string(), z.unknown());
const optStr = z.string().nullable().optional();
const optNum = z.number().nullable().optional();
const optInt = z.number().int().nullable().optional();

/** Fields shared by `GenerateKeyRequest` and `UpdateKeyRequest` (unknown fields are dropped). */
const keyFields = {
  key_alias: optStr,
  duration: optStr,
  models: z.array(z.string()).nullable().optional(),
  aliases: jsonRecord.nullable().optional(),
  config: jsonRecord.nullable().optional(),
  spend: optNum,
  max_budget: optNum,
  soft_budget: optNum,
  budget_duration: optStr,
  rpm_limit: optInt,
  tpm_limit: optInt,
  max_parallel_requests: optInt,
  model_rpm_limit: jsonRecord.nullable().optional(),
  model_tpm_limit: jsonRecord.nullable().optional(),
  model_max_budget: jsonRecord.nullable().optional(),
  team_id: optStr,
  user_id: optStr,
  organization_id: optStr,
  budget_id: optStr,
  metadata: jsonRecord.nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  blocked: z.boolean().nullable().optional(),
  permissions: jsonRecord.nullable().optional(),
  allowed_routes: z.array(z.string()).nullable().optional(),
  allowed_cache_controls: z.array(z.string()).nullable().optional(),
  key_type: z.enum(["default", "llm_api", "management", "read_only"]).nullable().optional(),
  guardrails: z.array(z.string()).nullable().optional(),
  enforced_params: z.array(z.string()).nullable().optional(),
};

const generateSchema = z.object({
  key: optStr,
  ...keyFields,
  send_invite_email: z.boolean().nullable().optional(),
});
const updateSchema = z.object({ key: z.string(), ...keyFields });
const deleteSchema = z
  .object({
    keys: z.array(z.string()).nullable().optional(),
    key_aliases: z.array(z.string()).nullable().optional(),
  })
  .refine((b) => (b.keys ?? null) !== null || (b.key_aliases ?? null) !== null, {
    message: "Must specify either keys or key_aliases",
  });
const blockSchema = z.object({ key: z.string() });

const boolQuery = z
  .enum(["true", "false", "True", "False", "1", "0"])
  .transform((v) => v === "true" || v === "True" || v === "1");
const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(10),
  key_alias: z.string().optional(),
  user_id: z.string().optional(),
  team_id: z.string().optional(),
  organization_id: z.string().optional(),
  key_hash: z.string().optional(),
  return_full_object: boolQuery.optional(),
  sort_by: z
    .enum(["spend", "max_budget", "created_at", "updated_at", "token", "key_alias"])
    .optional(),
  sort_order: z.enum(["asc", "desc"]).default("desc"),
});

/** Fields of the request that are copied onto the key row. */
const ROW_FIELDS = Object.keys(keyFields).filter((f) => f !== "duration");

function toJson(value: unknown): Json {
  return value === undefined ? null : (value as Json);
}

function keyName(rawKey: string): string {
  return `sk-...${rawKey.slice(-4)}`;
}

function maskForMessage(value: string): string {
  return value.length <= 8 ? "****" : `${value.slice(0, 4)}****${value.slice(-4)}`;
}

async function assertAliasFree(
  ctx: EmulatorContext,
  alias: string | null | undefined,
  self?: string,
): Promise<void> {
  if (alias === null || alias === undefined) {
    return;
  }
  const taken = await ctx.store.findKeys({ keyAlias: alias });
  if (taken.some((k) => k.token !== self)) {
    throw new ProxyError(
      400,
      `Key with alias '${alias}' already exists. Unique key aliases across all keys are required.`,
      "bad_request_error",
      "key_alias",
    );
  }
}

function assertBudget(maxBudget: number | null | undefined): void {
  if (typeof maxBudget === "number" && maxBudget < 0) {
    throw new ProxyError(
      400,
      `max_budget cannot be negative. Received: ${maxBudget}`,
      "bad_request_error",
      "max_budget",
    );
  }
}

function expiresFor(
  ctx: EmulatorContext,
  duration: string | null | undefined,
  now: Date,
): string | null {
  if (duration === null || duration === undefined) {
    return null;
  }
  return addDuration(now, duration, ctx.compat === "1.80").toISOString();
}

function rowWithoutToken(row: JsonObject): JsonObject {
  const { token: _token, ...rest } = row;
  return rest;
}

async function generate(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(generateSchema, parseJsonBody(req.rawBody));
  if (typeof body.key === "string" && !body.key.startsWith("sk-")) {
    throw new ProxyError(
      400,
      `Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: ${maskForMessage(body.key)}`,
      "bad_request_error",
      "key",
    );
  }
  assertBudget(body.max_budget);
  await assertAliasFree(ctx, body.key_alias);
  const now = new Date();
  const expires = expiresFor(ctx, body.duration, now);
  const rawKey = body.key ?? generateVirtualKey();
  const token = hashToken(rawKey);

  const row: JsonObject = {
    token,
    key_name: keyName(rawKey),
    key_alias: toJson(body.key_alias),
    spend: body.spend ?? 0,
    expires,
    models: toJson(body.models ?? []),
    aliases: toJson(body.aliases ?? {}),
    config: toJson(body.config ?? {}),
    user_id: toJson(body.user_id),
    team_id: toJson(body.team_id),
    permissions: toJson(body.permissions ?? {}),
    max_parallel_requests: toJson(body.max_parallel_requests),
    metadata: toJson({
      ...(body.metadata ?? {}),
      ...(body.model_rpm_limit ? { model_rpm_limit: body.model_rpm_limit } : {}),
      ...(body.model_tpm_limit ? { model_tpm_limit: body.model_tpm_limit } : {}),
      ...(body.tags ? { tags: body.tags } : {}),
    }),
    blocked: toJson(body.blocked),
    tpm_limit: toJson(body.tpm_limit),
    rpm_limit: toJson(body.rpm_limit),
    max_budget: toJson(body.max_budget),
    soft_budget_cooldown: false,
    budget_duration: toJson(body.budget_duration),
    budget_reset_at: null,
    allowed_cache_controls: toJson(body.allowed_cache_controls ?? []),
    allowed_routes: toJson(body.allowed_routes ?? []),
    model_spend: {},
    model_max_budget: toJson(body.model_max_budget ?? {}),
    budget_id: toJson(body.budget_id),
    organization_id: toJson(body.organization_id),
    object_permission_id: null,
    key_type: toJson(body.key_type ?? "default"),
    created_at: now.toISOString(),
    created_by: req.caller.userId,
    updated_at: now.toISOString(),
    updated_by: req.caller.userId,
    rotation_count: 0,
    auto_rotate: false,
    rotation_interval: null,
    last_rotation_at: null,
    key_rotation_at: null,
    litellm_budget_table: null,
    object_permission: null,
  };

  const existing = await ctx.store.getKey(token);
  if (existing !== undefined && existing.deletedAt === null) {
    if (ctx.existingKeyOnGenerate === "reject") {
      throw new ProxyError(
        400,
        "Key already exists. Use /key/update to change it.",
        "bad_request_error",
        "key",
      );
    }
    // Released LiteLLM upserts with `update={}`: 200, old row unchanged (issue #20494).
  } else {
    await ctx.store.putKey({
      token,
      keyAlias: body.key_alias ?? null,
      createdAt: now.toISOString(),
      deletedAt: null,
      row,
    });
  }
  return json({
    ...row,
    duration: toJson(body.duration),
    soft_budget: toJson(body.soft_budget),
    key: rawKey,
    token_id: token,
  });
}

async function info(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const asked = req.query.get("key") ?? req.caller.rawKey;
  if (asked === undefined) {
    throw new ProxyError(404, "Key not found in database", "not_found_error", "key");
  }
  const token = tokenOf(asked);
  if (!req.caller.isAdmin && req.caller.key?.token !== token) {
    throw new ProxyError(
      403,
      "You are not allowed to access this key's info. Your role=internal_user",
      "auth_error",
      "key",
    );
  }
  const record = await ctx.store.getKey(token);
  if (record === undefined || (record.deletedAt !== null && ctx.compat !== "main")) {
    throw new ProxyError(404, "Key not found in database", "not_found_error", "key");
  }
  const infoRow = rowWithoutToken(record.row);
  if (record.deletedAt !== null) {
    infoRow["status"] = "deleted";
  }
  return json({ key: asked, info: infoRow });
}

async function update(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const raw = parseJsonBody(req.rawBody);
  const body = validateBody(updateSchema, raw);
  const sent = new Set(Object.keys(raw as object));
  const record = await ctx.store.getKey(tokenOf(body.key));
  if (record === undefined || record.deletedAt !== null) {
    // LiteLLM's message here is wrong (a bug in every version); kept for fidelity.
    throw new ProxyError(
      404,
      pythonRepr({ error: "Team not found, passed team_id=None" }),
      "auth_error",
    );
  }
  assertBudget(body.max_budget);
  if (sent.has("key_alias")) {
    await assertAliasFree(ctx, body.key_alias, record.token);
  }
  const now = new Date();
  const row: JsonObject = { ...record.row };
  const bodyRecord = body as Record<string, unknown>;
  for (const field of ROW_FIELDS) {
    if (sent.has(field)) {
      row[field] = toJson(bodyRecord[field]);
    }
  }
  if (sent.has("duration")) {
    row["expires"] =
      body.duration === null || body.duration === undefined || body.duration === "-1"
        ? null
        : expiresFor(ctx, body.duration, now);
  }
  row["updated_at"] = now.toISOString();
  row["updated_by"] = req.caller.userId;
  const keyAlias = row["key_alias"];
  const updated: KeyRecord = {
    ...record,
    keyAlias: typeof keyAlias === "string" ? keyAlias : null,
    row,
  };
  await ctx.store.putKey(updated);
  return json({ ...row, key: body.key });
}

async function remove(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(deleteSchema, parseJsonBody(req.rawBody));
  let tokens: string[];
  let sentList: string[];
  if (body.keys !== null && body.keys !== undefined) {
    sentList = body.keys;
    tokens = body.keys.map(tokenOf);
  } else {
    sentList = body.key_aliases ?? [];
    tokens = [];
    for (const alias of sentList) {
      for (const k of await ctx.store.findKeys({ keyAlias: alias })) {
        tokens.push(k.token);
      }
    }
  }
  const deleted = await ctx.store.deleteKeys(tokens, new Date().toISOString());
  if (deleted.length === 0) {
    throw new ProxyError(404, pythonRepr({ error: "No keys found" }), "internal_server_error");
  }
  return json({ deleted_keys: sentList });
}

function compareRows(a: KeyRecord, b: KeyRecord, field: string): number {
  const va = a.row[field];
  const vb = b.row[field];
  if (va === vb) {
    return 0;
  }
  if (va === null || va === undefined) {
    return -1;
  }
  if (vb === null || vb === undefined) {
    return 1;
  }
  return va < vb ? -1 : 1;
}

async function list(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const q = validateQuery(listQuery, req.query);
  const all = await ctx.store.findKeys(q.key_alias === undefined ? {} : { keyAlias: q.key_alias });
  const wantedToken = q.key_hash === undefined ? undefined : tokenOf(q.key_hash);
  const matching = all.filter(
    (k) =>
      k.row["team_id"] !== "litellm-dashboard" &&
      (q.user_id === undefined || k.row["user_id"] === q.user_id) &&
      (q.team_id === undefined || k.row["team_id"] === q.team_id) &&
      (q.organization_id === undefined || k.row["organization_id"] === q.organization_id) &&
      (wantedToken === undefined || k.token === wantedToken),
  );
  const sortBy = q.sort_by ?? "created_at";
  const sign = q.sort_order === "asc" ? 1 : -1;
  // Newest insertions first among equal sort keys when descending.
  const ordered = (sign < 0 ? matching.reverse() : matching).sort(
    (a, b) => sign * compareRows(a, b, sortBy),
  );
  const page = ordered.slice((q.page - 1) * q.size, q.page * q.size);
  return json({
    keys: q.return_full_object === true ? page.map((k) => k.row) : page.map((k) => k.token),
    total_count: ordered.length,
    current_page: q.page,
    total_pages: Math.ceil(ordered.length / q.size),
  });
}

function setBlocked(blocked: boolean) {
  return async (req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> => {
    const body = validateBody(blockSchema, parseJsonBody(req.rawBody));
    const record = await ctx.store.getKey(tokenOf(body.key));
    if (record === undefined || record.deletedAt !== null) {
      throw new ProxyError(
        404,
        `Key not found. Passed key=${maskForMessage(body.key)}`,
        "not_found_error",
        "key",
      );
    }
    const row: JsonObject = { ...record.row, blocked, updated_at: new Date().toISOString() };
    await ctx.store.putKey({ ...record, row });
    return json(row);
  };
}

const ENTERPRISE_ONLY =
  "Regenerating Virtual Keys is an Enterprise feature, You must be a LiteLLM Enterprise user to use this feature. " +
  "If you have a license please set `LITELLM_LICENSE` in your env. Get a 7 day trial key here: https://www.litellm.ai/#trial. " +
  "\nPricing: https://www.litellm.ai/#pricing";

async function regenerate(): Promise<EmulatorResponse> {
  throw new ProxyError(500, ENTERPRISE_ONLY, "internal_server_error");
}

/** Key management routes. */
export const keyRoutes: Route[] = [
  { method: "POST", path: "/key/generate", access: "admin", handler: generate },
  { method: "GET", path: "/key/info", access: "key", handler: info },
  { method: "POST", path: "/key/update", access: "admin", handler: update },
  { method: "POST", path: "/key/delete", access: "admin", handler: remove },
  { method: "GET", path: "/key/list", access: "admin", handler: list },
  { method: "POST", path: "/key/block", access: "admin", handler: setBlocked(true) },
  { method: "POST", path: "/key/unblock", access: "admin", handler: setBlocked(false) },
  { method: "POST", path: "/key/regenerate", access: "admin", handler: regenerate },
  { method: "POST", path: /^\/key\/(?<key>.+)\/regenerate$/, access: "admin", handler: regenerate },
];
