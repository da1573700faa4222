/**
 * `npm run doctor`'s checks without Docker or a gateway: a fake docker runner (an engine of
 * inspect documents, logs and exec answers) and a fake HTTP getter. Each check's pass and each
 * failure mode print the pinned line, in the list's order; Docker not answering skips the rest;
 * secrets never reach the output (log lines masked, passwords never on a docker command line);
 * the exit code is 0 only when every check passes. Also the context built from outputs/config.
 */
import type { ConfigMap, OutputMap } from "@pulumi/pulumi/automation";
import { beforeEach, describe, expect, it } from "vitest";
import { stackNames } from "../../components/naming";
import { EXIT } from "../../cli/report";
import { DECRYPT_MARKER, DECRYPT_SCRIPT } from "../../doctor/checks/salt-key";
import {
  doctorContext,
  type DockerOptions,
  type DockerResult,
  type DoctorContext,
  type HttpResponse,
} from "../../doctor/context";
import { CHECKS, runDoctor } from "../../doctor/run";
import { formatLog, maskSecrets } from "../../doctor/report";

const STACK = "s1";
const NAMES = stackNames(STACK);
const MASTER = "sk-master-key-0123456789abcdef";
const SALT = "salt-key-0123456789abcdefghij";
const DB_PASSWORD = "dbpassword0123456789";
const UI_PASSWORD = "ui-password-0123";
const BASE = "http://127.0.0.1:4000";
const ALL_SECRETS = [MASTER, SALT, DB_PASSWORD, UI_PASSWORD];

type Json = Record<string, unknown>;

/** A container's `docker container inspect` document, as the stack creates it. */
function container(name: string, over: { env?: string[]; image?: string; ports?: Json } = {}) {
  return {
    Name: `/${name}`,
    Config: { Image: over.image ?? "litellm-stack/litellm:1.108.14-local", Env: over.env ?? [] },
    State: { Status: "running", Running: true, ExitCode: 0, Health: { Status: "healthy" } },
    HostConfig: { PortBindings: over.ports ?? {} },
    NetworkSettings: { Ports: over.ports ?? {} },
  };
}

const gatewayEnv = (databaseUrl: string, salt = SALT, master = MASTER): string[] => [
  `DATABASE_URL=${databaseUrl}`,
  `LITELLM_MASTER_KEY=${master}`,
  `LITELLM_SALT_KEY=${salt}`,
  "STORE_MODEL_IN_DB=True",
  `UI_PASSWORD=${UI_PASSWORD}`,
];
const dbUrl = (password = DB_PASSWORD, rest = "litellm-db:5432/litellm", user = "litellm") =>
  `postgresql://${user}:${password}@${rest}`;

/** The fake engine: state the tests change, and every docker call it got. */
interface Engine {
  answers: boolean;
  networks: string[];
  containers: Record<string, ReturnType<typeof container>>;
  logs: Record<string, string>;
  /** The password Postgres accepts for litellm. */
  pgPassword: string;
  /** Rows of `credential_values::text`, or an error (psql's stderr). */
  credentialRows: string[] | { error: string };
  /** How many values the decrypt script says fail, or an error (python's stderr). */
  decrypt: (values: string[]) => number | { error: string };
  calls: { args: readonly string[]; options: DockerOptions | undefined }[];
}

let engine: Engine;
let http: Record<string, HttpResponse | Error>;
let httpCalls: { url: string; headers: Record<string, string> | undefined }[];

const ok = (stdout: string): DockerResult => ({ code: 0, stdout, stderr: "" });
const fail = (stderr: string, code = 1): DockerResult => ({ code, stdout: "", stderr });

async function fakeDocker(args: readonly string[], options?: DockerOptions): Promise<DockerResult> {
  engine.calls.push({ args, options });
  if (!engine.answers) {
    return fail(
      "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?\n",
    );
  }
  const [verb, sub, ...rest] = args;
  if (verb === "version") {
    return ok("27.5.1\n");
  }
  if (verb === "network" && sub === "inspect") {
    const name = rest[0] ?? "";
    return engine.networks.includes(name)
      ? ok(`[{"Name":"${name}"}]`)
      : fail(`Error response from daemon: network ${name} not found\n`);
  }
  if (verb === "container" && sub === "inspect") {
    const c = engine.containers[rest[0] ?? ""];
    return c === undefined
      ? fail(`Error response from daemon: No such container: ${rest[0]}\n`)
      : ok(JSON.stringify([c]));
  }
  if (verb === "logs") {
    return ok(engine.logs[args[args.length - 1] ?? ""] ?? "");
  }
  if (verb === "exec") {
    const target = args.includes("-e") ? args[3] : args[1] === "-i" ? args[2] : args[1];
    const c = engine.containers[target ?? ""];
    if (c === undefined || !c.State.Running) {
      return fail(`Error response from daemon: container ${target} is not running\n`);
    }
    if (args.includes("PGPASSWORD")) {
      return options?.env?.["PGPASSWORD"] === engine.pgPassword
        ? ok("1\n")
        : fail(
            `psql: error: connection to server at "172.18.0.2", port 5432 failed: FATAL:  password authentication failed for user "litellm"\n`,
            2,
          );
    }
    if (args.some((a) => a.includes("LiteLLM_CredentialsTable"))) {
      const rows = engine.credentialRows;
      return Array.isArray(rows) ? ok(rows.map((r) => `${r}\n`).join("")) : fail(rows.error);
    }
    if (args.includes("python3")) {
      const values = JSON.parse(options?.input ?? "[]") as string[];
      const failed = engine.decrypt(values);
      return typeof failed === "number"
        ? ok(`some banner\n${DECRYPT_MARKER}${JSON.stringify({ values: values.length, failed })}\n`)
        : fail(failed.error);
    }
  }
  return fail(`fake docker: unexpected ${args.join(" ")}`);
}

