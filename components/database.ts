import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DB_HOST, stackLabels } from "./naming";

/** Postgres user and database the gateway uses. */
export const DB_USER = "litellm";
/** Postgres database name. */
export const DB_NAME = "litellm";
/** Data directory of the official Postgres image. */
export const PGDATA = "/var/lib/postgresql/data";

/** The database container's healthcheck: Postgres accepts connections to its database. */
export const DB_HEALTHCHECK = {
  tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", DB_USER, "-d", DB_NAME],
  interval: "5s",
  timeout: "5s",
  retries: 12,
  startPeriod: "10s",
} as const;

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** Container name (dev: `litellm-db`). */
  containerName: string;
  /** Name of the data volume to create, or of the existing volume to adopt. */
  volumeName: string;
  /** Adopt an existing volume (not created, never deleted, labels unchanged) instead of creating one. @default false */
  adoptVolume?: boolean;
  /** Let `pulumi destroy` delete the data volume. @default false: the volume survives destroy. */
  deleteDataOnDestroy?: boolean;
  /** Password of an existing database to keep (secret). @default generated */
  password?: pulumi.Input<string> | undefined;
  /** Postgres image reference (honours the official image's POSTGRES_* contract). */
  image: string;
  /** Private network to attach to, by name. */
  network: pulumi.Input<string>;
}

/**
 * The `litellm-db` Postgres container: no published ports at all, a generated password, data on a
 * named volume, a pg_isready healthcheck, restart `unless-stopped`, created healthy (`wait`).
 */
export class Database extends pulumi.ComponentResource {
  /** Container name. */
  public readonly containerName: pulumi.Output<string>;
  /** Container id: a new one means a new database server (the migration runs again). */
  public readonly containerId: pulumi.Output<string>;
  /** Data volume name. */
  public readonly volumeName: pulumi.Output<string>;
  /** The data volume this component created; undefined when it adopted one (`adoptVolume`). */
  public readonly volume: docker.Volume | undefined;
  /** Generated database password (secret). */
  public readonly password: pulumi.Output<string>;
  /** DATABASE_URL for clients on the private network (secret). */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:database:Postgres", name, {}, opts);
    // RandomPassword marks `result` secret; say so here too, so no refactor can lose it.
    const secretPassword = pulumi.secret(
      args.password ??
        new random.RandomPassword(
          `${name}-password`,
          { length: 32, special: false },
          { parent: this },
        ).result,
    );
    const volume = args.adoptVolume
      ? undefined
      : new docker.Volume(
          `${name}-data`,
          { name: args.volumeName, labels: stackLabels(args.stack, "data") },
          { parent: this, retainOnDelete: !(args.deleteDataOnDestroy ?? false) },
        );
    const volumeName = volume?.name ?? pulumi.output(args.volumeName);
    const container = new docker.Container(
      `${name}-container`,
      {
        name: args.containerName,
        image: args.image,
        envs: [
          `POSTGRES_USER=${DB_USER}`,
          `POSTGRES_DB=${DB_NAME}`,
          pulumi.interpolate`POSTGRES_PASSWORD=${secretPassword}`,
        ],
        networksAdvanced: [{ name: args.network, aliases: [DB_HOST] }],
        volumes: [{ volumeName, containerPath: PGDATA }],
        healthcheck: { ...DB_HEALTHCHECK, tests: [...DB_HEALTHCHECK.tests] },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 180,
        labels: stackLabels(args.stack, "db"),
      },
      { parent: this },
    );
    this.containerName = container.name;
    this.containerId = container.id;
    this.volumeName = volumeName;
    this.volume = volume;
    this.password = secretPassword;
    this.url = pulumi.secret(
      pulumi.interpolate`postgresql://${DB_USER}:${secretPassword}@${DB_HOST}:5432/${DB_NAME}`,
    );
    this.registerOutputs({
      containerName: this.containerName,
      volumeName: this.volumeName,
      password: this.password,
      url: this.url,
    });
  }
}
