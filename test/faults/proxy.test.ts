import http from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  countByRoute,
  startFaultProxy,
  type FaultConfig,
  type FaultProxy,
  type RecordedRequest,
} from "./proxy";

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type UpstreamHandler = (seen: SeenRequest, res: http.ServerResponse) => void;

interface Upstream {
  url: string;
  /** Requests that reached the upstream, fully read: its "side effects". */
  seen: SeenRequest[];
}

const okHandler: UpstreamHandler = (_seen, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok: true }));
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("no TCP address");
  }
  return `http://127.0.0.1:${address.port}`;
}

async function startUpstream(handler: UpstreamHandler = okHandler): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(request);
      handler(request, res);
    });
  });
  const url = await listen(server);
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url, seen };
}

/** A record without its arrival time (asserted on its own). */
function withoutTime({ at: _at, ...rest }: RecordedRequest): Omit<RecordedRequest, "at"> {
  return rest;
}

/** What the proxy recorded, without arrival times. */
const requestsOf = (proxy: FaultProxy) => proxy.requests().map(withoutTime);

async function startProxy(target: string, faults?: FaultConfig): Promise<FaultProxy> {
  const proxy = await startFaultProxy(faults === undefined ? { target } : { target, faults });
  onTestFinished(() => proxy.close());
  return proxy;
}

async function setup(
  faults?: FaultConfig,
  handler?: UpstreamHandler,
): Promise<{ upstream: Upstream; proxy: FaultProxy }> {
  const upstream = await startUpstream(handler);
  const proxy = await startProxy(upstream.url, faults);
  return { upstream, proxy };
}

/** Status of a request through the proxy, body consumed so the connection can be reused. */
async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) {
    return String(err);
  }
  const cause: unknown = err.cause;
  const causeText =
    cause instanceof Error ? `${(cause as NodeJS.ErrnoException).code ?? ""} ${cause.message}` : "";
  return `${err.name}: ${err.message} / ${causeText}`;
}

/** Rejects unless the request failed at the socket level (RST or an early close). */
async function expectSocketError(request: Promise<unknown>): Promise<void> {
  const outcome = await request.then(
    () => "answered",
    (err: unknown) => errorText(err),
  );
  expect(outcome).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error("condition not met in time");
    }
    await delay(10);
  }
}

describe("forwarding", () => {
  test("forwards method, path, query, body and headers (host rewritten), and returns the upstream status, headers and body", async () => {
    const { upstream, proxy } = await setup(undefined, (_seen, res) => {
      res.writeHead(201, { "content-type": "text/plain", "x-upstream": "yes" });
      res.end("created");
    });
    const body = JSON.stringify({ model: "gpt-test", messages: [] });
    const res = await fetch(`${proxy.url}/v1/chat/completions?x=1&y=two`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-test",
        "x-test": "abc",
      },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(await res.text()).toBe("created");

    expect(upstream.seen).toHaveLength(1);
    const seen = upstream.seen[0];
    expect(seen?.method).toBe("POST");
    expect(seen?.url).toBe("/v1/chat/completions?x=1&y=two");
    expect(seen?.body).toBe(body);
    expect(seen?.headers.host).toBe(new URL(upstream.url).host);
    expect(seen?.headers["x-test"]).toBe("abc");
    expect(seen?.headers.authorization).toBe("Bearer sk-test");
    expect(seen?.headers["content-type"]).toBe("application/json");
  });

  test("prefixes the target's path", async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy(`${upstream.url}/base/`);
    expect(await statusOf(`${proxy.url}/health?a=b`)).toBe(200);
    expect(upstream.seen.map((s) => s.url)).toEqual(["/base/health?a=b"]);
  });

  test("streams the response: the first chunk arrives before the upstream has finished", async () => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { proxy } = await setup(undefined, (_seen, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      void released.then(() => res.end("data: second\n\n"));
    });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    const reader = res.body?.getReader();
    if (reader === undefined) {
      throw new Error("no body");
    }
    const first = await Promise.race([
      reader.read(),
      delay(2_000).then(() => "timed out" as const),
    ]);
    if (first === "timed out") {
      throw new Error("the first chunk was held back until the upstream finished");
    }
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe("data: second\n\n");
  });

  test("answers 502 with a JSON error when the upstream is unreachable", async () => {
    const closedServer = http.createServer();
    const deadUrl = await listen(closedServer);
    await new Promise<void>((resolve) => closedServer.close(() => resolve()));
    const proxy = await startProxy(deadUrl);

    const res = await fetch(`${proxy.url}/health`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error?: { type?: string; message?: string } };
    expect(body.error?.type).toBe("fault_proxy");
    expect(body.error?.message).toMatch(/upstream unreachable/);
    expect(requestsOf(proxy)).toEqual([
      { method: "GET", path: "/health", status: 502, fault: undefined },
    ]);
  });
});

