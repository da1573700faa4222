import * as pulumi from "@pulumi/pulumi";
import { stackLabels } from "./naming";

/** Inputs of a migration run as the provider sees them. */
interface MigrationInputs {
  /** The LiteLLM image whose migrations run. */
  image: string;
  /** The command that runs the image's migrations and exits (after the image's entrypoint). */
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
interface MigrationOutputs extends MigrationInputs {
  /** When the migration finished (ISO 8601). */
  finishedAt: string;
  /** How long it took, in milliseconds. */
  durationMs: number;
}

/**
 * The arguments that make LiteLLM's CLI (the entrypoint of the upstream and the local image) run
 * the database setup, `prisma migrate deploy` included, and exit instead of serving. It exits 0
 * on success and non-zero when the database is unreachable or a migration fails.
 */
export const MIGRATE_COMMAND: readonly string[] = ["--skip_server_startup"];

/** Lines of the log a failure quotes. */
const LOG_LINES = 30;

/**
 * Runs LiteLLM's migrations once, in a one-shot container of the gateway image (`docker run --rm`
 * on the private network), and fails with the last lines of its log when they fail. A change of
 * the image (an upgrade) or of the database replaces the resource: the migration runs again,
 * before the gateway that depends on it is replaced. Delete does nothing: migrations are
 * forward-only (docs/upgrade.md).
 */
const migrationProvider: pulumi.dynamic.ResourceProvider<MigrationInputs, MigrationOutputs> = {
  async diff(_id, olds, news) {
    const replaces = (["image", "databaseId", "command"] as const).filter(
      (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
    );
    const changes =
      replaces.length > 0 ||
      (["network", "databaseUrl", "containerName", "labels", "timeoutSeconds"] as const).some(
        (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
      );
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs) {
    // Required here: the provider is serialized into the state, and this keeps it small.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- serialized: no imports
    const { spawn, spawnSync } = require("child_process") as typeof import("child_process");
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
    const finishedAt = new Date().toISOString();
    return {
      id: `${inputs.containerName}-${started}`,
      outs: { ...inputs, finishedAt, durationMs: Date.now() - started },
    };
  },
  async update(_id, olds, news) {
    // Only settings that need no new run changed (see diff).
    return { outs: { ...news, finishedAt: olds.finishedAt, durationMs: olds.durationMs } };
  },
  async delete() {
    // Forward-only: there is nothing to undo.
  },
};

/** Arguments of {@link Migration}. */
export interface MigrationArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** The LiteLLM image whose migrations run (the gateway's image). */
  image: pulumi.Input<string>;
  /** The command that runs only the migrations and exits, given to the image's entrypoint. */
  command: readonly string[];
  /** The private network, by name. */
  network: pulumi.Input<string>;
  /** DATABASE_URL on the private network (secret). */
  databaseUrl: pulumi.Input<string>;
  /** Id of the database container: a new database is migrated again. */
  databaseId: pulumi.Input<string>;
  /** Name of the one-shot container (e.g. `litellm-migrate`). */
  containerName: string;
  /** Seconds the migration may take. @default 600 */
  timeoutSeconds?: number;
}

/** LiteLLM's database migrations as a step of their own (see the provider's comment). */
export class Migration extends pulumi.dynamic.Resource {
  /** When the last migration run finished. */
  declare public readonly finishedAt: pulumi.Output<string>;
  /** How long it took, in milliseconds. */
  declare public readonly durationMs: pulumi.Output<number>;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      migrationProvider,
      name,
      {
        image: args.image,
        command: [...args.command],
        network: args.network,
        databaseUrl: pulumi.secret(args.databaseUrl),
        databaseId: args.databaseId,
        containerName: args.containerName,
        labels: stackLabels(args.stack, "migrate").map((l) => `${l.label}=${l.value}`),
        timeoutSeconds: args.timeoutSeconds ?? 600,
        finishedAt: undefined,
        durationMs: undefined,
      },
      { ...opts, additionalSecretOutputs: ["databaseUrl"] },
      "litellm",
      "Migration",
    );
  }
}

/** The provider, exported for direct tests. */
export const migrationProviderForTests = migrationProvider;
