import * as pulumi from "@pulumi/pulumi";
import { loadAdminImpl } from "./admin/providers";
import type { MigrationInputs, MigrationOutputs } from "./migration-run";
import { stackLabels } from "./naming";

/**
 * The arguments that make LiteLLM's CLI (the entrypoint of the upstream and the local image) run
 * the database setup, `prisma migrate deploy` included, and exit instead of serving. It exits 0
 * on success and non-zero when the database is unreachable or a migration fails.
 */
export const MIGRATE_COMMAND: readonly string[] = ["--skip_server_startup"];

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
    // The run itself lives in the package's implementation (migration-run.ts), loaded by name:
    // the serialized provider stays small and holds no code that spawns processes.
    const run = await loadAdminImpl().runMigration(inputs);
    return {
      id: `${inputs.containerName}-${Date.parse(run.finishedAt)}`,
      outs: { ...inputs, ...run },
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
