/**
 * A fault-injecting HTTP reverse proxy, used as test equipment in front of a real LiteLLM gateway:
 * the gateway itself cannot be told to fail, so clients are pointed at this proxy instead, and the
 * proxy adds latency, error answers, connection resets, hangs, or "commit, then drop the response".
 * Faults are off by default; everything else is forwarded unchanged.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { z } from "zod";

/** One fault rule. A rule applies to requests matching `method` and `path`. */
export const faultRuleSchema = z.object({
  /** HTTP method to match (case-insensitive); any when unset. */
  method: z.string().min(1).optional(),
  /**
   * Path to match, without the query string: exact (`/key/generate`), or a prefix when it ends
   * with `*` (`/key/*`); any when unset.
   */
  path: z.string().min(1).optional(),
  /**
   * - `latency`: wait `latencyMs`, then go on (to later rules' effects, or forwarding).
   * - `error`: answer `status` without forwarding.
   * - `reset`: destroy the client connection without forwarding.
   * - `timeout`: never answer and never forward; the connection stays open until the client
   *   gives up or the proxy closes.
   * - `drop_after_commit`: forward, wait for the whole upstream response, then destroy the client
   *   connection without sending anything (the upstream's side effect has happened).
   */
  action: z.enum(["latency", "error", "reset", "timeout", "drop_after_commit"]),
  /** Delay for `latency`, in ms. @default 0 */
  latencyMs: z.number().int().min(0).optional(),
  /** Status for `error`: 429 or 500..599. @default 500 */
  status: z
    .number()
    .int()
    .refine((s) => s === 429 || (s >= 500 && s <= 599), "status must be 429 or 500..599")
    .optional(),
  /** `Retry-After` value for `error` with status 429 or 503, in seconds. @default 1 */
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** Share of matching requests the rule fires on, 0..1. @default 1 */
  probability: z.number().min(0).max(1).optional(),
  /** Fire on the next `times` matching requests only, then expire. Unlimited when unset. */
  times: z.number().int().min(1).optional(),
});

/** The whole fault configuration. `{}` means no faults. */
export const faultConfigSchema = z.object({
  /** Latency added to every request, in ms. */
  latencyMs: z.number().int().min(0).optional(),
  /** Rules, checked in order; latencies add up, the first firing non-latency rule wins. */
  rules: z.array(faultRuleSchema).optional(),
  /** Seed for `probability`, for reproducible runs. Math.random when unset. */
  seed: z.number().int().optional(),
});

/** A fault rule. */
export type FaultRule = z.infer<typeof faultRuleSchema>;
/** A fault configuration. */
export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** One request the proxy received, in arrival order. */
export interface RecordedRequest {
  /** HTTP method, as sent by the client. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Status sent to the client; undefined when no response was sent (reset, timeout, drop, ...). */
  status: number | undefined;
  /**
   * The action that fired: the terminal one (`error`, `reset`, `timeout`, `drop_after_commit`)
   * if any, else `latency` if a latency rule fired, else undefined. The config-wide `latencyMs`
   * is not a rule and does not count.
   */
  fault: string | undefined;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Base URL of the upstream (`http://host:port`, optionally with a path prefix). */
  target: string;
  /** Starting fault configuration (validated). */
  faults?: FaultConfig;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /**
   * Replaces the fault configuration (and restarts the seeded random sequence and `times`
   * counters); `undefined` clears it. @throws ZodError on an invalid config.
   */
  setFaults(f: FaultConfig | undefined): void;
  /** A copy of the requests received since start or the last {@link resetRequests}. */
  requests(): RecordedRequest[];
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Stops listening and destroys every open connection, including ones held by `timeout`. */
  close(): Promise<void>;
}

type Terminal =
  | { action: "error"; status: number; retryAfterSeconds: number | undefined }
  | { action: "reset" }
  | { action: "timeout" }
  | { action: "drop_after_commit" };

interface Decision {
  latencyMs: number;
  latencyRuleFired: boolean;
  terminal: Terminal | undefined;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) {
    return true;
  }
  return pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

interface LiveRule {
  rule: FaultRule;
  remaining: number | undefined;
}

class FaultInjector {
  private config: FaultConfig = {};
  private rules: LiveRule[] = [];
  private random: () => number = Math.random;

  constructor(initial: FaultConfig | undefined) {
    this.set(initial);
  }

  set(config: FaultConfig | undefined): void {
    this.config = faultConfigSchema.parse(config ?? {});
    this.rules = (this.config.rules ?? []).map((rule) => ({ rule, remaining: rule.times }));
    this.random = this.config.seed === undefined ? Math.random : mulberry32(this.config.seed);
  }

  decide(method: string, path: string): Decision {
    const decision: Decision = {
      latencyMs: this.config.latencyMs ?? 0,
      latencyRuleFired: false,
      terminal: undefined,
    };
    for (const live of this.rules) {
      const { rule } = live;
      if (live.remaining !== undefined && live.remaining <= 0) {
        continue;
      }
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) {
        continue;
      }
      if (!pathMatches(rule.path, path)) {
        continue;
      }
      // Skip before drawing, so a shadowed rule neither consumes `times` nor shifts the seeded
      // sequence of the rules that can still fire.
      if (rule.action !== "latency" && decision.terminal !== undefined) {
        continue;
      }
      if (rule.probability !== undefined && this.random() >= rule.probability) {
        continue;
      }
      if (live.remaining !== undefined) {
        live.remaining -= 1;
      }
      switch (rule.action) {
        case "latency":
          decision.latencyMs += rule.latencyMs ?? 0;
          decision.latencyRuleFired = true;
          break;
        case "error": {
          const status = rule.status ?? 500;
          const retryAfterSeconds =
            status === 429 || status === 503 ? (rule.retryAfterSeconds ?? 1) : undefined;
          decision.terminal = { action: "error", status, retryAfterSeconds };
          break;
        }
        case "reset":
        case "timeout":
        case "drop_after_commit":
          decision.terminal = { action: rule.action };
          break;
      }
    }
    return decision;
  }
}

