import * as pulumi from "@pulumi/pulumi";
import { loadAdminImpl } from "./admin/providers";
import type { MigrationInputs, MigrationOutputs } from "./migration-run";
import { stackLabelArgs } from "./naming";

/**
 * The program that runs LiteLLM's migration job and exits: litellm-proxy-extras'
 * `ProxyExtrasDBManager.run_migration_job` (`prisma migrate deploy` with LiteLLM's recovery of
 * failed migrations, then the request-log indexes, built before it returns), which is what
 * `litellm --skip_server_startup` runs before it imports the whole proxy server only to exit
 * (measured on a new database: 36.0 s against 42.7 s). An image whose litellm-proxy-extras has
 * no `run_migration_job` runs `litellm --skip_server_startup` instead. Exit 0 on success,
 * non-zero when the database is unreachable or a migration fails.
 */
export const MIGRATE_SCRIPT = [
  "import os, sys",
  "try:",
  "    from litellm_proxy_extras.utils import ProxyExtrasDBManager as db",
  "    job = db.run_migration_job",
  "except (ImportError, AttributeError):",
  '    os.execvp("litellm", ["litellm", "--skip_server_startup"])',
  "sys.exit(0 if job(use_migrate=True, use_v2_resolver=True) else 1)",
].join("\n");

/** The migration container's entrypoint (instead of the image's `litellm`) and arguments. */
export const MIGRATE_ENTRYPOINT = "python3";
export const MIGRATE_COMMAND: readonly string[] = ["-c", MIGRATE_SCRIPT];

/**
 * Runs LiteLLM's migrations once, in a one-shot container of the gateway image (`docker run --rm`
 * on the private network), and fails with the last lines of its log when they fail. A change of
 * the image (an upgrade) or of the database replaces the resource: the migration runs again,
 * before the gateway that depends on it is replaced. Delete does nothing: migrations are
 * forward-only (docs/upgrade.md).
 */
const migrationProvider: pulumi.dynamic.ResourceProvider<MigrationInputs, MigrationOutputs> = {
  async diff(_id, olds, news) {
    const replaces = (["image", "databaseId", "entrypoint", "command"] as const).filter(
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
  /** The migration container's entrypoint (e.g. {@link MIGRATE_ENTRYPOINT}). */
  entrypoint: string;
  /** The arguments of `entrypoint` that run only the migrations and exit. */
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
        entrypoint: args.entrypoint,
        command: [...args.command],
        network: args.network,
        databaseUrl: pulumi.secret(args.databaseUrl),
        databaseId: args.databaseId,
        containerName: args.containerName,
        labels: stackLabelArgs(args.stack, "migrate"),
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