describe("error", () => {
  test("429 sends Retry-After and the injected-fault JSON body, and does not reach the upstream", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ path: "/v1/chat/completions", action: "error", status: 429 }],
    });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({
      error: { message: "injected fault", type: "fault_proxy" },
    });
    expect(upstream.seen).toHaveLength(0);
  });

  test("defaults to 500 without Retry-After", async () => {
    const { upstream, proxy } = await setup({ rules: [{ action: "error" }] });
    const res = await fetch(`${proxy.url}/key/generate`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    expect(res.headers.get("retry-after")).toBeNull();
    await res.arrayBuffer();
    expect(upstream.seen).toHaveLength(0);
  });

  test("503 sends the configured retryAfterSeconds", async () => {
    const { proxy } = await setup({
      rules: [{ action: "error", status: 503, retryAfterSeconds: 7 }],
    });
    const res = await fetch(`${proxy.url}/health`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("7");
    await res.arrayBuffer();
  });

  test("rejects statuses other than 429 and 5xx", async () => {
    const { proxy } = await setup();
    expect(() => proxy.setFaults({ rules: [{ action: "error", status: 404 }] })).toThrow();
    await expect(
      startFaultProxy({
        target: "http://127.0.0.1:1",
        faults: { rules: [{ action: "nope" }] } as unknown as FaultConfig,
      }),
    ).rejects.toThrow();
  });
});

describe("connection faults", () => {
  test("reset: the client gets a socket error and the upstream saw nothing", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ path: "/key/generate", action: "reset" }],
    });
    await expectSocketError(fetch(`${proxy.url}/key/generate`, { method: "POST", body: "{}" }));
    expect(upstream.seen).toHaveLength(0);
    expect(requestsOf(proxy)).toEqual([
      { method: "POST", path: "/key/generate", status: undefined, fault: "reset" },
    ]);
  });

  test("drop_after_commit: the upstream saw the request (side effect done) but the client gets a socket error", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ path: "/key/generate", action: "drop_after_commit", times: 1 }],
    });
    const body = JSON.stringify({ key_alias: "dropped-1" });
    await expectSocketError(fetch(`${proxy.url}/key/generate`, { method: "POST", body }));
    expect(upstream.seen).toHaveLength(1);
    expect(upstream.seen[0]?.body).toBe(body);
    expect(requestsOf(proxy)).toEqual([
      { method: "POST", path: "/key/generate", status: undefined, fault: "drop_after_commit" },
    ]);
    // The rule has expired: a retry goes through and is the upstream's second copy.
    expect(await statusOf(`${proxy.url}/key/generate`, { method: "POST", body })).toBe(200);
    expect(upstream.seen).toHaveLength(2);
  });

  test("timeout: a client with a 300 ms AbortSignal times out and the upstream saw nothing", async () => {
    const { upstream, proxy } = await setup({ rules: [{ action: "timeout" }] });
    const started = Date.now();
    const outcome = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: "{}",
      signal: AbortSignal.timeout(300),
    }).then(
      () => "answered",
      (err: unknown) => (err instanceof Error ? err.name : String(err)),
    );
    expect(outcome).toBe("TimeoutError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(upstream.seen).toHaveLength(0);
    expect(requestsOf(proxy)).toEqual([
      { method: "POST", path: "/v1/chat/completions", status: undefined, fault: "timeout" },
    ]);
  });

  test("close() resolves while a timeout request is pending, and that client fails", async () => {
    const { proxy } = await setup({ rules: [{ action: "timeout" }] });
    const pending = fetch(`${proxy.url}/hang`).then(
      () => "answered",
      () => "failed",
    );
    await waitFor(() => proxy.requests().length === 1);
    const closed = await Promise.race([
      proxy.close().then(() => "closed"),
      delay(2_000).then(() => "stuck"),
    ]);
    expect(closed).toBe("closed");
    expect(await pending).toBe("failed");
  });
});

