/** Helpers for the emulator's contract tests (and for other suites that use the emulator). */
import { request } from "undici";
import type { Json } from "./errors";
import type { EmulatorOptions } from "./options";
import { startEmulator, type RunningEmulator } from "./server";

/** The master key the contract tests use. */
export const TEST_MASTER_KEY = "sk-emulator-test-master";

/** Starts an in-memory emulator on a free port with STORE_MODEL_IN_DB on, unless overridden. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    masterKey: TEST_MASTER_KEY,
    storeModelInDb: true,
    storage: "memory",
    port: 0,
    ...options,
  });
}

/** Options of {@link call}. */
export interface CallOptions {
  /** JSON body (serialised). */
  body?: unknown;
  /** Raw body text, sent as is (for malformed JSON). */
  rawBody?: string;
  /** Bearer key; `null` sends no Authorization header. @default the test master key */
  key?: string | null;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** A parsed answer. */
export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- contract tests index into arbitrary JSON
}

/** Sends one request to the emulator with undici and parses the JSON answer. */
export async function call(
  emu: Pick<RunningEmulator, "url">,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const key = options.key === undefined ? TEST_MASTER_KEY : options.key;
  if (key !== null) {
    headers["authorization"] = `Bearer ${key}`;
  }
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
  }
  if (body !== undefined && headers["content-type"] === undefined) {
    headers["content-type"] = "application/json";
  }
  const res = await request(`${emu.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.body.text();
  let parsed: Json | string = text;
  try {
    parsed = text === "" ? "" : (JSON.parse(text) as Json);
  } catch {
    parsed = text;
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}