async function fakeHttp(url: string, headers?: Record<string, string>): Promise<HttpResponse> {
  httpCalls.push({ url, headers });
  const route = url.slice(BASE.length).split("?")[0] ?? "";
  const answer = http[route];
  if (answer instanceof Error) {
    throw answer;
  }
  if (answer === undefined) {
    throw new Error(`fake http: no answer for ${url}`);
  }
  return answer;
}

/** A healthy deployed stack. */
function healthy(): void {
  engine = {
    answers: true,
    networks: [NAMES.network],
    containers: {
      [NAMES.db]: container(NAMES.db, {
        env: [`POSTGRES_PASSWORD=${DB_PASSWORD}`],
        image: "litellm-stack/postgres:15-local",
        ports: { "5432/tcp": null },
      }),
      [NAMES.gateway]: container(NAMES.gateway, {
        env: gatewayEnv(dbUrl()),
        ports: { "4000/tcp": [{ HostIp: "127.0.0.1", HostPort: "4000" }] },
      }),
    },
    logs: {
      [NAMES.db]: "db log 1\ndb log 2\n",
      [NAMES.gateway]: `\u001b[32mINFO\u001b[0m: started\nmaster key is ${MASTER}\n`,
    },
    pgPassword: DB_PASSWORD,
    credentialRows: ['{"api_key": "v3:gcm:AAAA", "api_base": "v3:gcm:BBBB"}'],
    decrypt: () => 0,
    calls: [],
  };
  http = {
    "/health/readiness": { status: 200, body: '{"status":"healthy","db":"connected"}' },
    "/key/list": { status: 200, body: '{"keys":[],"total_count":0}' },
  };
  httpCalls = [];
}

const OUTPUTS: OutputMap = {
  LLM_PROVIDER: { value: "litellm", secret: false },
  LITELLM_BASE_URL: { value: BASE, secret: false },
  LITELLM_MASTER_KEY: { value: MASTER, secret: true },
  uiPassword: { value: UI_PASSWORD, secret: true },
  dockerNames: { value: { ...NAMES }, secret: false },
  dataSecrets: {
    value: { masterKey: MASTER, saltKey: SALT, databasePassword: DB_PASSWORD },
    secret: true,
  },
};

function context(
  outputs: OutputMap = OUTPUTS,
  config: ConfigMap = { "litellm-stack:imageSource": { value: "local", secret: false } },
): DoctorContext {
  return doctorContext({ stack: STACK, outputs, config, docker: fakeDocker, http: fakeHttp });
}

/** Runs the doctor; its printed lines and exit code. */
async function doctor(ctx: DoctorContext = context()): Promise<{ lines: string[]; code: number }> {
  const lines: string[] = [];
  const code = await runDoctor(ctx, (l) => lines.push(l));
  return { lines, code };
}

/** The line of one check. */
const lineOf = (lines: readonly string[], check: string): string | undefined =>
  lines.find((l) => new RegExp(`^(PASS|FAIL|SKIP) ${check}\\b`).test(l));

/** The log lines printed right under the line of `check`. */
function logUnder(lines: readonly string[], check: string): string[] {
  const at = lines.findIndex((l) => l.startsWith(`FAIL ${check}:`));
  const out: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i]?.startsWith("    "); i++) {
    out.push(lines[i] ?? "");
  }
  return out;
}

const HEALTHY_LINES = [
  "PASS docker (engine 27.5.1)",
  `PASS network (${NAMES.network})`,
  `PASS database (${NAMES.db}: running, healthy, no host port)`,
  `PASS gateway (${NAMES.gateway}: running, healthy, published on 127.0.0.1:4000)`,
  `PASS readiness (${BASE}: db connected)`,
  "PASS database-url (litellm@litellm-db:5432/litellm, password accepted)",
  "PASS master-key (GET /key/list with it: 200)",
  "PASS salt-key (2 stored credential values decrypt)",
  "PASS version (LiteLLM 1.108.14)",
];

const FIX_UP = `Fix: npm run up -- --stack ${STACK}`;
const FIX_START = `Fix: npm run start -- --stack ${STACK}`;

/** Nothing printed holds a secret. */
function expectNoSecret(lines: readonly string[]): void {
  const out = lines.join("\n");
  for (const secret of ALL_SECRETS) {
    expect(out).not.toContain(secret);
  }
}

beforeEach(healthy);

