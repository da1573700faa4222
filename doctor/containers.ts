/**
 * The Docker helpers the checks share: `docker container inspect` (its env's secrets join the
 * context's), whether a container is there, running and healthy (with the fix when not), its
 * published ports in words, and SQL in the database container.
 */
import { DB_NAME, DB_USER } from "../components/database";
import { npm, type Check, type CheckResult } from "./check";
import type { DockerResult, DoctorContext } from "./context";
import { firstLine } from "./report";

/** One published port as Docker reports it. */
interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** The part of `docker container inspect` the checks read. */
export interface InspectedContainer {
  /** `/name`. */
  Name: string;
  Config: { Image: string; Env: string[] | null };
  State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } | null };
  HostConfig: { PortBindings: Record<string, PortBinding[] | null> | null };
  NetworkSettings: { Ports: Record<string, PortBinding[] | null> | null };
}

/** Env variables of the stack's containers whose values are secrets. */
const SECRET_ENV = [
  "LITELLM_MASTER_KEY",
  "LITELLM_SALT_KEY",
  "UI_PASSWORD",
  "REDIS_PASSWORD",
  "POSTGRES_PASSWORD",
];

/** The container's env as a map. */
export function envOf(c: InspectedContainer): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of c.Config.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) {
      env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return env;
}

