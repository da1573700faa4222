/**
 * Error types the route handlers throw, and how each one is rendered so that the body matches
 * what LiteLLM's FastAPI app sends (see docs/emulator.md, "Error shapes").
 */

/** A JSON value as stored and sent by the emulator. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/**
 * LiteLLM's `ProxyException`, rendered as
 * `{"error": {"message", "type", "param", "code": "<status as string>"}}`.
 */
export class ProxyError extends Error {
  override readonly name = "ProxyError";

  /**
   * @param status HTTP status; also sent as the string `code`.
   * @param message The `error.message` text.
   * @param type The `error.type` value, e.g. `auth_error`.
   * @param param The `error.param` value; LiteLLM often sends the literal string `"None"`.
   */
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = "None",
  ) {
    super(message);
  }

  /** The JSON body LiteLLM sends for this error. */
  toBody(): JsonObject {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: String(this.status),
      },
    };
  }

  /**
   * The body of the "returned, not raised" quirk: some credential endpoints return the exception
   * object, which FastAPI serialises with HTTP 200.
   */
  toReturnedBody(): JsonObject {
    return {
      message: this.message,
      type: this.type,
      param: this.param,
      openai_code: null,
      code: String(this.status),
      headers: {},
    };
  }
}

/** A plain FastAPI `HTTPException`, rendered as `{"detail": <detail>}`. */
export class DetailError extends Error {
  override readonly name = "DetailError";

  /**
   * @param status HTTP status.
   * @param detail The `detail` value (a string, an object or a list).
   */
  constructor(
    readonly status: number,
    readonly detail: Json,
  ) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
}

/** One entry of FastAPI's 422 `detail` list. */
export interface ValidationIssue {
  /** Pydantic error type, e.g. `missing`, `string_type`, `json_invalid`. */
  type: string;
  /** Location, starting with `body` or `query`. */
  loc: (string | number)[];
  /** Human-readable message as pydantic words it. */
  msg: string;
  /** The offending input (pydantic echoes it). */
  input: Json;
  /** Extra context, e.g. `{"error": "Expecting value"}` for bad JSON. */
  ctx?: JsonObject;
}

/** A request-validation failure, rendered as FastAPI's `422 {"detail": [...]}`. */
export class RequestValidationError extends Error {
  override readonly name = "RequestValidationError";

  /** @param issues The pydantic-style issues. */
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; "));
  }
}

/** Renders `value` the way Python's `repr()` renders a `dict[str, str]`, for LiteLLM's repr'd messages. */
export function pythonRepr(value: Record<string, string>): string {
  const quote = (s: string): string => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`);
  const parts = Object.entries(value).map(([k, v]) => `${quote(k)}: ${quote(v)}`);
  return `{${parts.join(", ")}}`;
}