describe("a healthy stack", () => {
  it("prints one PASS line per check, in the list's order, and exits 0", async () => {
    const { lines, code } = await doctor();
    expect(lines).toEqual(HEALTHY_LINES);
    expect(code).toBe(EXIT.ok);
    expect(CHECKS.map((c) => c.name)).toEqual([
      "docker",
      "network",
      "database",
      "gateway",
      "readiness",
      "database-url",
      "master-key",
      "salt-key",
      "version",
    ]);
  });

  it("passes no secret on a docker command line: the password goes in the env of docker exec -e PGPASSWORD", async () => {
    await doctor();
    for (const call of engine.calls) {
      for (const secret of ALL_SECRETS) {
        expect(call.args.join(" ")).not.toContain(secret);
      }
    }
    const pg = engine.calls.find((c) => c.args.includes("PGPASSWORD"));
    expect(pg?.args.slice(0, 4)).toEqual(["exec", "-e", "PGPASSWORD", NAMES.db]);
    expect(pg?.options?.env).toEqual({ PGPASSWORD: DB_PASSWORD });
    const py = engine.calls.find((c) => c.args.includes("python3"));
    expect(py?.args).toEqual(["exec", "-i", NAMES.gateway, "python3", "-c", DECRYPT_SCRIPT]);
    expect(JSON.parse(py?.options?.input ?? "")).toEqual(["v3:gcm:AAAA", "v3:gcm:BBBB"]);
  });

  it("the decrypt script uses LiteLLM's own helper and prints only counts", () => {
    expect(DECRYPT_SCRIPT).toContain(
      "from litellm.proxy.common_utils.encrypt_decrypt_utils import decrypt_value_helper",
    );
    expect(DECRYPT_SCRIPT).toContain(
      'decrypt_value_helper(v, key="credential", return_original_value=False) is None',
    );
    expect(DECRYPT_SCRIPT).not.toMatch(/print\(v|print\(values/);
  });
});

describe("docker", () => {
  it("Docker not answering: FAIL docker, every later check SKIP, exit 1", async () => {
    engine.answers = false;
    const { lines, code } = await doctor();
    expect(lines).toEqual([
      "FAIL docker: the Docker engine does not answer (Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?). Fix: start it (here: npm run toolchain starts the engine; with systemd: sudo systemctl start docker) and check that DOCKER_HOST or the docker context points at it (docker context ls)",
      "SKIP network: Docker does not answer",
      "SKIP database: Docker does not answer",
      "SKIP gateway: Docker does not answer",
      "SKIP readiness: Docker does not answer",
      "SKIP database-url: Docker does not answer",
      "SKIP master-key: Docker does not answer",
      "SKIP salt-key: Docker does not answer",
      "SKIP version: Docker does not answer",
    ]);
    expect(code).toBe(EXIT.failed);
    expect(engine.calls).toHaveLength(1);
  });
});

describe("network", () => {
  it("a missing network", async () => {
    engine.networks = [];
    const { lines, code } = await doctor();
    expect(lineOf(lines, "network")).toBe(
      `FAIL network: the stack's network ${NAMES.network} does not exist. ${FIX_UP}`,
    );
    expect(code).toBe(EXIT.failed);
    // The other checks still run.
    expect(lines.filter((l) => l.startsWith("PASS"))).toHaveLength(8);
  });
});

describe("database", () => {
  it("a missing container (no log lines: there is no container)", async () => {
    delete engine.containers[NAMES.db];
    const { lines } = await doctor();
    expect(lineOf(lines, "database")).toBe(
      `FAIL database: the database container ${NAMES.db} does not exist. ${FIX_UP}`,
    );
    expect(logUnder(lines, "database")).toEqual([]);
  });

  it("a stopped container: its log follows, then the database-url and salt-key lines say why they cannot test", async () => {
    const db = engine.containers[NAMES.db];
    if (db !== undefined) {
      db.State = { Status: "exited", Running: false, ExitCode: 0, Health: { Status: "unhealthy" } };
    }
    http["/health/readiness"] = {
      status: 503,
      body: '{"detail":"Service Unhealthy (Can\'t reach database server at `litellm-db:5432`)"}',
    };
    http["/key/list"] = { status: 500, body: '{"error":{"message":"DB not connected"}}' };
    engine.credentialRows = {
      error: `Error response from daemon: container ${NAMES.db} is not running`,
    };
    const { lines, code } = await doctor();
    expect(code).toBe(EXIT.failed);
    expect(lines).toEqual([
      "PASS docker (engine 27.5.1)",
      `PASS network (${NAMES.network})`,
      `FAIL database: the database container ${NAMES.db} is not running (exited, exit code 0). ${FIX_START}`,
      "    db log 1",
      "    db log 2",
      `PASS gateway (${NAMES.gateway}: running, healthy, published on 127.0.0.1:4000)`,
      `FAIL readiness: GET ${BASE}/health/readiness answered 503 ({"detail":"Service Unhealthy (Can't reach database server at \`litellm-db:5432\`)"}). Fix: the gateway cannot use its database: see the database and database-url lines; npm run start -- --stack ${STACK} starts a stopped database`,
      "    INFO: started",
      "    master key is [secret]",
      `FAIL database-url: cannot test the password: the database container ${NAMES.db} is not running. ${FIX_START}`,
      "    db log 1",
      "    db log 2",
      `FAIL master-key: GET ${BASE}/key/list answered 500 ({"error":{"message":"DB not connected"}}). Fix: see the readiness and database lines; npm run start -- --stack ${STACK} if the database is stopped`,
      `FAIL salt-key: cannot read the stored credentials from ${NAMES.db}: Error response from daemon: container ${NAMES.db} is not running. Fix: npm run start -- --stack ${STACK}, then npm run doctor -- --stack ${STACK} again`,
      "    db log 1",
      "    db log 2",
      "PASS version (LiteLLM 1.108.14)",
    ]);
  });

  it("a container whose healthcheck fails, or has not passed yet", async () => {
    const db = engine.containers[NAMES.db];
    if (db === undefined) {
      throw new Error("no db");
    }
    db.State.Health = { Status: "unhealthy" };
    expect(lineOf((await doctor()).lines, "database")).toBe(
      `FAIL database: the database container ${NAMES.db} is running but unhealthy (its healthcheck fails). Fix: read its log below; docker restart ${NAMES.db}, or npm run up -- --stack ${STACK} to recreate it`,
    );
    db.State.Health = { Status: "starting" };
    expect(lineOf((await doctor()).lines, "database")).toBe(
      `FAIL database: the database container ${NAMES.db} is running but its healthcheck has not passed yet (starting). Fix: wait until it is healthy, then npm run doctor -- --stack ${STACK} again (its log below shows what it is doing)`,
    );
  });

  it("a published host port", async () => {
    const ports = { "5432/tcp": [{ HostIp: "0.0.0.0", HostPort: "5432" }] };
    engine.containers[NAMES.db] = container(NAMES.db, { ports });
    const { lines } = await doctor();
    expect(lineOf(lines, "database")).toBe(
      `FAIL database: the database container ${NAMES.db} publishes host ports (0.0.0.0:5432 (5432/tcp)); it must be reachable on the stack's network only. Fix: npm run up -- --stack ${STACK} (recreates it without published ports)`,
    );
    expect(logUnder(lines, "database")).toEqual(["    db log 1", "    db log 2"]);
  });
});

describe("gateway", () => {
  it("published on another port than the config says: names both, and both fixes", async () => {
    const ctx = context(OUTPUTS, { "litellm-stack:hostPort": { value: "4100", secret: false } });
    const { lines, code } = await doctor(ctx);
    expect(lineOf(lines, "gateway")).toBe(
      `FAIL gateway: the gateway container ${NAMES.gateway} is published on 127.0.0.1:4000 (4000/tcp), but the stack's config says 127.0.0.1:4100 (4000/tcp) only. Fix: npm run up -- --stack ${STACK} (recreates it on the configured address), or set the config back to what runs: pulumi config set litellm-stack:hostPort 4000 --stack ${STACK}`,
    );
    expect(logUnder(lines, "gateway")).toEqual(["    INFO: started", "    master key is [secret]"]);
    // The HTTP checks use the stack's LITELLM_BASE_URL, which still answers.
    expect(lineOf(lines, "readiness")).toMatch(/^PASS /);
    expect(code).toBe(EXIT.failed);
  });

  it("published on another address, and on an extra port", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.HostConfig.PortBindings = {
      "4000/tcp": [{ HostIp: "0.0.0.0", HostPort: "4000" }],
      "9000/tcp": [{ HostIp: "127.0.0.1", HostPort: "9000" }],
    };
    gw.NetworkSettings.Ports = gw.HostConfig.PortBindings;
    expect(lineOf((await doctor()).lines, "gateway")).toBe(
      `FAIL gateway: the gateway container ${NAMES.gateway} is published on 0.0.0.0:4000 (4000/tcp), 127.0.0.1:9000 (9000/tcp), but the stack's config says 127.0.0.1:4000 (4000/tcp) only. Fix: npm run up -- --stack ${STACK} (recreates it on the configured address), or set the config back to what runs: pulumi config set litellm-stack:bindAddress 0.0.0.0 --stack ${STACK}`,
    );
  });

  it("a wildcard bind passes with Docker's IPv6 twin", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.HostConfig.PortBindings = { "4000/tcp": [{ HostIp: "0.0.0.0", HostPort: "4000" }] };
    gw.NetworkSettings.Ports = {
      "4000/tcp": [
        { HostIp: "0.0.0.0", HostPort: "4000" },
        { HostIp: "::", HostPort: "4000" },
      ],
    };
    const ctx = context(OUTPUTS, {
      "litellm-stack:bindAddress": { value: "0.0.0.0", secret: false },
      "litellm-stack:allowNonLoopbackBind": { value: "true", secret: false },
    });
    expect(lineOf((await doctor(ctx)).lines, "gateway")).toBe(
      `PASS gateway (${NAMES.gateway}: running, healthy, published on 0.0.0.0:4000)`,
    );
  });

  it("stopped: FAIL gateway with its log, the HTTP checks and salt-key fail, database-url and version still pass", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.State = { Status: "exited", Running: false, ExitCode: 137, Health: { Status: "unhealthy" } };
    gw.NetworkSettings.Ports = {};
    const refused = new Error("connection refused (ECONNREFUSED)");
    http["/health/readiness"] = refused;
    http["/key/list"] = refused;
    const { lines, code } = await doctor();
    expect(code).toBe(EXIT.failed);
    expect(lines.filter((l) => !l.startsWith("    "))).toEqual([
      "PASS docker (engine 27.5.1)",
      `PASS network (${NAMES.network})`,
      `PASS database (${NAMES.db}: running, healthy, no host port)`,
      `FAIL gateway: the gateway container ${NAMES.gateway} is not running (exited, exit code 137). ${FIX_START}`,
      `FAIL readiness: GET ${BASE}/health/readiness got no answer (connection refused (ECONNREFUSED)). Fix: npm run start -- --stack ${STACK} (or npm run up -- --stack ${STACK} if its container is gone)`,
      "PASS database-url (litellm@litellm-db:5432/litellm, password accepted)",
      `FAIL master-key: GET ${BASE}/key/list got no answer (connection refused (ECONNREFUSED)). Fix: npm run start -- --stack ${STACK} (or npm run up -- --stack ${STACK} if its container is gone)`,
      `FAIL salt-key: cannot check: the gateway container ${NAMES.gateway} is not running. ${FIX_START}`,
      "PASS version (LiteLLM 1.108.14)",
    ]);
    expect(logUnder(lines, "gateway")).toEqual(["    INFO: started", "    master key is [secret]"]);
    expect(logUnder(lines, "master-key")).toEqual([]);
    expectNoSecret(lines);
  });

  it("missing: every check that needs it says so", async () => {
    delete engine.containers[NAMES.gateway];
    const { lines } = await doctor();
    expect(lineOf(lines, "gateway")).toBe(
      `FAIL gateway: the gateway container ${NAMES.gateway} does not exist. ${FIX_UP}`,
    );
    expect(lineOf(lines, "database-url")).toBe(
      `FAIL database-url: the gateway container ${NAMES.gateway} does not exist. ${FIX_UP}`,
    );
    expect(lineOf(lines, "salt-key")).toBe(
      `FAIL salt-key: cannot check: the gateway container ${NAMES.gateway} does not exist. ${FIX_UP}`,
    );
    expect(lineOf(lines, "version")).toBe(
      `FAIL version: the gateway container ${NAMES.gateway} does not exist. ${FIX_UP}`,
    );
  });
});

