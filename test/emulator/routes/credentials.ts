/**
 * Credential routes (`credential_endpoints/endpoints.py`): POST/GET /credentials,
 * GET /credentials/by_name/{name}, PATCH and DELETE /credentials/{name}. Values are encrypted at
 * rest and masked on every read. GET list, PATCH and DELETE *return* their error object, which
 * FastAPI sends with HTTP 200 (the quirk); clients must check `success === true`.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EmulatorContext, RequestInfo, Route } from "../context";
import { decryptStrings, encryptStrings } from "../crypto";
import { ProxyError, type JsonObject } from "../errors";
import { json, parseJsonBody, validateBody, type EmulatorResponse } from "../http";
import { maskCredentialValues } from "../masking";
import type { CredentialRecord } from "../store/types";

const jsonRecord = z.record(z.string(), z.unknown());

const createSchema = z
  .object({
    credential_name: z.string(),
    credential_info: jsonRecord,
    credential_values: jsonRecord.nullable().optional(),
    model_id: z.string().nullable().optional(),
  })
  .refine((b) => (b.credential_values ?? null) !== null || (b.model_id ?? null) !== null, {
    message: "Either credential_values or model_id must be set",
  });

/** v1.80: the body is a full `CredentialItem`; later versions accept partial bodies. */
const patchSchemaStrict = z.object({
  credential_name: z.string(),
  credential_info: jsonRecord,
  credential_values: jsonRecord,
});
const patchSchemaPartial = z.object({
  credential_name: z.string().nullable().optional(),
  credential_info: jsonRecord.nullable().optional(),
  credential_values: jsonRecord.nullable().optional(),
});

function objectField(row: JsonObject, field: string): JsonObject {
  const v = row[field];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

function plainValues(record: CredentialRecord, ctx: EmulatorContext): JsonObject {
  return decryptStrings(
    objectField(record.row, "credential_values"),
    ctx.encryptionSecret,
  ) as JsonObject;
}

function maskedItem(record: CredentialRecord, ctx: EmulatorContext): JsonObject {
  return {
    credential_name: record.name,
    credential_values: maskCredentialValues(plainValues(record, ctx), ctx.compat !== "1.80"),
    credential_info: objectField(record.row, "credential_info"),
  };
}

function notFound(name: string): ProxyError {
  return new ProxyError(
    404,
    `Credential not found. Got credential name: ${name}`,
    "internal_server_error",
  );
}

/** Runs `fn`; a failure is returned as an HTTP 200 body, as LiteLLM does for these endpoints. */
async function returningErrors(fn: () => Promise<EmulatorResponse>): Promise<EmulatorResponse> {
  try {
    return await fn();
  } catch (err) {
    const proxyErr =
      err instanceof ProxyError
        ? err
        : new ProxyError(
            500,
            `Internal Server Error, ${err instanceof Error ? err.message : String(err)}`,
            "internal_server_error",
          );
    return json(proxyErr.toReturnedBody());
  }
}

async function copyFromModel(ctx: EmulatorContext, modelId: string): Promise<JsonObject> {
  const model = await ctx.store.getModel(modelId);
  if (model === undefined) {
    throw new ProxyError(404, `Model not found. Got model id: ${modelId}`, "internal_server_error");
  }
  const params = decryptStrings(
    objectField(model.row, "litellm_params"),
    ctx.encryptionSecret,
  ) as JsonObject;
  const { model: _model, litellm_credential_name: _cred, ...values } = params;
  return values;
}

async function create(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const body = validateBody(createSchema, parseJsonBody(req.rawBody));
  const values =
    body.credential_values !== null && body.credential_values !== undefined
      ? (body.credential_values as JsonObject)
      : await copyFromModel(ctx, body.model_id ?? "");
  const now = new Date().toISOString();
  const record: CredentialRecord = {
    name: body.credential_name,
    row: {
      credential_id: randomUUID(),
      credential_name: body.credential_name,
      credential_values: encryptStrings(values, ctx.encryptionSecret) as JsonObject,
      credential_info: body.credential_info as JsonObject,
      created_at: now,
      created_by: req.caller.userId,
      updated_at: now,
      updated_by: req.caller.userId,
    },
  };
  if (!(await ctx.store.insertCredential(record))) {
    if (ctx.compat === "main") {
      throw new ProxyError(
        409,
        `Credential '${body.credential_name}' already exists. Use PATCH /credentials/${body.credential_name} to update it.`,
        "bad_request_error",
        "credential_name",
      );
    }
    throw new ProxyError(
      500,
      "Internal Server Error, Unique constraint failed on the fields: (`credential_name`)",
      "internal_server_error",
    );
  }
  return json({ success: true, message: "Credential created successfully" });
}

async function listAll(_req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  return returningErrors(async () => {
    const credentials = await ctx.store.listCredentials();
    return json({ success: true, credentials: credentials.map((c) => maskedItem(c, ctx)) });
  });
}

async function byName(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const name = req.params["name"] ?? "";
  const record = await ctx.store.getCredential(name);
  if (record === undefined) {
    throw notFound(name);
  }
  return json(maskedItem(record, ctx));
}

async function patch(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const name = req.params["name"] ?? "";
  const raw = parseJsonBody(req.rawBody);
  const body =
    ctx.compat === "1.80"
      ? validateBody(patchSchemaStrict, raw)
      : validateBody(patchSchemaPartial, raw);
  return returningErrors(async () => {
    const record = await ctx.store.getCredential(name);
    if (record === undefined) {
      throw notFound(name);
    }
    const values: JsonObject = {
      ...plainValues(record, ctx),
      ...((body.credential_values ?? {}) as JsonObject),
    };
    const newInfo = (body.credential_info ?? {}) as JsonObject;
    // v1.80 replaced credential_info (a bug); later versions merge it and allow renaming.
    const info =
      ctx.compat === "1.80"
        ? newInfo
        : { ...objectField(record.row, "credential_info"), ...newInfo };
    const newName = ctx.compat === "1.80" ? name : (body.credential_name ?? name);
    const updated: CredentialRecord = {
      name: newName,
      row: {
        ...record.row,
        credential_name: newName,
        credential_values: encryptStrings(values, ctx.encryptionSecret) as JsonObject,
        credential_info: info,
        updated_at: new Date().toISOString(),
        updated_by: req.caller.userId,
      },
    };
    if (!(await ctx.store.updateCredential(name, updated))) {
      throw notFound(name);
    }
    return json({ success: true, message: "Credential updated successfully" });
  });
}

async function remove(req: RequestInfo, ctx: EmulatorContext): Promise<EmulatorResponse> {
  const name = req.params["name"] ?? "";
  return returningErrors(async () => {
    if (!(await ctx.store.deleteCredential(name))) {
      throw notFound(name);
    }
    return json({ success: true, message: "Credential deleted successfully" });
  });
}

/** Credential routes. */
export const credentialRoutes: Route[] = [
  { method: "POST", path: "/credentials", access: "admin", handler: create },
  { method: "GET", path: "/credentials", access: "admin", handler: listAll },
  {
    method: "GET",
    path: /^\/credentials\/by_name\/(?<name>.+)$/,
    access: "admin",
    handler: byName,
  },
  { method: "PATCH", path: /^\/credentials\/(?<name>.+)$/, access: "admin", handler: patch },
  { method: "DELETE", path: /^\/credentials\/(?<name>.+)$/, access: "admin", handler: remove },
];
