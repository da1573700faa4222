/**
 * The few Docker operations the stack commands need, through the `docker` CLI (it honours the
 * user's Docker context and DOCKER_HOST); every result is parsed from `--format`/`inspect` JSON.
 */
import { docker } from "../components/docker-cli";
import type { Role } from "../components/naming";
import { CliError } from "./report";

export { docker, type DockerResult } from "../components/docker-cli";

/** Whether the image is on the engine. */
export async function imageExists(image: string): Promise<boolean> {
  return (await docker(["image", "inspect", image])).code === 0;
}

/** Pulls the image quietly; true when it worked. */
export async function pullImage(image: string, timeoutMs = 600_000): Promise<boolean> {
  return (await docker(["pull", "-q", image], { timeoutMs })).code === 0;
}

/** One of a stack's containers, as the engine reports it. */
export interface StackContainer {
  /** Container id. */
  id: string;
  /** Container name (without the leading `/`). */
  name: string;
  /** Its `litellm-stack.role` label. */
  role: Role | string;
  /** Whether it runs. */
  running: boolean;
  /** Healthcheck status (`healthy`, `starting`, `unhealthy`), or undefined without a healthcheck. */
  health: string | undefined;
}

interface Inspected {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> | null };
  State: { Running: boolean; Health?: { Status: string } };
}

const toContainer = (c: Inspected): StackContainer => ({
  id: c.Id,
  name: c.Name.replace(/^\//, ""),
  role: c.Config.Labels?.["litellm-stack.role"] ?? "",
  running: c.State.Running,
  health: c.State.Health?.Status,
});

/** The containers labelled `litellm-stack.stack=<stack>`, running or not. */
export async function stackContainers(stack: string): Promise<StackContainer[]> {
  const ps = await docker(["ps", "-aq", "--filter", `label=litellm-stack.stack=${stack}`]);
  if (ps.code !== 0) {
    throw new Error(`docker ps failed: ${ps.stderr.trim()}`);
  }
  const ids = ps.stdout.split("\n").filter((id) => id !== "");
  if (ids.length === 0) {
    return [];
  }
  const inspected = await docker(["inspect", ...ids]);
  if (inspected.code !== 0) {
    throw new Error(`docker inspect failed: ${inspected.stderr.trim()}`);
  }
  return (JSON.parse(inspected.stdout) as Inspected[]).map(toContainer);
}

/** The container's current state, or undefined when it is gone. */
export async function containerState(id: string): Promise<StackContainer | undefined> {
  const inspected = await docker(["inspect", id]);
  if (inspected.code !== 0) {
    return undefined;
  }
  const [c] = JSON.parse(inspected.stdout) as Inspected[];
  return c === undefined ? undefined : toContainer(c);
}

/** Waits until the container is healthy; throws naming it after `timeoutSeconds`. */
export async function waitHealthy(
  container: StackContainer,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const state = await containerState(container.id);
    if (state?.health === "healthy" || (state?.running === true && state.health === undefined)) {
      return;
    }
    if (state === undefined || !state.running || Date.now() > deadline) {
      throw new Error(
        `${container.name} did not become healthy within ${timeoutSeconds} s (state: ${state === undefined ? "gone" : state.running ? state.health : "stopped"})`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The last `lines` lines of the container's log (stdout and stderr together). */
export async function logTail(id: string, lines: number): Promise<string> {
  const result = await docker(["logs", "--tail", String(lines), id]);
  return `${result.stdout}${result.stderr}`;
}

/** The stack has no container of a role on this Docker engine (gone, never created, or Kubernetes). */
export class NoContainerError extends CliError {}

/** The stack's database and gateway containers; an error naming the fix when there are none. */
export async function containersOf(
  stack: string,
): Promise<{ db: StackContainer; gateway: StackContainer }> {
  const containers = await stackContainers(stack);
  const db = containers.find((c) => c.role === "db");
  const gateway = containers.find((c) => c.role === "gateway");
  if (db === undefined || gateway === undefined) {
    throw new NoContainerError(
      `stack '${stack}' has no ${db === undefined ? "database" : "gateway"} container on this Docker engine (label litellm-stack.stack=${stack}). Fix: npm run up -- --stack ${stack}`,
    );
  }
  return { db, gateway };
}