describe("readiness", () => {
  it("200 without a connected database", async () => {
    http["/health/readiness"] = { status: 200, body: '{"status":"healthy","db":"Not connected"}' };
    const { lines } = await doctor();
    expect(lineOf(lines, "readiness")).toBe(
      `FAIL readiness: GET ${BASE}/health/readiness answered 200 but db is "Not connected", not "connected". Fix: the gateway cannot use its database: see the database and database-url lines; npm run start -- --stack ${STACK} starts a stopped database`,
    );
    expect(logUnder(lines, "readiness")).toEqual([
      "    INFO: started",
      "    master key is [secret]",
    ]);
  });

  it("no answer within the timeout", async () => {
    http["/health/readiness"] = new Error("no answer within 10 s");
    expect(lineOf((await doctor()).lines, "readiness")).toBe(
      `FAIL readiness: GET ${BASE}/health/readiness got no answer (no answer within 10 s). Fix: npm run start -- --stack ${STACK} (or npm run up -- --stack ${STACK} if its container is gone)`,
    );
  });
});

describe("database-url", () => {
  const setGatewayUrl = (url: string): void => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.Config.Env = gatewayEnv(url);
  };

  it("another host, port, database or user: names where it points, never the password", async () => {
    for (const [url, where] of [
      [dbUrl(DB_PASSWORD, "db.example:5432/litellm"), "litellm@db.example:5432/litellm"],
      [dbUrl(DB_PASSWORD, "litellm-db:5433/litellm"), "litellm@litellm-db:5433/litellm"],
      [dbUrl(DB_PASSWORD, "litellm-db:5432/other"), "litellm@litellm-db:5432/other"],
      [dbUrl(DB_PASSWORD, "litellm-db:5432/litellm", "admin"), "admin@litellm-db:5432/litellm"],
    ] as const) {
      setGatewayUrl(url);
      const { lines } = await doctor();
      expect(lineOf(lines, "database-url")).toBe(
        `FAIL database-url: the gateway's DATABASE_URL points at postgresql://${where}, not postgresql://litellm@litellm-db:5432/litellm. Fix: npm run up -- --stack ${STACK} (recreates the gateway with the stack's DATABASE_URL)`,
      );
      expectNoSecret(lines);
    }
  });

  it("the password changed inside Postgres: the fix sets it back, without printing it", async () => {
    engine.pgPassword = "wrong-one";
    const { lines, code } = await doctor();
    expect(code).toBe(EXIT.failed);
    expect(lineOf(lines, "database-url")).toBe(
      `FAIL database-url: Postgres refuses the password in the gateway's DATABASE_URL (connection to server at "172.18.0.2", port 5432 failed: FATAL:  password authentication failed for user "litellm"): it was changed inside the database. Fix: set it back to the stack's password: docker exec -it ${NAMES.db} psql -U litellm -d litellm -c '\\password litellm' and enter dataSecrets.databasePassword from npm run outputs -- --stack ${STACK} --show-secrets`,
    );
    expect(logUnder(lines, "database-url")).toEqual(["    db log 1", "    db log 2"]);
    expectNoSecret(lines);
  });

  it("the gateway's password is refused but the stack's works: an out-of-date gateway", async () => {
    const stale = "stale-password-0001";
    setGatewayUrl(dbUrl(stale));
    const { lines } = await doctor();
    expect(lineOf(lines, "database-url")).toBe(
      `FAIL database-url: Postgres refuses the password in the gateway's DATABASE_URL, and accepts the stack's dataSecrets.databasePassword: the gateway container is out of date. Fix: npm run up -- --stack ${STACK} (recreates the gateway with the stack's password)`,
    );
    // Both passwords were tried through the env only; the stale one is masked too.
    expect(
      engine.calls.filter((c) => c.args.includes("PGPASSWORD")).map((c) => c.options?.env),
    ).toEqual([{ PGPASSWORD: stale }, { PGPASSWORD: DB_PASSWORD }]);
    expect(lines.join("\n")).not.toContain(stale);
  });

  it("the gateway's password works but differs from dataSecrets.databasePassword", async () => {
    const working = "working-password-02";
    setGatewayUrl(dbUrl(working));
    engine.pgPassword = working;
    const { lines } = await doctor();
    expect(lineOf(lines, "database-url")).toBe(
      `FAIL database-url: the password in the gateway's DATABASE_URL works, but the stack output dataSecrets.databasePassword is another one (a kept volume would be reopened with that one). Fix: make the stack keep the working password: pulumi config set --secret litellm-stack:databasePassword <the password in ${NAMES.gateway}'s DATABASE_URL> --stack ${STACK}, then npm run up -- --stack ${STACK}`,
    );
    expect(lines.join("\n")).not.toContain(working);
  });

  it("without dataSecrets, an accepted password passes", async () => {
    const { dataSecrets: _dropped, ...rest } = OUTPUTS;
    const { lines } = await doctor(context(rest));
    expect(lineOf(lines, "database-url")).toBe(
      "PASS database-url (litellm@litellm-db:5432/litellm, password accepted)",
    );
  });
});

