/**
 * A gateway that does not answer: every delete of the providers fails, after the default retries,
 * with one line naming the gateway's URL, the cause and how to start it (a read leaves the state
 * as recorded instead); no stack
 * frames, no transport internals, no secret. The gateway is a free port nothing listens on (or a
 * local server that resets or never answers).
 */
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { inspect } from "node:util";
import { errors as undiciErrors } from "undici";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  AdminClient,
  GatewayUnreachableError,
  type AdminClientOptions,
  LiteLlmApiError,
  noAnswerReason,
} from "../../components/admin/client";
import {
  configureAdminTuning,
  credential,
  model,
  virtualKey,
  type CredentialOutputs,
  type KeyOutputs,
  type ModelOutputs,
} from "../../components/admin/impl";
import { tuning } from "../../components/admin/impl/shared";
import { rejection } from "../support/errors";
import { freePort } from "../support/net";

const MASTER_KEY = "sk-master-unreachable-0123456789";
const CREDENTIAL_VALUE = "sk-provider-unreachable-9876543210";

/** The line for a refused connection to `url`, for stack `dev` and for an unknown stack. */
const refused = (url: string) => ({
  dev:
    `LiteLLM gateway at ${url} does not answer (connection refused, ECONNREFUSED). ` +
    `Fix: start it with 'npm run start -- --stack dev' (or 'npm run up -- --stack dev' if its container is gone), then try again.`,
  generic:
    `LiteLLM gateway at ${url} does not answer (connection refused, ECONNREFUSED). ` +
    `Fix: start the gateway (npm run start) or run npm run up, then try again.`,
});

/** Everything an error shows: message, stack, inspect (own fields), String, JSON. */
function errorTexts(err: Error): string[] {
  return [err.message, err.stack ?? "", inspect(err), String(err), JSON.stringify(err)];
}

/** The message is one line, no text of the error carries a stack frame or a secret. */
function expectOneCleanLine(err: Error): void {
  expect(err.message).not.toContain("\n");
  for (const text of errorTexts(err)) {
    expect(text).not.toMatch(/^ {4}at /m);
    expect(text).not.toContain(MASTER_KEY);
    expect(text).not.toContain(CREDENTIAL_VALUE);
    // What undici says of a refused connection: `connect ECONNREFUSED 127.0.0.1:<port>`.
    expect(text).not.toMatch(/connect ECONNREFUSED/);
  }
}

/** A local server that treats every connection with `onSocket`, closed after the test. */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  );
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

