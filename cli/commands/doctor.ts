/** `npm run doctor`: works through the troubleshooting list on a deployed stack (doctor/run.ts). */
import { execFile } from "node:child_process";
import type { Command } from "../command";
import { refuseOnKubernetes } from "../kubernetes";
import { openStack } from "../workspace";
import { doctorContext, type DockerRunner, type HttpGet } from "../../doctor/context";
import { CHECKS, runDoctor } from "../../doctor/run";

/** How long an HTTP check waits for an answer. */
const HTTP_TIMEOUT_MS = 10_000;

/** How long a docker command may take unless its check says otherwise. */
const DOCKER_TIMEOUT_MS = 60_000;

/**
 * The docker CLI (it honours DOCKER_HOST and the docker context): `env` is added to its
 * environment, so `docker exec -e NAME` passes a secret without a command line showing it.
 */
export const runDocker: DockerRunner = (args, options = {}) =>
  new Promise((resolve) => {
    const child = execFile(
      "docker",
      args,
      {
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? DOCKER_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const code =
          typeof error.code === "number" ? error.code : error.code === "ENOENT" ? 127 : 1;
        const why =
          error.code === "ENOENT"
            ? "docker: command not found (install the Docker CLI)"
            : error.killed
              ? `docker ${args[0] ?? ""} did not finish within ${Math.round((options.timeoutMs ?? DOCKER_TIMEOUT_MS) / 1000)} s`
              : "";
        resolve({ code, stdout, stderr: stderr === "" ? why : stderr });
      },
    );
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });

/** Why a fetch got no answer, in words (`connection refused (ECONNREFUSED)`). */
function fetchFailure(err: unknown, aborted: boolean): string {
  if (aborted) {
    return `no answer within ${HTTP_TIMEOUT_MS / 1000} s`;
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EHOSTUNREACH: "host unreachable",
    UND_ERR_SOCKET: "connection closed",
  };
  if (code !== undefined) {
    return `${words[code] ?? "failed"} (${code})`;
  }
  return typeof cause?.message === "string"
    ? cause.message
    : err instanceof Error
      ? err.message
      : String(err);
}

/**
 * GET with a 10 s timeout. The timer is a normal (ref'd) one: a port that accepts and never
 * answers must not leave Node with nothing to wait on (it would exit mid-run).
 */
export const httpGet: HttpGet = async (url, headers = {}) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), HTTP_TIMEOUT_MS);
  try {
    const res = await fetch(url, { headers, signal: controller.signal });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    throw new Error(fetchFailure(err, controller.signal.aborted));
  } finally {
    clearTimeout(timer);
  }
};

/** `npm run doctor`. */
export const doctor: Command = {
  name: "doctor",
  summary:
    "Works through the troubleshooting list on a stack: one PASS or FAIL line per check, each FAIL with its fix.",
  details: `
Checks, in this order (reading only: nothing is changed, no secret is printed):
  docker        the Docker engine answers (if not, every later check prints SKIP)
  network       the stack's network exists
  database      the database container exists, runs, is healthy and publishes no host port
  gateway       the gateway container exists, runs, is healthy and is published exactly on
                the configured bindAddress:hostPort (default 127.0.0.1:4000)
  readiness     GET <LITELLM_BASE_URL>/health/readiness answers 200 with db "connected"
  database-url  the gateway's DATABASE_URL points at litellm@litellm-db:5432/litellm and Postgres
                accepts its password (also compared with the output dataSecrets.databasePassword)
  master-key    the output LITELLM_MASTER_KEY administers the gateway (GET /key/list: 200)
  salt-key      the gateway's LITELLM_SALT_KEY decrypts every stored credential value (LiteLLM's
                own helper, in the gateway container; also compared with dataSecrets.saltKey)
  version       the gateway's LiteLLM version is allowed by the version policy
Each line is "PASS <check>" or "FAIL <check>: <what is wrong>. Fix: <what to do>" ("SKIP" when
Docker does not answer). A failed container check prints that container's last 20 log lines
under its line, indented, secrets masked as [secret].
Exit codes: 0 every check passed, 1 a check failed (or the stack does not exist), 2 bad command
line.`,
  flags: {},
  async run(target) {
    const stack = await openStack(target, { create: false });
    await refuseOnKubernetes(stack, "doctor");
    const outputs = await stack.outputs();
    const config = await stack.getAllConfig();
    const ctx = doctorContext({
      stack: stack.name,
      configDir: target.configDir,
      outputs,
      config,
      docker: runDocker,
      http: httpGet,
    });
    return runDoctor(ctx, (line) => process.stdout.write(`${line}\n`), CHECKS);
  },
};