describe("master-key", () => {
  it("the gateway refuses the stack's key, and its container runs with another", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    const other = "sk-other-master-key-9876543210";
    gw.Config.Env = gatewayEnv(dbUrl(), SALT, other);
    http["/key/list"] = { status: 401, body: '{"error":{"message":"Authentication Error"}}' };
    const { lines } = await doctor();
    expect(httpCalls.find((c) => c.url.includes("/key/list"))?.headers).toEqual({
      authorization: `Bearer ${MASTER}`,
    });
    expect(lineOf(lines, "master-key")).toBe(
      `FAIL master-key: the gateway refuses the stack's master key (GET /key/list: 401); its container runs with another LITELLM_MASTER_KEY. Fix: npm run up -- --stack ${STACK} (recreates the gateway with the stack's LITELLM_MASTER_KEY)`,
    );
    expect(logUnder(lines, "master-key")).toEqual([]);
    expect(lines.join("\n")).not.toContain(other);
  });

  it("403 is a refusal too; no LITELLM_MASTER_KEY output", async () => {
    http["/key/list"] = { status: 403, body: "" };
    expect(lineOf((await doctor()).lines, "master-key")).toBe(
      `FAIL master-key: the gateway refuses the stack's master key (GET /key/list: 403). Fix: npm run up -- --stack ${STACK} (recreates the gateway with the stack's LITELLM_MASTER_KEY)`,
    );
    const { LITELLM_MASTER_KEY: _dropped, ...rest } = OUTPUTS;
    expect(lineOf((await doctor(context(rest))).lines, "master-key")).toBe(
      `FAIL master-key: the stack has no LITELLM_MASTER_KEY output (never deployed, or its last update failed). ${FIX_UP}`,
    );
  });
});