describe("the providers against a gateway that refuses connections (default tuning)", () => {
  it("fail every delete with the one line naming the stack's start command, and leave every read's state as recorded (a refresh cannot tell what changed), after 4 retries each", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const defaults = { ...tuning };
    configureAdminTuning({ stack: "dev", log: (m) => lines.push(m) });
    onTestFinished(() => configureAdminTuning(defaults));
    const conn = { adminUrl: url, adminKey: MASTER_KEY };
    const cred: CredentialOutputs = {
      ...conn,
      name: "c",
      provider: "openai",
      values: { api_key: CREDENTIAL_VALUE },
      owner: "litellm-stack/dev/c",
    };
    const mdl: ModelOutputs = {
      ...conn,
      modelId: "pulumi-0123456789abcdef01234567",
      publicName: "m",
      target: "openai/gpt-4o",
      createdAt: "2026-01-01T00:00:00.000Z",
    };
    const key: KeyOutputs = {
      ...conn,
      owner: "litellm-stack/dev/k",
      alias: "k",
      models: [],
      key: "sk-raw-unreachable-0000",
      token: "0".repeat(64),
      expires: null,
    };
    const started = Date.now();
    const [reads, deletes] = await Promise.all([
      Promise.all([
        credential.read("c", cred),
        model.read(mdl.modelId, mdl),
        virtualKey.read(key.token, key),
      ]),
      Promise.all(
        (
          [
            ["credential delete", () => credential.delete("c", cred)],
            ["model delete", () => model.delete(mdl.modelId, mdl)],
            ["key delete", () => virtualKey.delete(key.token, key)],
          ] as Array<[string, () => Promise<unknown>]>
        ).map(async ([what, call]) => {
          const t0 = Date.now();
          const err = await rejection(call());
          return { what, err, ms: Date.now() - t0 };
        }),
      ),
    ]);
    expect(reads).toEqual([
      { id: "c", props: cred },
      { id: mdl.modelId, props: mdl },
      { id: key.token, props: key },
    ]);
    const results = deletes;
    for (const { what, err, ms } of results) {
      console.info(`${what}: failed after ${ms} ms`);
      expect(err, what).toBeInstanceOf(GatewayUnreachableError);
      expect(err, what).toBeInstanceOf(LiteLlmApiError);
      expect(err).toMatchObject({ status: 0, url, reason: "connection refused, ECONNREFUSED" });
      expect(err.message, what).toBe(refused(url).dev);
      expectOneCleanLine(err);
    }
    console.info(`all six in parallel: ${Date.now() - started} ms`);
    // The default budget: 5 attempts, waits of 250, 500, 1000 and 2000 ms between them.
    expect(lines).toHaveLength(6 * 4);
    for (const [retry, delay] of [
      [1, 250],
      [2, 500],
      [3, 1000],
      [4, 2000],
    ]) {
      const retryLine = `: no response, retry ${retry}/4 in ${delay} ms`;
      expect(lines.filter((l) => l.endsWith(retryLine))).toHaveLength(6);
    }
  });
});

/** A local HTTP gateway that answers every request with `status` and the JSON `body`. */
async function answering(status: number, body: unknown): Promise<string> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("a refresh's read when the gateway answers without its database", () => {
  const key = (adminUrl: string): KeyOutputs => ({
    adminUrl,
    adminKey: MASTER_KEY,
    owner: "litellm-stack/dev/k",
    alias: "k",
    models: [],
    key: "sk-raw-db-down-0000",
    token: "1".repeat(64),
    expires: null,
  });

  it.each([
    ["503 no_db_connection", 503, { error: { message: "no_db_connection" } }],
    [
      "500 All connection attempts failed",
      500,
      { error: { message: "All connection attempts failed" } },
    ],
    [
      "500 httpx.ConnectError",
      500,
      { detail: "httpx.ConnectError: [Errno 111] Connection refused" },
    ],
    [
      "500 Prisma P1001 Can't reach database server (as a CI run's drift check got it)",
      500,
      {
        error: {
          message:
            "Can't reach database server at `litellm-db`:`5432`\n\nPlease make sure your database server is running at `litellm-db`:`5432`.",
          type: "internal_server_error",
          code: "500",
        },
      },
    ],
  ])("%s: leaves the state as recorded", async (_what, status, body) => {
    const attempts = tuning.maxAttempts;
    configureAdminTuning({ maxAttempts: 1 });
    onTestFinished(() => configureAdminTuning({ maxAttempts: attempts }));
    const k = key(await answering(status, body));
    expect(await virtualKey.read(k.token, k)).toEqual({ id: k.token, props: k });
  });

  it("any other 500 is an error naming the call", async () => {
    const attempts = tuning.maxAttempts;
    configureAdminTuning({ maxAttempts: 1 });
    onTestFinished(() => configureAdminTuning({ maxAttempts: attempts }));
    const k = key(await answering(500, { error: { message: "a bug in the gateway" } }));
    const err = await rejection(virtualKey.read(k.token, k));
    expect(err.message).toMatch(/^LiteLLM admin API GET \/key\/info failed with HTTP 500: /);
  });

  it("a host name that does not resolve is an error (a wrong address, not a stopped gateway)", async () => {
    const k = key("http://gateway.invalid:4000");
    const err = await rejection(virtualKey.read(k.token, k));
    expect(err.message).toMatch(/ENOTFOUND/);
  });
});

