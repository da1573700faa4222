/** `npm run stop` / `npm run start`: the stack's containers, without Pulumi or its state. */
import type { Command } from "../command";
import { containersOf, docker, stackContainers, waitHealthy } from "../docker";
import { CliError, EXIT, log } from "../report";

/** Seconds to wait for the database to be healthy after a start. */
const DB_START_TIMEOUT = 180;

async function dockerOk(args: string[]): Promise<void> {
  const result = await docker(args);
  if (result.code !== 0) {
    throw new CliError(`docker ${args.join(" ")} failed: ${result.stderr.trim()}`);
  }
}

/**
 * Starts the stack's stopped containers, the database first (healthy), then the gateway: what
 * `up` does before its refresh, so that the refresh can read the gateway's contents (a stopped
 * gateway cannot say what changed in it). Containers that run, or are gone, are left alone.
 * Returns the names it started.
 */
export async function startStopped(stack: string, gatewayTimeout: number): Promise<string[]> {
  const containers = await stackContainers(stack);
  const started: string[] = [];
  for (const [role, wait] of [
    ["db", DB_START_TIMEOUT],
    ["gateway", gatewayTimeout],
  ] as const) {
    const c = containers.find((x) => x.role === role);
    if (c === undefined || c.running) {
      continue;
    }
    await dockerOk(["start", c.id]);
    await waitHealthy(c, wait).catch((err: Error) => {
      throw new CliError(err.message);
    });
    log(`started ${c.name} (healthy), which was stopped`);
    started.push(c.name);
  }
  return started;
}

/** `npm run stop`. */
export const stop: Command = {
  name: "stop",
  summary: "Stops the stack's gateway, then its database; state, config and data are untouched.",
  details: `
The containers keep their data, keys and configuration; npm run start brings them back with
every credential, model alias and virtual key as they were. While stopped, npm run preview and
npm run drift show the containers as drift (the gateway's contents cannot be read then, so they
are not compared), and npm run up starts them before its refresh. A down that keeps the data
fails while the gateway is stopped, saying so (docs/commands.md, "When the gateway is down").`,
  flags: {},
  async run(target) {
    const { db, gateway } = await containersOf(target.stack);
    for (const container of [gateway, db]) {
      await dockerOk(["stop", container.id]);
      log(`stopped ${container.name}`);
    }
    return EXIT.ok;
  },
};

/** `npm run start`. */
export const start: Command = {
  name: "start",
  summary: "Starts the stack's database, waits until it is healthy, then the gateway, likewise.",
  details: `
The reverse of npm run stop: no Pulumi run, the state is untouched.`,
  flags: {
    timeout: {
      type: "string",
      value: "SECONDS",
      help: "how long to wait for the gateway to become healthy (default 600)",
    },
  },
  async run(target, flags) {
    const raw = flags["timeout"];
    const timeout = typeof raw === "string" ? Number(raw) : 600;
    if (!Number.isInteger(timeout) || timeout < 1) {
      throw new CliError(
        `--timeout: must be a whole number of seconds (got ${String(raw)})`,
        EXIT.usage,
      );
    }
    const { db, gateway } = await containersOf(target.stack);
    for (const [container, wait] of [
      [db, DB_START_TIMEOUT],
      [gateway, timeout],
    ] as const) {
      await dockerOk(["start", container.id]);
      await waitHealthy(container, wait).catch((err: Error) => {
        throw new CliError(err.message);
      });
      log(`started ${container.name} (healthy)`);
    }
    return EXIT.ok;
  },
};