describe("salt-key", () => {
  it("no stored credentials", async () => {
    engine.credentialRows = [];
    const { lines } = await doctor();
    expect(lineOf(lines, "salt-key")).toBe("PASS salt-key (no stored credentials)");
    expect(engine.calls.some((c) => c.args.includes("python3"))).toBe(false);
  });

  it("values that do not decrypt: counts only, never values", async () => {
    engine.credentialRows = [
      '{"api_key": "v3:gcm:AAAA", "api_base": "v3:gcm:BBBB"}',
      '{"api_key": "v3:gcm:CCCC"}',
    ];
    engine.decrypt = (values) => values.filter((v) => v !== "v3:gcm:BBBB").length;
    const { lines, code } = await doctor();
    expect(code).toBe(EXIT.failed);
    expect(lineOf(lines, "salt-key")).toBe(
      `FAIL salt-key: 2 of 3 stored credential values do not decrypt with the gateway's LITELLM_SALT_KEY. Fix: the salt key changed after the credentials were stored: put the previous one back (pulumi config set --secret litellm-stack:saltKey <previous salt key> --stack ${STACK}, then npm run up -- --stack ${STACK}), or delete and re-create the affected credentials`,
    );
    expect(lines.join("\n")).not.toMatch(/v3:gcm:/);
    expect(logUnder(lines, "salt-key")).toEqual([
      "    INFO: started",
      "    master key is [secret]",
    ]);
  });

  it("the container's salt key differs from dataSecrets.saltKey", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    const other = "another-salt-key-00000000";
    gw.Config.Env = gatewayEnv(dbUrl(), other);
    const saltFix = `Fix: npm run up -- --stack ${STACK} gives the gateway the stack's salt key; if the stored credentials were written with the container's key instead, keep that one: pulumi config set --secret litellm-stack:saltKey <${NAMES.gateway}'s LITELLM_SALT_KEY> --stack ${STACK}`;
    let { lines } = await doctor();
    expect(lineOf(lines, "salt-key")).toBe(
      `FAIL salt-key: the gateway's LITELLM_SALT_KEY differs from the stack's dataSecrets.saltKey. ${saltFix}`,
    );
    engine.decrypt = () => 1;
    ({ lines } = await doctor());
    expect(lineOf(lines, "salt-key")).toBe(
      `FAIL salt-key: 1 of 2 stored credential values do not decrypt with the gateway's LITELLM_SALT_KEY, which differs from the stack's dataSecrets.saltKey. ${saltFix}`,
    );
    expect(lines.join("\n")).not.toContain(other);
  });

  it("the script cannot run (LiteLLM without the helper)", async () => {
    engine.decrypt = () => ({
      error:
        "Traceback (most recent call last):\n  File \"<string>\", line 3, in <module>\nImportError: cannot import name 'decrypt_value_helper'\n",
    });
    expect(lineOf((await doctor()).lines, "salt-key")).toBe(
      `FAIL salt-key: the decrypt check could not run in ${NAMES.gateway} (python3 exited 1: ImportError: cannot import name 'decrypt_value_helper'). Fix: check that the gateway's LiteLLM has the helper: docker exec ${NAMES.gateway} python3 -c 'from litellm.proxy.common_utils.encrypt_decrypt_utils import decrypt_value_helper'`,
    );
  });

  it("no credentials table", async () => {
    engine.credentialRows = {
      error: 'ERROR:  relation "LiteLLM_CredentialsTable" does not exist\nLINE 1: ...\n',
    };
    expect(lineOf((await doctor()).lines, "salt-key")).toBe(
      `FAIL salt-key: the database has no "LiteLLM_CredentialsTable" (LiteLLM's migrations did not run). ${FIX_UP}`,
    );
  });
});