/**
 * The error of one `GET path` by a client of `baseUrl` (one attempt unless `options` say
 * otherwise), checked to be a GatewayUnreachableError whose every text is one clean line.
 */
async function unreachable(
  baseUrl: string,
  options: Partial<AdminClientOptions> = {},
  path = "/key/list",
): Promise<GatewayUnreachableError> {
  const c = new AdminClient({ baseUrl, masterKey: MASTER_KEY, maxAttempts: 1, ...options });
  onTestFinished(() => c.close());
  const err = await rejection(c.call({ method: "GET", path }));
  expect(err).toBeInstanceOf(GatewayUnreachableError);
  expectOneCleanLine(err);
  return err as GatewayUnreachableError;
}

describe("GatewayUnreachableError from the admin client", () => {
  it("gives the generic fix when the stack is unknown", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await unreachable(url, {}, `/key/info?key=${MASTER_KEY}`);
    expect(err.message).toBe(refused(url).generic);
    expect(err).toMatchObject({ method: "GET", path: "/key/info", status: 0 });
  });

  it("shows the URL without its user info or query", async () => {
    const port = await freePort();
    const err = await unreachable(
      `http://admin:${MASTER_KEY}@127.0.0.1:${port}/?token=${CREDENTIAL_VALUE}`,
      { secrets: [CREDENTIAL_VALUE], stack: "dev" },
    );
    expect(err.message).toBe(refused(`http://127.0.0.1:${port}`).dev);
  });

  it("says so after waiting for readiness in vain, with the time waited", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const c = new AdminClient({
      baseUrl: url,
      masterKey: MASTER_KEY,
      stack: "dev",
      log: (m) => lines.push(m),
    });
    onTestFinished(() => c.close());
    const err = await rejection(c.waitReady({ timeoutMs: 300, intervalMs: 50 }));
    expect(err).toBeInstanceOf(GatewayUnreachableError);
    expect(err.message).toBe(
      refused(url).dev.replace("ECONNREFUSED)", "ECONNREFUSED; waited 300 ms)"),
    );
    expectOneCleanLine(err);
    expect(lines).toContain(`Waiting for LiteLLM at ${url} (connection refused, ECONNREFUSED)`);
  });

  it("names a connection the gateway closes without an answer", async () => {
    const url = await tcpServer((socket) => socket.resetAndDestroy());
    const err = await unreachable(url, { maxAttempts: 2, backoffMs: 1 });
    expect(err.reason).toMatch(
      /^(connection reset, ECONNRESET|connection closed, UND_ERR_SOCKET)$/,
    );
  });

  it("names a gateway that accepts the connection and never answers", async () => {
    const url = await tcpServer(() => undefined);
    const err = await unreachable(url, { timeoutMs: 200 });
    expect(err.reason).toMatch(/^no response within 200 ms/);
  });
});

describe("noAnswerReason", () => {
  it.each([
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      "connection refused, ECONNREFUSED",
    ],
    [
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      "connection reset, ECONNRESET",
    ],
    [new undiciErrors.SocketError("other side closed"), "connection closed, UND_ERR_SOCKET"],
    [
      new undiciErrors.ConnectTimeoutError(),
      "no connection within 1500 ms, UND_ERR_CONNECT_TIMEOUT",
    ],
    [new undiciErrors.HeadersTimeoutError(), "no response within 1500 ms, UND_ERR_HEADERS_TIMEOUT"],
    [
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      "no response within 1500 ms",
    ],
  ])("describes %s", (err, reason) => {
    expect(noAnswerReason(err, 1500)).toBe(reason);
  });

  it.each([
    Object.assign(new Error("getaddrinfo ENOTFOUND x.invalid"), { code: "ENOTFOUND" }),
    new undiciErrors.BodyTimeoutError(),
    new Error("anything else"),
    undefined,
  ])("leaves %s to the generic error", (err) => {
    expect(noAnswerReason(err, 1500)).toBeUndefined();
  });
});