describe("rules", () => {
  test("match on method and path prefix, ignoring the query string", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ method: "post", path: "/key/*", action: "error", status: 503 }],
    });
    expect(await statusOf(`${proxy.url}/key/list`)).toBe(200);
    expect(await statusOf(`${proxy.url}/key/generate?x=1`, { method: "POST", body: "{}" })).toBe(
      503,
    );
    expect(await statusOf(`${proxy.url}/model/new`, { method: "POST", body: "{}" })).toBe(200);
    expect(upstream.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /key/list",
      "POST /model/new",
    ]);
  });

  test("an exact path does not match longer paths", async () => {
    const { proxy } = await setup({ rules: [{ path: "/key", action: "error" }] });
    expect(await statusOf(`${proxy.url}/key/list`)).toBe(200);
    expect(await statusOf(`${proxy.url}/key?x=1`)).toBe(500);
  });

  test("the first firing terminal rule wins", async () => {
    const { proxy } = await setup({
      rules: [
        { path: "/a", action: "error", status: 503 },
        { path: "/a", action: "reset" },
      ],
    });
    expect(await statusOf(`${proxy.url}/a`)).toBe(503);
  });

  test("times: fires on the next N matching requests, then expires", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ path: "/health", action: "error", status: 503, times: 2 }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(await statusOf(`${proxy.url}/health`));
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(upstream.seen).toHaveLength(2);
  });

  test("probability with a seed: same seed gives the same sequence over 50 requests, roughly proportional", async () => {
    const { proxy } = await setup();
    const run = async (seed: number): Promise<boolean[]> => {
      proxy.setFaults({ seed, rules: [{ action: "error", probability: 0.3 }] });
      const fired: boolean[] = [];
      for (let i = 0; i < 50; i++) {
        fired.push((await statusOf(`${proxy.url}/health`)) === 500);
      }
      return fired;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    const firedCount = first.filter(Boolean).length;
    // Expected 15; ±3 standard deviations (≈3.2 each).
    expect(firedCount).toBeGreaterThanOrEqual(5);
    expect(firedCount).toBeLessThanOrEqual(25);
    expect(await run(43)).not.toEqual(first);
  });

  test("latency rule: adds at least the delay, then forwards", async () => {
    const { upstream, proxy } = await setup({
      rules: [{ path: "/health", action: "latency", latencyMs: 200 }],
    });
    const started = Date.now();
    expect(await statusOf(`${proxy.url}/health`)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(upstream.seen).toHaveLength(1);
  });

  test("config-wide latencyMs delays every request", async () => {
    const { proxy } = await setup({ latencyMs: 200 });
    const started = Date.now();
    expect(await statusOf(`${proxy.url}/anything`)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test("setFaults(undefined) clears the faults", async () => {
    const { proxy } = await setup({ rules: [{ action: "error" }] });
    expect(await statusOf(`${proxy.url}/health`)).toBe(500);
    proxy.setFaults(undefined);
    expect(await statusOf(`${proxy.url}/health`)).toBe(200);
  });
});

describe("recording", () => {
  test("requests() records method, path, status, fault and arrival time; resetRequests() clears them", async () => {
    const started = Date.now();
    const { proxy } = await setup({
      rules: [
        { path: "/slow", action: "latency", latencyMs: 10 },
        { method: "POST", path: "/key/generate", action: "error", status: 429 },
        { path: "/boom", action: "reset" },
      ],
    });
    expect(await statusOf(`${proxy.url}/health?verbose=1`)).toBe(200);
    expect(await statusOf(`${proxy.url}/slow`)).toBe(200);
    expect(await statusOf(`${proxy.url}/key/generate`, { method: "POST", body: "{}" })).toBe(429);
    await expectSocketError(fetch(`${proxy.url}/boom`));

    const recorded = proxy.requests();
    expect(recorded.every((r) => r.at >= started && r.at <= Date.now())).toBe(true);
    expect(recorded.map(withoutTime)).toEqual([
      { method: "GET", path: "/health", status: 200, fault: undefined },
      { method: "GET", path: "/slow", status: 200, fault: "latency" },
      { method: "POST", path: "/key/generate", status: 429, fault: "error" },
      { method: "GET", path: "/boom", status: undefined, fault: "reset" },
    ]);
    // A copy: callers cannot rewrite the proxy's record.
    recorded.pop();
    expect(proxy.requests()).toHaveLength(4);

    proxy.resetRequests();
    expect(proxy.requests()).toEqual([]);
  });

  test("countByRoute counts by METHOD and path", () => {
    expect(
      countByRoute([
        { method: "GET", path: "/health", status: 200, fault: undefined, at: 1 },
        { method: "POST", path: "/key/generate", status: 429, fault: "error", at: 2 },
        { method: "GET", path: "/health", status: 200, fault: undefined, at: 3 },
        { method: "GET", path: "/key/generate", status: 200, fault: undefined, at: 4 },
      ]),
    ).toEqual({ "GET /health": 2, "POST /key/generate": 1, "GET /key/generate": 1 });
  });
});