describe("version", () => {
  it("a version the policy refuses", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.Config.Image = "ghcr.io/berriai/litellm:v1.82.7-stable";
    const line = lineOf((await doctor()).lines, "version") ?? "";
    expect(line).toMatch(
      /^FAIL version: the gateway runs ghcr\.io\/berriai\/litellm:v1\.82\.7-stable: LiteLLM 1\.82\.7 /,
    );
    expect(line).toContain(
      `. Fix: pulumi config set litellm-stack:litellmVersion 1.108.14 --stack ${STACK} (a version the policy allows, docs/version-policy.md), then npm run up -- --stack ${STACK}`,
    );
  });

  it("a reference without a version: the configured litellmVersion, else a FAIL", async () => {
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.Config.Image = `ghcr.io/berriai/litellm@sha256:${"a".repeat(64)}`;
    const withVersion = context(OUTPUTS, {
      "litellm-stack:litellmVersion": { value: "1.108.13", secret: false },
    });
    expect(lineOf((await doctor(withVersion)).lines, "version")).toBe(
      "PASS version (LiteLLM 1.108.13)",
    );
    expect(lineOf((await doctor()).lines, "version")).toBe(
      `FAIL version: the gateway's image ghcr.io/berriai/litellm@sha256:${"a".repeat(64)} names no LiteLLM version and the stack's config sets no litellm-stack:litellmVersion, so the version policy cannot check it. Fix: pulumi config set litellm-stack:litellmVersion <the version it is> --stack ${STACK}, or use a versioned image tag`,
    );
  });
});

