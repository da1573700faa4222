import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stackLabels } from "./naming";

/** Host name of Redis on the private network (every stack has its own network). */
export const REDIS_HOST = "litellm-redis";
/** Port Redis listens on inside the private network (never published on the host). */
export const REDIS_PORT = 6379;
/** Local image built by `npm run images redis` from `images/redis/`. */
export const REDIS_IMAGE = "litellm-stack/redis:7-local";
/** Where the component uploads the server's config file (the image's `/etc/redis` is redis-owned). */
export const REDIS_CONFIG_PATH = "/etc/redis/litellm-stack.conf";
/** Data directory (the image's WORKDIR and VOLUME). */
export const REDIS_DATA = "/data";

/** Arguments of {@link Redis}. */
export interface RedisArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** Container name (dev: `litellm-redis`). */
  containerName: string;
  /** Name of the data volume to create, mounted at `/data`. */
  volumeName: string;
  /** Redis image reference (runs `redis-server <config file>` as user `redis`). @default "litellm-stack/redis:7-local" */
  image?: string | undefined;
  /** Private network to attach to, by name. */
  network: pulumi.Input<string>;
  /**
   * Password clients authenticate with (secret). **Note:** written unquoted to the config file, so
   * it must be non-empty and hold no whitespace or quote characters. @default generated
   */
  password?: pulumi.Input<string> | undefined;
}

/**
 * Checks a password can be written as `requirepass <password>`. The message never echoes the value.
 */
export function validateRedisPassword(password: string): void {
  if (!/^[^\s"']+$/.test(password)) {
    throw new Error(
      "The Redis `password` must be non-empty and contain no whitespace or quote characters (it is written unquoted to the config file as `requirepass`).",
    );
  }
}

/** The server's config file for `password`. */
export function buildRedisConfig(password: string): string {
  validateRedisPassword(password);
  return [
    "bind 0.0.0.0",
    `port ${REDIS_PORT}`,
    "protected-mode yes",
    `requirepass ${password}`,
    `dir ${REDIS_DATA}`,
    // Rate-limit counters and spend windows survive a restart (an empty store would let every
    // key start its window over); losing up to a second of writes on a crash is acceptable.
    "appendonly yes",
    "appendfsync everysec",
    // The AOF is the only persistence; RDB snapshots would just fork and write the same data.
    'save ""',
    "",
  ].join("\n");
}

/**
 * The `litellm-redis` container LiteLLM workers share rate limits and router state through: no
 * published ports at all, a generated password in an uploaded config file (never on a command
 * line), data on a named volume, a redis-cli healthcheck, restart `unless-stopped`, created
 * healthy (`wait`).
 */
export class Redis extends pulumi.ComponentResource {
  /** Container name. */
  public readonly containerName: pulumi.Output<string>;
  /** Host name on the private network. */
  public readonly host: pulumi.Output<string>;
  /** Port on the private network. */
  public readonly port: pulumi.Output<number>;
  /** Password (secret). */
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:redis:Redis", name, {}, opts);
    // RandomPassword marks `result` secret; say so here too, so no refactor can lose it.
    const secretPassword = pulumi.secret(
      args.password ??
        new random.RandomPassword(
          `${name}-password`,
          { length: 32, special: false },
          { parent: this },
        ).result,
    );
    // Redis holds only counters and caches LiteLLM rebuilds, so destroy may delete the volume.
    const volume = new docker.Volume(
      `${name}-data`,
      { name: args.volumeName, labels: stackLabels(args.stack, "redis") },
      { parent: this, retainOnDelete: false },
    );
    const container = new docker.Container(
      `${name}-container`,
      {
        name: args.containerName,
        image: args.image ?? REDIS_IMAGE,
        command: [REDIS_CONFIG_PATH],
        // Copied into the container before it starts: the password is in neither `docker inspect`
        // nor the process list. Root-owned 0644, so the server can read but not rewrite it.
        uploads: [
          {
            file: REDIS_CONFIG_PATH,
            content: pulumi.secret(secretPassword.apply(buildRedisConfig)),
          },
        ],
        networksAdvanced: [{ name: args.network, aliases: [REDIS_HOST] }],
        volumes: [{ volumeName: volume.name, containerPath: REDIS_DATA }],
        healthcheck: {
          // The password goes from the config file into redis-cli's environment, never into
          // argv. A single `$`: the Docker API runs this verbatim (`$$` is compose's escaping).
          tests: [
            "CMD-SHELL",
            `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' ${REDIS_CONFIG_PATH})" redis-cli ping | grep -q PONG`,
          ],
          interval: "5s",
          timeout: "5s",
          retries: 12,
          startPeriod: "10s",
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 120,
        labels: stackLabels(args.stack, "redis"),
      },
      { parent: this },
    );
    this.containerName = container.name;
    this.host = pulumi.output(REDIS_HOST);
    this.port = pulumi.output(REDIS_PORT);
    this.password = secretPassword;
    this.registerOutputs({
      containerName: this.containerName,
      host: this.host,
      port: this.port,
      password: this.password,
    });
  }
}
