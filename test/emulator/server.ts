/**
 * The emulator's HTTP server (node:http): routing, auth, error rendering, fault injection, and the
 * programmatic {@link startEmulator} API.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate } from "./auth";
import type { EmulatorContext, Route } from "./context";
import { DetailError, ProxyError, RequestValidationError, type Json } from "./errors";
import { FaultInjector, type FaultConfig } from "./faults";
import { json, readBody, type EmulatorResponse } from "./http";
import type { CompatProfile, EmulatorOptions } from "./options";
import { adminRoutes } from "./routes/admin";
import { credentialRoutes } from "./routes/credentials";
import { healthRoutes } from "./routes/health";
import { keyRoutes } from "./routes/keys";
import { modelRoutes } from "./routes/models";
import { MemoryStore } from "./store/memory";
import { PostgresStore } from "./store/postgres";
import type { EmulatorStore } from "./store/types";

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:4000` (no trailing slash). */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** The storage in use (a {@link MemoryStore} or {@link PostgresStore}). */
  readonly store: EmulatorStore;
  /** Stops listening, drops open connections and closes the store (unless it was passed in). */
  close(): Promise<void>;
  /** Replaces the fault configuration; `undefined` turns faults off. @throws ZodError when invalid. */
  setFaults(faults: FaultConfig | undefined): void;
  /** The current fault configuration (with the remaining `times` of each rule). */
  getFaults(): FaultConfig;
}

const ROUTES: Route[] = [
  ...healthRoutes,
  ...keyRoutes,
  ...modelRoutes,
  ...credentialRoutes,
  ...adminRoutes,
];

const DEFAULT_VERSIONS: Record<CompatProfile, string> = {
  main: "1.101.0",
  "1.84": "1.84.0",
  "1.80": "1.80.0",
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function matchRoute(path: string, route: Route): Record<string, string> | undefined {
  if (typeof route.path === "string") {
    return route.path === path ? {} : undefined;
  }
  const m = route.path.exec(path);
  if (m === null) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) {
    params[k] = decodeURIComponent(v);
  }
  return params;
}

/** Renders a thrown error as LiteLLM would answer it. */
export function renderError(err: unknown): EmulatorResponse {
  if (err instanceof ProxyError) {
    return json(err.toBody(), err.status);
  }
  if (err instanceof DetailError) {
    return json({ detail: err.detail }, err.status);
  }
  if (err instanceof RequestValidationError) {
    return json({ detail: err.issues as unknown as Json }, 422);
  }
  const message = err instanceof Error ? err.message : String(err);
  return json(
    new ProxyError(500, `Internal Server Error, ${message}`, "internal_server_error").toBody(),
    500,
  );
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  const body =
    response.body === null && response.status === 303 ? "" : JSON.stringify(response.body);
  const headers: Record<string, string | string[] | number> = { ...(response.headers ?? {}) };
  if (body !== "") {
    headers["content-type"] = "application/json";
  }
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(response.status, headers);
  res.end(body);
}

async function dispatch(
  ctx: EmulatorContext,
  method: string,
  path: string,
  query: URLSearchParams,
  req: IncomingMessage,
  rawBody: string,
): Promise<EmulatorResponse> {
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchRoute(path, route);
    if (params === undefined) {
      continue;
    }
    pathMatched = true;
    if (route.method !== method) {
      continue;
    }
    try {
      const caller = await authenticate(req.headers, path, route.access, ctx);
      return await route.handler(
        { method, path, query, headers: req.headers, rawBody, params, caller },
        ctx,
      );
    } catch (err) {
      return renderError(err);
    }
  }
  return pathMatched
    ? json({ detail: "Method Not Allowed" }, 405)
    : json({ detail: "Not Found" }, 404);
}

async function handleRequest(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname;
  if (!path.startsWith("/__emulator/")) {
    const counted = `${method} ${path}`;
    ctx.requestCounts.set(counted, (ctx.requestCounts.get(counted) ?? 0) + 1);
  }
  const decision = path.startsWith("/__emulator/")
    ? { latencyMs: 0 }
    : ctx.faults.decide(method, path);
  if (decision.latencyMs > 0) {
    await sleep(decision.latencyMs);
  }
  const terminal = "terminal" in decision ? decision.terminal : undefined;
  if (terminal?.action === "reset") {
    req.socket.resetAndDestroy();
    return;
  }
  const rawBody = await readBody(req);
  if (terminal?.action === "error") {
    const err = new ProxyError(
      terminal.status,
      "Emulator: injected fault",
      "internal_server_error",
    );
    send(res, json(err.toBody(), terminal.status));
    return;
  }
  const response = await dispatch(ctx, method, path, url.searchParams, req, rawBody);
  if (terminal?.action === "drop_after_commit") {
    req.socket.resetAndDestroy();
    return;
  }
  send(res, response);
}

function createStore(options: EmulatorOptions): { store: EmulatorStore; owned: boolean } {
  const storage = options.storage;
  if (storage !== undefined && typeof storage === "object") {
    return { store: storage, owned: false };
  }
  const kind = storage ?? (options.databaseUrl === undefined ? "memory" : "postgres");
  if (kind === "memory") {
    return { store: new MemoryStore(), owned: true };
  }
  if (options.databaseUrl === undefined) {
    throw new Error('storage "postgres" needs `databaseUrl` (DATABASE_URL).');
  }
  return {
    store: new PostgresStore({
      databaseUrl: options.databaseUrl,
      connectTimeoutMs: options.dbConnectTimeoutMs,
    }),
    owned: true,
  };
}

/**
 * Starts an emulator of LiteLLM's admin API.
 *
 * @example
 * const emu = await startEmulator({ masterKey: "sk-master", storeModelInDb: true, port: 0 });
 * // … call emu.url …
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { store, owned } = createStore(options);
  await store.init();
  const compat = options.compat ?? "main";
  const ctx: EmulatorContext = {
    store,
    masterKey: options.masterKey,
    encryptionSecret: options.saltKey ?? options.masterKey ?? "",
    storeModelInDb: options.storeModelInDb ?? false,
    compat,
    existingKeyOnGenerate: options.existingKeyOnGenerate ?? "noop",
    uiUsername: options.uiUsername ?? "admin",
    uiPassword: options.uiPassword ?? options.masterKey,
    litellmVersion: options.litellmVersion ?? DEFAULT_VERSIONS[compat],
    faults: new FaultInjector(options.faults),
    modelVisibleAt: new Map(),
    requestCounts: new Map(),
  };

  const server = createServer((req, res) => {
    handleRequest(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        send(res, renderError(err));
      } else {
        res.destroy();
      }
    });
  });
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 4000, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    if (owned) {
      await store.close();
    }
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    store,
    close: () => {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (owned) {
          await store.close();
        }
      })();
      return closed;
    },
    setFaults: (faults) => ctx.faults.set(faults),
    getFaults: () => ctx.faults.get(),
  };
}