// Per-connection headers (RFC 9110 §7.6.1) describe the hop, not the message; node:http sets its
// own for each side.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ""),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !listed.has(name)) {
      out[name] = value;
    }
  }
  return out;
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...extraHeaders,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

// An RST rather than a FIN: it is what a crashed gateway or a load balancer dropping the
// connection looks like, and clients report it as ECONNRESET.
function abortConnection(socket: Socket): void {
  if (socket.destroyed) {
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * Starts a fault proxy in front of `target`.
 * @returns once it listens (on 127.0.0.1 and a free port unless `host` says otherwise).
 * @throws ZodError on an invalid `faults`; Error when `target` is not an http:// URL.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== "http:") {
    throw new Error(`fault proxy: target must be an http:// URL, got ${options.target}`);
  }
  const targetHostname = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const targetPort = target.port === "" ? 80 : Number(target.port);
  const targetBasePath = target.pathname.replace(/\/+$/, "");
  const injector = new FaultInjector(options.faults);
  // Own agent, so close() can destroy upstream connections without touching the global one.
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const pendingSleeps = new Set<() => void>();
  let recorded: RecordedRequest[] = [];
  let closed = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        pendingSleeps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingSleeps.add(done);
    });

  const clientGone = (req: http.IncomingMessage): boolean => closed || req.socket.destroyed;

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: RecordedRequest,
    dropAfterCommit: boolean,
  ): void => {
    const upstreamReq = http.request({
      agent,
      hostname: targetHostname,
      port: targetPort,
      method: req.method ?? "GET",
      path: targetBasePath + (req.url ?? "/"),
      headers: { ...endToEndHeaders(req.headers), host: target.host },
    });
    let upstreamDone = false;
    upstreamReq.on("response", (upstreamRes) => {
      upstreamRes.on("end", () => {
        upstreamDone = true;
      });
      if (dropAfterCommit) {
        // Reading the whole body is what makes "committed" true: the upstream has finished.
        upstreamRes.on("end", () => abortConnection(req.socket));
        upstreamRes.on("error", () => abortConnection(req.socket));
        upstreamRes.resume();
        return;
      }
      if (clientGone(req)) {
        upstreamRes.destroy();
        return;
      }
      const status = upstreamRes.statusCode ?? 502;
      record.status = status;
      res.writeHead(status, upstreamRes.statusMessage, endToEndHeaders(upstreamRes.headers));
      // Flushed right away so streamed (SSE) answers reach the client chunk by chunk.
      res.flushHeaders();
      upstreamRes.pipe(res);
      // The status line is gone already; a broken body can only be passed on as a broken socket.
      upstreamRes.on("error", () => abortConnection(req.socket));
    });
    upstreamReq.on("error", (err) => {
      if (clientGone(req)) {
        return;
      }
      if (dropAfterCommit || res.headersSent) {
        abortConnection(req.socket);
        return;
      }
      record.status = 502;
      sendJson(res, 502, {
        error: { message: `upstream unreachable: ${err.message}`, type: "fault_proxy" },
      });
    });
    // A client that gives up should not leave the upstream request (or its body) hanging.
    res.on("close", () => {
      if (!res.writableFinished && !upstreamDone) {
        upstreamReq.destroy();
      }
    });
    req.pipe(upstreamReq);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const decision = injector.decide(method, path);
    const fault = decision.terminal?.action ?? (decision.latencyRuleFired ? "latency" : undefined);
    const record: RecordedRequest = { method, path, status: undefined, fault, at: Date.now() };
    recorded.push(record);

    if (decision.latencyMs > 0) {
      await sleep(decision.latencyMs);
      if (clientGone(req)) {
        return;
      }
    }
    const terminal = decision.terminal;
    switch (terminal?.action) {
      case undefined:
        forward(req, res, record, false);
        return;
      case "drop_after_commit":
        forward(req, res, record, true);
        return;
      case "error":
        record.status = terminal.status;
        sendJson(
          res,
          terminal.status,
          { error: { message: "injected fault", type: "fault_proxy" } },
          terminal.retryAfterSeconds === undefined
            ? {}
            : { "retry-after": String(terminal.retryAfterSeconds) },
        );
        return;
      case "reset":
        abortConnection(req.socket);
        return;
      case "timeout":
        // Drained so the request counts as fully received; the client then waits on us alone.
        req.resume();
        return;
    }
  };

  // requestTimeout 0: node would otherwise answer a held `timeout` request with 408 after 5 min.
  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    handle(req, res).catch(() => abortConnection(req.socket));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("fault proxy: server has no TCP address");
  }
  const urlHost = address.address.includes(":") ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    setFaults(f: FaultConfig | undefined): void {
      injector.set(f);
    },
    requests(): RecordedRequest[] {
      return recorded.map((r) => ({ ...r }));
    },
    resetRequests(): void {
      recorded = [];
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
        for (const wake of pendingSleeps) {
          wake();
        }
        agent.destroy();
      });
      return closing;
    },
  };
}

/**
 * Counts requests by route.
 * @returns `{ "METHOD /path": count }`, the path without the query string.
 */
export function countByRoute(requests: readonly RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const key = `${r.method} ${r.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