/** The password in a DATABASE_URL, decoded, if it has one. */
export function urlPassword(url: string | undefined): string | undefined {
  try {
    const password = url === undefined ? "" : new URL(url).password;
    return password === "" ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/**
 * `docker container inspect <name>`, or undefined when there is no such container; the secrets
 * in its env join the context's. Throws naming the command on any other failure.
 */
export async function inspectContainer(
  ctx: DoctorContext,
  name: string,
): Promise<InspectedContainer | undefined> {
  const result = await ctx.docker(["container", "inspect", name]);
  if (result.code !== 0) {
    if (/no such (container|object)/i.test(result.stderr)) {
      return undefined;
    }
    throw new Error(
      `docker container inspect ${name} failed: ${firstLine(result.stderr) || `exit code ${result.code}`}`,
    );
  }
  const [c] = JSON.parse(result.stdout) as InspectedContainer[];
  if (c === undefined) {
    return undefined;
  }
  const env = envOf(c);
  for (const key of SECRET_ENV) {
    const v = env.get(key);
    if (v !== undefined && v !== "") {
      ctx.secrets.add(v);
    }
  }
  const password = urlPassword(env.get("DATABASE_URL"));
  if (password !== undefined) {
    ctx.secrets.add(password);
  }
  return c;
}

/** Which of the stack's containers a text names (`the <role> container <name>`). */
export type ContainerRole = "database" | "gateway";

/** A container a check can go on with, or the check's result when it cannot. */
export type Found = { container: InspectedContainer } | { failed: CheckResult };

/**
 * The container when it exists (running or not); otherwise `the <role> container <name> does not
 * exist` with the fix `npm run up`.
 */
export async function existingContainer(
  ctx: DoctorContext,
  role: ContainerRole,
  name: string,
): Promise<Found> {
  const c = await inspectContainer(ctx, name);
  if (c === undefined) {
    return {
      failed: {
        ok: false,
        problem: `the ${role} container ${name} does not exist`,
        fix: npm(ctx, "up"),
      },
    };
  }
  return { container: c };
}

/**
 * The container when it runs healthy; otherwise why it is not usable (missing, stopped, its
 * healthcheck not passed) with the fix. `role` names it in the text.
 */
export async function healthyContainer(
  ctx: DoctorContext,
  role: ContainerRole,
  name: string,
): Promise<Found> {
  const found = await existingContainer(ctx, role, name);
  if ("failed" in found) {
    return found;
  }
  const failed = stateProblem(ctx, role, name, found.container);
  return failed === undefined ? found : { failed };
}

/**
 * The container when it runs (healthy or not); otherwise `<cannot>: the <role> container <name>
 * does not exist` (fix: up) or `… is not running` (fix: start, its log under the line).
 */
export async function runningContainer(
  ctx: DoctorContext,
  role: ContainerRole,
  name: string,
  cannot: string,
): Promise<Found> {
  const c = await inspectContainer(ctx, name);
  if (c !== undefined && c.State.Running) {
    return { container: c };
  }
  return {
    failed: {
      ok: false,
      problem: `${cannot}: the ${role} container ${name} ${c === undefined ? "does not exist" : "is not running"}`,
      fix: npm(ctx, c === undefined ? "up" : "start"),
      ...(c === undefined ? {} : { logsOf: name }),
    },
  };
}

/** Why a container that exists is not usable (stopped, its healthcheck not passed), or undefined. */
function stateProblem(
  ctx: DoctorContext,
  role: ContainerRole,
  name: string,
  c: InspectedContainer,
): CheckResult | undefined {
  const what = `the ${role} container ${name}`;
  if (!c.State.Running) {
    return {
      ok: false,
      problem: `${what} is not running (${c.State.Status}, exit code ${c.State.ExitCode})`,
      fix: npm(ctx, "start"),
      logsOf: name,
    };
  }
  const health = c.State.Health?.Status;
  if (health === undefined) {
    return {
      ok: false,
      problem: `${what} has no healthcheck (it was not created by this stack)`,
      fix: `${npm(ctx, "up")} (recreates it)`,
      logsOf: name,
    };
  }
  if (health === "starting") {
    return {
      ok: false,
      problem: `${what} is running but its healthcheck has not passed yet (starting)`,
      fix: `wait until it is healthy, then ${npm(ctx, "doctor")} again (its log below shows what it is doing)`,
      logsOf: name,
    };
  }
  if (health !== "healthy") {
    return {
      ok: false,
      problem: `${what} is running but ${health} (its healthcheck fails)`,
      fix: `read its log below; docker restart ${name}, or ${npm(ctx, "up")} to recreate it`,
      logsOf: name,
    };
  }
  return undefined;
}

/** `127.0.0.1:4000`, `[::1]:4000`; Docker's "" address is every address. */
export function hostPort(ip: string, port: string | number): string {
  const host = ip === "" ? "0.0.0.0" : ip;
  return `${host.includes(":") ? `[${host}]` : host}:${port === "" ? "?" : port}`;
}

/** A published port: container port (`4000/tcp`), host address and host port. */
export interface Published {
  /** The container port and protocol, `4000/tcp`. */
  containerPort: string;
  /** The host address ("" is every address). */
  ip: string;
  /** The host port. */
  port: string;
}

/** The published ports of a `PortBindings` or `Ports` map of an inspected container. */
export function publishedPorts(map: Record<string, PortBinding[] | null> | null): Published[] {
  return Object.entries(map ?? {}).flatMap(([containerPort, bindings]) =>
    (bindings ?? []).map((b) => ({ containerPort, ip: b.HostIp, port: b.HostPort })),
  );
}

/** Published ports in words, each once: `127.0.0.1:4000 (4000/tcp), …`. */
export const describePorts = (ports: readonly Published[]): string =>
  [...new Set(ports.map((p) => `${hostPort(p.ip, p.port)} (${p.containerPort})`))].join(", ");

/** Runs SQL in the database container as `litellm` (over the socket, trusted). */
export const psql = (ctx: DoctorContext, sql: string): Promise<DockerResult> =>
  ctx.docker(["exec", ctx.names.db, "psql", "-U", DB_USER, "-d", DB_NAME, "-tAc", sql]);

/** What a {@link containerCheck} needs of its container before it looks further. */
export type ContainerNeed = "exists" | "healthy";

/**
 * A check of one of the stack's containers: it finds the container (`the <role> container <name>
 * does not exist`, fix up; with `need: "healthy"` also stopped or unhealthy, each with its fix),
 * then `inspect` looks at it. The one place where a check's "find the container, else fail" is
 * written.
 */
export function containerCheck(spec: {
  /** The check's name in the output. */
  name: string;
  /** Which of the stack's containers, as the text names it. */
  role: ContainerRole;
  /** `exists`: stopped is fine; `healthy`: running with a passed healthcheck. */
  need: ContainerNeed;
  /** The check's look at the container it found; `name` is the container's name. */
  inspect(
    ctx: DoctorContext,
    c: InspectedContainer,
    name: string,
  ): Promise<CheckResult> | CheckResult;
}): Check {
  return {
    name: spec.name,
    async run(ctx) {
      const name = spec.role === "database" ? ctx.names.db : ctx.names.gateway;
      const found = await (spec.need === "healthy" ? healthyContainer : existingContainer)(
        ctx,
        spec.role,
        name,
      );
      return "failed" in found ? found.failed : spec.inspect(ctx, found.container, name);
    },
  };
}