describe("masking and the run", () => {
  it("masks every known secret, its URL-encoded form, and secrets the containers' env revealed", () => {
    expect(maskSecrets("a sk-1/2=3 b sk-1%2F2%3D3 c", ["sk-1/2=3"])).toBe(
      "a [secret] b [secret] c",
    );
    expect(maskSecrets("longer-secret", ["longer", "longer-secret"])).toBe("[secret]");
    expect(maskSecrets("abc", ["", "ab"])).toBe("abc");
    expect(formatLog(`\u001b[31mERR\u001b[0m ${SALT}\n\n`, [SALT])).toEqual(["    ERR [secret]"]);
    expect(formatLog("", [])).toEqual(["    (its log is empty)"]);
    const many = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(formatLog(many, [])).toEqual(Array.from({ length: 20 }, (_, i) => `    line ${i + 11}`));
  });

  it("log lines under a FAIL are masked, secrets from the outputs and the containers alike", async () => {
    const hidden = "redis-password-only-in-env";
    const gw = engine.containers[NAMES.gateway];
    if (gw === undefined) {
      throw new Error("no gateway");
    }
    gw.Config.Env = [...gatewayEnv(dbUrl()), `REDIS_PASSWORD=${hidden}`];
    gw.State.Health = { Status: "unhealthy" };
    engine.logs[NAMES.gateway] =
      `boot with ${MASTER}\nsalt ${SALT}\nurl postgresql://litellm:${DB_PASSWORD}@litellm-db:5432/litellm\nui ${UI_PASSWORD}\nredis ${hidden}\n`;
    const { lines } = await doctor();
    expect(logUnder(lines, "gateway")).toEqual([
      "    boot with [secret]",
      "    salt [secret]",
      "    url postgresql://litellm:[secret]@litellm-db:5432/litellm",
      "    ui [secret]",
      "    redis [secret]",
    ]);
    expectNoSecret(lines);
    expect(lines.join("\n")).not.toContain(hidden);
  });

  it("a check that throws is a FAIL naming the error; the others still run", async () => {
    const broken = {
      name: "broken",
      run: () => Promise.reject(new Error(`boom ${MASTER}`)),
    };
    const lines: string[] = [];
    const code = await runDoctor(context(), (l) => lines.push(l), [broken, ...CHECKS.slice(0, 1)]);
    expect(lines).toEqual([
      `FAIL broken: the check itself failed: boom [secret]. Fix: check the Docker engine (docker info), then npm run doctor -- --stack ${STACK} again`,
      "PASS docker (engine 27.5.1)",
    ]);
    expect(code).toBe(EXIT.failed);
  });
});

describe("the context", () => {
  it("names from dockerNames, else the naming rule; config defaults 127.0.0.1:4000; --config-dir in the fixes", () => {
    const ctx = context();
    expect(ctx.names).toEqual({ network: NAMES.network, db: NAMES.db, gateway: NAMES.gateway });
    expect([ctx.bindAddress, ctx.hostPort, ctx.baseUrl]).toEqual(["127.0.0.1", 4000, BASE]);
    const renamed = context({
      ...OUTPUTS,
      dockerNames: { value: { network: "n", db: "d", gateway: "g" }, secret: false },
    });
    expect(renamed.names).toEqual({ network: "n", db: "d", gateway: "g" });
    const bare = doctorContext({
      stack: "dev",
      configDir: "/tmp/cfg",
      outputs: {},
      config: { "litellm-stack:hostPort": { value: "4100", secret: false } },
      docker: fakeDocker,
      http: fakeHttp,
    });
    expect(bare.names).toEqual({ network: "litellm-net", db: "litellm-db", gateway: "litellm" });
    expect(bare.baseUrl).toBe("http://127.0.0.1:4100");
    expect(bare.stackArgs).toBe("--stack dev --config-dir /tmp/cfg");
    expect(bare.masterKey).toBeUndefined();
    expect(bare.dataSecrets).toBeUndefined();
  });

  it("with serverBaseUrl the HTTP checks ask the published address", () => {
    const ctx = context(
      { ...OUTPUTS, LITELLM_BASE_URL: { value: "http://litellm:4000", secret: false } },
      {
        "litellm-stack:serverBaseUrl": { value: "http://litellm:4000", secret: false },
        "litellm-stack:hostPort": { value: "4200", secret: false },
      },
    );
    expect(ctx.baseUrl).toBe("http://127.0.0.1:4200");
  });

  it("collects the secrets of secret outputs and secret config (credential values, adopted keys)", () => {
    const credential = "sk-openai-credential-0001";
    const adopted = "sk-adopted-virtual-key-01";
    const ctx = context(OUTPUTS, {
      "litellm-stack:credentials": {
        value: JSON.stringify([{ name: "c", provider: "openai", values: { api_key: credential } }]),
        secret: true,
      },
      "litellm-stack:keys": {
        value: JSON.stringify([{ alias: "k", adoptKey: adopted }]),
        secret: true,
      },
      "litellm-stack:saltKey": { value: SALT, secret: true },
    });
    for (const secret of [...ALL_SECRETS, credential, adopted]) {
      expect(ctx.secrets.has(secret), secret).toBe(true);
    }
    // Names and providers in the secret list are not secrets to mask.
    expect(ctx.secrets.has("openai")).toBe(false);
  });

  it("refuses a stack without a gateway, and a config that does not parse", () => {
    expect(() => context({ LLM_PROVIDER: { value: "openai", secret: false } })).toThrow(
      /runs no gateway \(llmProvider openai\)/,
    );
    expect(() =>
      context(OUTPUTS, { "litellm-stack:hostPort": { value: "http", secret: false } }),
    ).toThrow(
      /the stack's config does not parse \(litellm-stack:hostPort: must be a whole number\)/,
    );
  });
});
