/**
 * Model deployment routes (`model_management_endpoints.py`, `/model/info` from `proxy_server.py`):
 * /model/new, /model/info, PATCH /model/{id}/update, POST /model/update, /model/delete, and the
 * OpenAI-style /v1/models list.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EmulatorContext, RequestInfo, Route } from "../context";
import { decryptStrings, encryptStrings } from "../crypto";
import { DetailError, ProxyError, pythonRepr, type Json, type JsonObject } from "../errors";
import { json, parseJsonBody, validateBody, type EmulatorResponse } from "../http";
import { maskModelParams } from "../masking";
import type { ModelRecord } from "../store/types";

const newSchema = z.object({
  model_name: z.string(),
  litellm_params: z.looseObject({ model: z.string() }),
  model_info: z.looseObject({ id: z.string().nullable().optional() }).nullable().optional(),
});

const patchSchema = z.object({
  model_name: z.string().nullable().optional(),
  litellm_params: z.looseObject({}).nullable().optional(),
  model_info: z.looseObject({ id: z.string().nullable().optional() }).nullable().optional(),
});

const deleteSchema = z.object({ id: z.string() });

const STORE_MODEL_IN_DB_OFF = pythonRepr({
  error: "Set `'STORE_MODEL_IN_DB='True'` in your env to enable this feature.",
});

function objectField(row: JsonObject, field: string): JsonObject {
  const v = row[field];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

function isVisible(record: ModelRecord, ctx: EmulatorContext, now: number): boolean {
  const visibleAt = ctx.modelVisibleAt.get(record.modelId);
  return ctx.storeModelInDb && (visibleAt === undefined || now >= visibleAt);
}

/** Models the router "knows" (DB models load only with STORE_MODEL_IN_DB; new ones may lag). */
async function liveModels(ctx: EmulatorContext): Promise<ModelRecord[]> {
  const now = Date.now();
  return (await ctx.store.listModels()).filter((m) => isVisible(m, ctx, now));
}

function decryptedParams(record: ModelRecord, ctx: EmulatorContext): JsonObject {
  return decryptStrings(
    objectField(record.row, "litellm_params"),
    ctx.encryptionSecret,
  ) as JsonObject;
}

function publicView(record: ModelRecord, ctx: EmulatorContext): JsonObject {
  const modelInfo = objectField(record.row, "model_info");
  return {
    model_name: record.row["model_name"] ?? null,
    litellm_params: maskModelParams(decryptedParams(record, ctx), ctx.compat === "1.80"),
    model_info: { ...modelInfo, id: record.modelId, db_model: true },
  };
}

function allowedFor(req: RequestInfo, names: string[]): string[] {
  const keyModels = req.caller.key?.row["models"];
  if (req.caller.isAdmin || !Array.isArray(keyModels) || keyModels.length === 0) {
    return names;
  }
  if (keyModels.includes("all-proxy-models")) {
    return names;
  }
  return keyModels.filter((m): m is string => typeof m === "string");
}

async function modelNew(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(newSchema, parseJsonBody(req.rawBody));
  if (!ctx.storeModelInDb) {
    throw new ProxyError(500, STORE_MODEL_IN_DB_OFF, "auth_error");
  }
  const modelId = body.model_info?.id ?? randomUUID();
  const now = new Date().toISOString();
  const row: JsonObject = {
    model_id: modelId,
    model_name: body.model_name,
    litellm_params: encryptStrings(
      body.litellm_params as JsonObject,
      ctx.encryptionSecret,
    ) as JsonObject,
    model_info: { ...((body.model_info ?? {}) as JsonObject), id: modelId },
    created_at: now,
    created_by: req.caller.userId,
    updated_at: now,
    updated_by: req.caller.userId,
  };
  if (!(await ctx.store.insertModel({ modelId, row }))) {
    throw new ProxyError(
      500,
      pythonRepr({ error: "Failed to add model to db. Check your server logs for more details." }),
      "internal_server_error",
    );
  }
  const delay = ctx.faults.modelInfoDelayMs;
  if (delay > 0) {
    ctx.modelVisibleAt.set(modelId, Date.now() + delay);
  }
  return json(row);
}

async function modelInfo(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const models = await liveModels(ctx);
  const wantedId = req.query.get("litellm_model_id");
  if (wantedId !== null) {
    const found = models.find((m) => m.modelId === wantedId);
    if (found === undefined) {
      throw new DetailError(400, { error: `Model id = ${wantedId} not found on litellm proxy` });
    }
    return json({ data: [publicView(found, ctx)] });
  }
  const names = new Set(
    allowedFor(
      req,
      models.map((m) => String(m.row["model_name"])),
    ),
  );
  return json({
    data: models
      .filter((m) => names.has(String(m.row["model_name"])))
      .map((m) => publicView(m, ctx)),
  });
}

function mergeParams(
  current: JsonObject,
  patch: Record<string, unknown>,
  nullClears: boolean,
): JsonObject {
  const out: JsonObject = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      if (nullClears) {
        delete out[k];
      }
    } else if (v !== undefined) {
      out[k] = v as Json;
    }
  }
  return out;
}

