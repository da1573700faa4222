import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_CONFIG_PATH, gatewaySettings, REDIS_PASSWORD_ENV } from "./gateway-settings";
import { MIGRATE_COMMAND, MIGRATE_ENTRYPOINT, Migration } from "./migration";
import { hostUrl, stackLabels } from "./naming";
import { REDIS_HOST, type Redis } from "./redis";
import { gatewaySecrets } from "./gateway-secrets";

/** Port LiteLLM listens on inside its container. */
export const GATEWAY_PORT = 4000;

/**
 * Healthcheck of the gateway: GET /health/liveliness answers 200 (never /health, which calls every
 * model upstream), asked over a bare socket by python3 without its site packages (`-S`): about
 * 16 ms of CPU a probe inside the container, where urllib's import made it 38 ms.
 */
export const GATEWAY_HEALTHCHECK = [
  "CMD",
  "python3",
  "-S",
  "-c",
  `import socket, sys; s = socket.create_connection(("127.0.0.1", ${GATEWAY_PORT}), 5); ` +
    `s.sendall(b"GET /health/liveliness HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n"); ` +
    `sys.exit(0 if s.recv(64).split(b" ")[1:2] == [b"200"] else 1)`,
];

/**
 * How often and how patiently the gateway's healthcheck probes (start period: wait timeout). Every
 * 2 s, because `up` waits for the first healthy probe after the gateway has booted (about 11 s
 * here): at 5 s that probe came about 4 s after the boot. About the same CPU as a urllib probe
 * every 5 s. Unhealthy after 30 s of failed probes.
 */
export const GATEWAY_HEALTH_TIMING = { interval: "2s", timeout: "6s", retries: 15 } as const;

/**
 * The gateway's arguments to LiteLLM's CLI: listen on every interface of the container, on
 * GATEWAY_PORT, with the settings file, `workers` worker processes.
 */
export function gatewayCommand(workers: number): string[] {
  return [
    "--host",
    "0.0.0.0",
    "--port",
    String(GATEWAY_PORT),
    "--config",
    GATEWAY_CONFIG_PATH,
    "--num_workers",
    String(workers),
  ];
}

/**
 * A duration in Go's `time.Duration` notation (`2m0s`), which is how Docker reports healthcheck
 * durations back: any other spelling would show as a change on every preview.
 */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) {
    return `${h}h${m}m${s}s`;
  }
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** Arguments of {@link Gateway}. */
export interface GatewayArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** Container name (dev: `litellm`). */
  containerName: string;
  /** LiteLLM image reference. */
  image: string;
  /** Private network to attach to, by name. */
  network: pulumi.Input<string>;
  /** DATABASE_URL of `litellm-db` on the private network (secret). */
  databaseUrl: pulumi.Input<string>;
  /**
   * Id of the database container: when it changes (a new database server), the migration step
   * runs again. @default the migration runs again only when the image changes
   */
  databaseId?: pulumi.Input<string>;
  /** Host address the port is published on (validated by config). */
  bindAddress: string;
  /** Host port. */
  hostPort: number;
  /** Master key to keep (secret, `sk-…`). @default generated: `sk-` + 48 random characters */
  masterKey?: pulumi.Input<string> | undefined;
  /**
   * Rotation counter of the generated master key: any change generates a new key, which replaces
   * the container (LiteLLM's rotation with a salt key set: swap the env value and restart). 0 keeps
   * the key generated first. Ignored when `masterKey` is given. @default 0
   */
  masterKeyRotation?: number;
  /** Salt key to keep (secret). @default generated once and protected */
  saltKey?: pulumi.Input<string> | undefined;
  /** Acknowledges a salt key change. @default false */
  allowSaltKeyChange?: boolean;
  /** LiteLLM UI user name. @default "admin" */
  uiUsername?: string;
  /** LiteLLM UI password (secret). @default generated */
  uiPassword?: pulumi.Input<string> | undefined;
  /** Seconds to wait for the container to become healthy (migrations run first). @default 600 */
  waitTimeout?: number;
  /** LiteLLM worker processes (`--num_workers`). More than one needs `redis`. @default 1 */
  workers?: number;
  /** The Redis the workers share rate limits and router state through (required with workers > 1). */
  redis?: Redis | undefined;
  /** How long spend logs are kept (`30d`), or undefined to keep them forever. @default undefined */
  spendLogRetention?: string | undefined;
  /** When the spend-log cleanup runs (cron, UTC). @default "17 * * * *" */
  spendLogCleanupCron?: string;
}

