/**
 * Request/response plumbing shared by the routes: the handler contract, body parsing with
 * FastAPI-style 422 errors, and JSON answers.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import { RequestValidationError, type Json, type ValidationIssue } from "./errors";

/** What a route handler answers; the server writes it (or drops it, under fault injection). */
export interface EmulatorResponse {
  /** HTTP status. */
  status: number;
  /** JSON body (serialised with `JSON.stringify`). */
  body: Json;
  /** Extra response headers. */
  headers?: Record<string, string | string[]>;
}

/** Builds a JSON answer. */
export function json(
  body: Json,
  status = 200,
  headers?: Record<string, string | string[]>,
): EmulatorResponse {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** Reads a whole request body as a string. */
export async function readBody(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Parses a raw JSON request body the way FastAPI does for a required pydantic body:
 * empty → 422 `missing`; malformed → 422 `json_invalid` at the character position.
 */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === "") {
    throw new RequestValidationError([
      { type: "missing", loc: ["body"], msg: "Field required", input: null },
    ]);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    const match = /position (\d+)/.exec(err instanceof Error ? err.message : "");
    const position = match?.[1] === undefined ? 0 : Number(match[1]);
    throw new RequestValidationError([
      {
        type: "json_invalid",
        loc: ["body", position],
        msg: "JSON decode error",
        input: {},
        ctx: { error: "Expecting value" },
      },
    ]);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") {
      return undefined;
    }
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function toJson(value: unknown): Json {
  if (value === undefined) {
    return null;
  }
  try {
    return JSON.parse(JSON.stringify(value)) as Json;
  } catch {
    return null;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "string_type",
  number: "float_type",
  int: "int_type",
  boolean: "bool_type",
  object: "dict_type",
  record: "dict_type",
  array: "list_type",
};

const TYPE_MESSAGES: Record<string, string> = {
  string: "Input should be a valid string",
  number: "Input should be a valid number",
  int: "Input should be a valid integer",
  boolean: "Input should be a valid boolean",
  object: "Input should be a valid dictionary",
  record: "Input should be a valid dictionary",
  array: "Input should be a valid list",
};

/** Maps zod issues to pydantic-style 422 issues located under `root` (`body` or `query`). */
export function zodIssuesToFastApi(
  error: z.ZodError,
  input: unknown,
  root: "body" | "query",
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const loc: (string | number)[] = [root, ...path];
    const value = valueAt(input, issue.path);
    if (issue.code === "invalid_type") {
      if (value === undefined) {
        return { type: "missing", loc, msg: "Field required", input: toJson(input) };
      }
      if (path.length === 0 && root === "body") {
        return {
          type: "model_attributes_type",
          loc,
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: toJson(value),
        };
      }
      const expected = String(issue.expected);
      return {
        type: TYPE_NAMES[expected] ?? "value_error",
        loc,
        msg: TYPE_MESSAGES[expected] ?? issue.message,
        input: toJson(value),
      };
    }
    if (issue.code === "too_small" && typeof issue.minimum === "number") {
      const ge = issue.inclusive !== false;
      return {
        type: ge ? "greater_than_equal" : "greater_than",
        loc,
        msg: `Input should be greater than ${ge ? "or equal to " : ""}${issue.minimum}`,
        input: toJson(value),
        ctx: ge ? { ge: issue.minimum } : { gt: issue.minimum },
      };
    }
    if (issue.code === "too_big" && typeof issue.maximum === "number") {
      const le = issue.inclusive !== false;
      return {
        type: le ? "less_than_equal" : "less_than",
        loc,
        msg: `Input should be less than ${le ? "or equal to " : ""}${issue.maximum}`,
        input: toJson(value),
        ctx: le ? { le: issue.maximum } : { lt: issue.maximum },
      };
    }
    return { type: "value_error", loc, msg: `Value error, ${issue.message}`, input: toJson(value) };
  });
}

/** Validates a parsed body with `schema`; failures become FastAPI's 422. Unknown fields are dropped by the schema. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new RequestValidationError(zodIssuesToFastApi(result.error, body, "body"));
  }
  return result.data;
}

/** Validates query parameters (as a plain object of strings) with `schema`; failures become 422. */
export function validateQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.infer<S> {
  const obj: Record<string, string> = {};
  for (const [k, v] of query) {
    obj[k] = v;
  }
  const result = schema.safeParse(obj);
  if (!result.success) {
    throw new RequestValidationError(zodIssuesToFastApi(result.error, obj, "query"));
  }
  return result.data;
}

/** Returns the first value of a header, lower-cased name. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