async function saveMerged(
  req: RequestInfo,
  ctx: EmulatorContext,
  record: ModelRecord,
  body: z.infer<typeof patchSchema>,
  opts: { rename: boolean; mergeInfo: boolean; nullClears: boolean },
): Promise<JsonObject> {
  const params = mergeParams(
    decryptedParams(record, ctx),
    body.litellm_params ?? {},
    opts.nullClears,
  );
  const row: JsonObject = {
    ...record.row,
    litellm_params: encryptStrings(params, ctx.encryptionSecret) as JsonObject,
    updated_at: new Date().toISOString(),
    updated_by: req.caller.userId,
  };
  if (opts.rename && typeof body.model_name === "string") {
    row["model_name"] = body.model_name;
  }
  if (opts.mergeInfo && body.model_info !== null && body.model_info !== undefined) {
    row["model_info"] = {
      ...objectField(record.row, "model_info"),
      ...(body.model_info as JsonObject),
      id: record.modelId,
    };
  }
  await ctx.store.updateModel({ modelId: record.modelId, row });
  return row;
}

async function patchModel(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const modelId = req.params["id"] ?? "";
  const body = validateBody(patchSchema, parseJsonBody(req.rawBody));
  if (!ctx.storeModelInDb) {
    throw new ProxyError(
      400,
      "Model updates only supported for DB-stored models",
      "validation_error",
    );
  }
  const record = await ctx.store.getModel(modelId);
  if (record === undefined) {
    throw new ProxyError(
      404,
      `Model ${modelId} not found on proxy.`,
      "not_found_error",
      "model_id",
    );
  }
  const credentialName = body.litellm_params?.["litellm_credential_name"];
  if (ctx.compat === "main" && typeof credentialName === "string") {
    if ((await ctx.store.getCredential(credentialName)) === undefined) {
      throw new ProxyError(
        400,
        `Credential '${credentialName}' not found. Create it via /credentials before attaching it to a model.`,
        "bad_request_error",
        "litellm_credential_name",
      );
    }
  }
  const row = await saveMerged(req, ctx, record, body, {
    rename: true,
    mergeInfo: true,
    nullClears: ctx.compat === "main",
  });
  return json(row);
}

async function postModelUpdate(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(patchSchema, parseJsonBody(req.rawBody));
  if (!ctx.storeModelInDb) {
    throw new ProxyError(500, STORE_MODEL_IN_DB_OFF, "auth_error");
  }
  const modelId = body.model_info?.id;
  if (modelId === null || modelId === undefined) {
    throw new ProxyError(400, "Authentication Error, model_info.id not provided", "auth_error");
  }
  const record = await ctx.store.getModel(modelId);
  if (record === undefined) {
    throw new ProxyError(
      400,
      "Can't edit model. Model in config. Store model in db via /model/new. to edit.",
      "auth_error",
    );
  }
  // v1.80 merged only litellm_params; newer versions also rename and merge model_info.
  const newer = ctx.compat !== "1.80";
  const row = await saveMerged(req, ctx, record, body, {
    rename: newer,
    mergeInfo: newer,
    nullClears: false,
  });
  return json(row);
}

async function deleteModel(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(deleteSchema, parseJsonBody(req.rawBody));
  const record = await ctx.store.getModel(body.id);
  if (record === undefined) {
    throw new ProxyError(
      400,
      pythonRepr({ error: `Model with id=${body.id} not found in db` }),
      "auth_error",
    );
  }
  if (!ctx.storeModelInDb) {
    throw new ProxyError(500, STORE_MODEL_IN_DB_OFF, "auth_error");
  }
  await ctx.store.deleteModel(body.id);
  ctx.modelVisibleAt.delete(body.id);
  return json({ message: `Model: ${body.id} deleted successfully` });
}

async function v1Models(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const deployed = [...new Set((await liveModels(ctx)).map((m) => String(m.row["model_name"])))];
  const names = [...new Set(allowedFor(req, deployed))];
  return json({
    data: names.map((id) => ({ id, object: "model", created: 1677610602, owned_by: "openai" })),
    object: "list",
  });
}

/** Model routes. */
export const modelRoutes: Route[] = [
  { method: "POST", path: "/model/new", access: "admin", handler: modelNew },
  { method: "GET", path: "/model/info", access: "key", handler: modelInfo },
  { method: "GET", path: "/v1/model/info", access: "key", handler: modelInfo },
  {
    method: "PATCH",
    path: /^\/model\/(?<id>[^/]+)\/update$/,
    access: "admin",
    handler: patchModel,
  },
  { method: "POST", path: "/model/update", access: "admin", handler: postModelUpdate },
  { method: "POST", path: "/model/delete", access: "admin", handler: deleteModel },
  { method: "GET", path: "/v1/models", access: "key", handler: v1Models },
  { method: "GET", path: "/models", access: "key", handler: v1Models },
];
