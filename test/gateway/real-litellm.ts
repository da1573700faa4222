/**
 * A throwaway real LiteLLM gateway for the contract suite: the local LiteLLM image built by
 * `npm run images` with the local Postgres on a private Docker network, the gateway published on
 * 127.0.0.1 at a free port. Every object carries the `litellm-stack.test` label, so a crashed run
 * is swept by scripts/e2e-cleanup.sh.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE } from "../../config";

const exec = promisify(execFile);

/** The local real LiteLLM image (images/litellm). */
export const LITELLM_IMAGE = LOCAL_GATEWAY_IMAGE;
/** The local Postgres image (images/postgres). */
export const POSTGRES_IMAGE = LOCAL_POSTGRES_IMAGE;

/** The gateway's database user and database (what its DATABASE_URL names). */
const DB_USER = "llmproxy";
const DB_NAME = "litellm";

/** A running gateway. */
export interface RealGateway {
  /** Base URL on the host, e.g. `http://127.0.0.1:32768`. */
  url: string;
  /** Its master key. */
  masterKey: string;
  /** Its UI password (user `admin`). */
  uiPassword: string;
  /** The gateway container's name. */
  container: string;
  /** Its Postgres container's name ({@link databaseSql} runs SQL in it). */
  db: string;
  /** Removes the containers and the network. */
  stop(): Promise<void>;
}

async function docker(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec("docker", [...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
  }
}

/** The last lines of a container's log (for a gateway that did not become ready). */
/**
 * One SQL statement in a gateway's database (`db`: {@link RealGateway.db}), as an operator with
 * psql would run it (for states the admin API cannot make); its rows, unaligned.
 */
export function databaseSql(db: string, sql: string): Promise<string> {
  return docker(["exec", db, "psql", "-U", DB_USER, "-d", DB_NAME, "-qtAc", sql]);
}

export async function logTail(container: string, lines = 40): Promise<string> {
  try {
    const { stdout, stderr } = await exec("docker", ["logs", "--tail", String(lines), container]);
    return `${stdout}${stderr}`;
  } catch {
    return "(no log)";
  }
}

/** Waits until `GET /health/readiness` answers 200 with a connected database. */
export async function waitReady(url: string, container: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // While the gateway boots, Docker's port proxy accepts connections that never answer; fetch
  // then waits on an unref'd timer alone and Node would exit: keep the event loop alive.
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    await pollReady(url, deadline);
  } finally {
    clearInterval(keepAlive);
  }
  if (Date.now() >= deadline) {
    throw new Error(
      `the LiteLLM gateway ${container} was not ready within ${timeoutMs / 1000} s; last lines of its log:\n${await logTail(container)}`,
    );
  }
}

async function pollReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/readiness`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { status?: string; db?: string };
      if (res.status === 200 && body.db === "connected") {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Starts Postgres and the real LiteLLM; resolves once the gateway is ready. */
export async function startRealGateway(
  options: {
    label?: string;
    timeoutMs?: number;
    env?: Record<string, string>;
    /** Port LiteLLM listens on in the container (sets PORT when not 4000). @default 4000 */
    containerPort?: number;
  } = {},
): Promise<RealGateway> {
  const id = randomBytes(3).toString("hex");
  const label = `litellm-stack.test=${options.label ?? "contract"}`;
  const net = `litellm-test-${id}`;
  const db = `litellm-test-db-${id}`;
  const gw = `litellm-test-gw-${id}`;
  const dbPassword = randomBytes(12).toString("hex");
  const masterKey = `sk-${randomBytes(24).toString("hex")}`;
  const uiPassword = randomBytes(12).toString("hex");
  const stop = async (): Promise<void> => {
    await exec("docker", ["rm", "-fv", gw, db]).catch(() => undefined);
    await exec("docker", ["network", "rm", net]).catch(() => undefined);
  };
  try {
    await docker(["network", "create", "--label", label, net]);
    await docker([
      "run", "-d", "--name", db, "--label", label, "--network", net, "--network-alias", "litellm-db",
      "-e", `POSTGRES_USER=${DB_USER}`, "-e", `POSTGRES_PASSWORD=${dbPassword}`, "-e", `POSTGRES_DB=${DB_NAME}`,
      POSTGRES_IMAGE,
    ]); // prettier-ignore
    for (let i = 0; ; i++) {
      const ok = await exec("docker", ["exec", db, "pg_isready", "-h", "127.0.0.1", "-U", DB_USER])
        .then(() => true)
        .catch(() => false);
      if (ok) {
        break;
      }
      if (i > 60) {
        throw new Error(`Postgres ${db} did not become ready: ${await logTail(db)}`);
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const containerPort = options.containerPort ?? 4000;
    const env = {
      ...(containerPort === 4000 ? {} : { PORT: String(containerPort) }),
      ...options.env,
    };
    const extraEnv = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    await docker([
      "run", "-d", "--name", gw, "--label", label, "--network", net, "-p", `127.0.0.1::${containerPort}`,
      "-e", `DATABASE_URL=postgresql://${DB_USER}:${dbPassword}@litellm-db:5432/${DB_NAME}`,
      "-e", `LITELLM_MASTER_KEY=${masterKey}`, "-e", `LITELLM_SALT_KEY=${randomBytes(16).toString("hex")}`,
      "-e", "STORE_MODEL_IN_DB=True", "-e", "UI_USERNAME=admin", "-e", `UI_PASSWORD=${uiPassword}`,
      ...extraEnv,
      LITELLM_IMAGE,
    ]); // prettier-ignore
    const port = (await docker(["port", gw, `${containerPort}/tcp`]))
      .split("\n")[0]
      ?.split(":")
      .pop();
    const url = `http://127.0.0.1:${port ?? ""}`;
    await waitReady(url, gw, options.timeoutMs ?? 300_000);
    return { url, masterKey, uiPassword, container: gw, db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
