/**
 * One run of LiteLLM's migrations: a one-shot container of the gateway image (`docker run --rm`
 * on the private network, DATABASE_URL through the docker client's env, never its arguments).
 * No Pulumi imports: the Migration provider (migration.ts) loads it by package name
 * (`litellm-stack/admin-impl`), and the tests call it directly.
 */
import { spawn, spawnSync } from "node:child_process";

/** Inputs of a migration run as the provider sees them. */
export interface MigrationInputs {
  /** The LiteLLM image whose migrations run. */
  image: string;
  /** The entrypoint of the migration container (`docker run --entrypoint`). */
  entrypoint: string;
  /** The arguments of the entrypoint that run the image's migrations and exit. */
  command: string[];
  /** The private network the database is on. */
  network: string;
  /** DATABASE_URL (secret): handed to `docker run` through its env, never its arguments. */
  databaseUrl: string;
  /** The database container's id: a new database is migrated again. */
  databaseId: string;
  /** Name of the one-shot container. */
  containerName: string;
  /** Labels of the one-shot container (`--label k=v`). */
  labels: string[];
  /** Seconds after which the run is stopped and fails. */
  timeoutSeconds: number;
}

/** Outputs: the inputs, and when and how long the run took. */
export interface MigrationOutputs extends MigrationInputs {
  /** When the migration finished (ISO 8601). */
  finishedAt: string;
  /** How long it took, in milliseconds. */
  durationMs: number;
}

/** Lines of the log a failure quotes. */
export const LOG_LINES = 30;

/**
 * Runs the migration of `inputs.image`; resolves with when it finished and how long it took, or
 * throws with the last {@link LOG_LINES} lines of its log (the database password masked).
 */
export async function runMigration(
  inputs: MigrationInputs,
): Promise<{ finishedAt: string; durationMs: number }> {
  const started = Date.now();
  // A container left by a crashed run would block the name.
  spawnSync("docker", ["rm", "-f", inputs.containerName], { stdio: "ignore" });
  const args = [
    "run",
    "--rm",
    "--name",
    inputs.containerName,
    "--network",
    inputs.network,
    "-e",
    "DATABASE_URL",
    ...inputs.labels.flatMap((l) => ["--label", l]),
    "--entrypoint",
    inputs.entrypoint,
    inputs.image,
    ...inputs.command,
  ];
  const result = await new Promise<{ code: number | null; log: string; timedOut: boolean }>(
    (resolve, reject) => {
      const child = spawn("docker", args, {
        env: { ...process.env, DATABASE_URL: inputs.databaseUrl },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      const collect = (chunk: Buffer): void => {
        log = (log + chunk.toString("utf8")).slice(-64 * 1024);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        spawnSync("docker", ["rm", "-f", inputs.containerName], { stdio: "ignore" });
      }, inputs.timeoutSeconds * 1000);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`could not run docker for the migration: ${err.message}`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, log, timedOut });
      });
    },
  );
  if (result.code !== 0 || result.timedOut) {
    const password = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(inputs.databaseUrl)?.[1];
    const lines = result.log
      .split("\n")
      .filter((l) => l.trim() !== "")
      .slice(-LOG_LINES)
      .map((l) => (password ? l.split(password).join("***") : l))
      .map((l) => `    ${l}`)
      .join("\n");
    const why = result.timedOut
      ? `did not finish within ${inputs.timeoutSeconds} s`
      : `exited with code ${result.code}`;
    throw new Error(
      `the database migration of ${inputs.image} ${why}; the running gateway was left untouched. Last ${LOG_LINES} lines of its log:\n${lines}\n` +
        `Fix the cause (database reachable? disk full? an image whose migrations are broken?), then run up again: the migration runs again before the gateway is replaced.`,
    );
  }
  return { finishedAt: new Date().toISOString(), durationMs: Date.now() - started };
}