/**
 * The `litellm` gateway container: on the private network, published on loopback by default, with
 * generated master, salt and UI secrets, STORE_MODEL_IN_DB, a liveliness healthcheck, created only
 * after the database is healthy and LiteLLM's migrations ran as a step of their own (a one-shot
 * {@link Migration}), and waited for until healthy.
 */
export class Gateway extends pulumi.ComponentResource {
  /** Container name. */
  public readonly containerName: pulumi.Output<string>;
  /** Base URL on the host, without `/v1`. */
  public readonly baseUrl: pulumi.Output<string>;
  /** Master key (secret). */
  public readonly masterKey: pulumi.Output<string>;
  /** UI password (secret). */
  public readonly uiPassword: pulumi.Output<string>;
  /** Salt key (secret): with the master key and the database password, what a kept volume needs. */
  public readonly saltKey: pulumi.Output<string>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:gateway:LiteLlm", name, {}, opts);
    const workers = args.workers ?? 1;
    if (workers > 1 && args.redis === undefined) {
      throw new Error(
        `Gateway ${name}: workers=${workers} needs redis (each worker would count rate limits on its own)`,
      );
    }
    const settings = gatewaySettings({
      spendLogRetention: args.spendLogRetention,
      spendLogCleanupCron: args.spendLogCleanupCron ?? "17 * * * *",
      redisHost: args.redis === undefined ? undefined : REDIS_HOST,
    });
    const { masterKey, saltKey, uiPassword, guard } = gatewaySecrets(name, args, this);

    // LiteLLM's migrations as their own step, before the gateway starts or is replaced; the
    // gateway itself serves with DISABLE_SCHEMA_UPDATE=true.
    const migration = new Migration(
      `${name}-migration`,
      {
        stack: args.stack,
        image: args.image,
        entrypoint: MIGRATE_ENTRYPOINT,
        command: MIGRATE_COMMAND,
        network: args.network,
        databaseUrl: args.databaseUrl,
        databaseId: args.databaseId ?? "",
        containerName: `${args.containerName}-migrate`,
        timeoutSeconds: args.waitTimeout ?? 600,
      },
      { parent: this },
    );

    const container = new docker.Container(
      `${name}-container`,
      {
        name: args.containerName,
        image: args.image,
        envs: [
          pulumi.interpolate`DATABASE_URL=${args.databaseUrl}`,
          pulumi.interpolate`LITELLM_MASTER_KEY=${masterKey}`,
          pulumi.interpolate`LITELLM_SALT_KEY=${saltKey}`,
          "STORE_MODEL_IN_DB=True",
          // Migrations ran before, as a step of their own (components/migration.ts).
          "DISABLE_SCHEMA_UPDATE=true",
          `UI_USERNAME=${args.uiUsername ?? "admin"}`,
          pulumi.interpolate`UI_PASSWORD=${uiPassword}`,
          "LITELLM_LOCAL_MODEL_COST_MAP=True",
          ...(args.redis === undefined
            ? []
            : [pulumi.interpolate`${REDIS_PASSWORD_ENV}=${args.redis.password}`]),
        ],
        command: gatewayCommand(workers),
        uploads: [{ file: GATEWAY_CONFIG_PATH, content: settings }],
        networksAdvanced: [{ name: args.network }],
        ports: [{ internal: GATEWAY_PORT, external: args.hostPort, ip: args.bindAddress }],
        healthcheck: {
          tests: GATEWAY_HEALTHCHECK,
          ...GATEWAY_HEALTH_TIMING,
          startPeriod: goDuration(args.waitTimeout ?? 600),
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: args.waitTimeout ?? 600,
        labels: stackLabels(args.stack, "gateway"),
      },
      { parent: this, dependsOn: [guard, migration] },
    );

    this.containerName = container.name;
    this.baseUrl = container.ports.apply((p) =>
      hostUrl(args.bindAddress, p?.[0]?.external ?? args.hostPort),
    );
    this.masterKey = masterKey;
    this.uiPassword = uiPassword;
    this.saltKey = saltKey;
    this.registerOutputs({
      containerName: this.containerName,
      baseUrl: this.baseUrl,
      masterKey: this.masterKey,
      uiPassword: this.uiPassword,
    });
  }
}
