import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { GatewayContents } from "./admin/contents";
import { Database } from "./database";
import { Gateway } from "./gateway";
import { Redis } from "./redis";
import { stackNames } from "./naming";
import { GatewayNetwork } from "./network";
import type { GatewayStack } from "./outputs";

/**
 * The whole gateway stack of one environment: the private network, `litellm-db` and `litellm`.
 * Only wiring lives here; each part is a component of its own.
 */
export class LiteLlmStack extends pulumi.ComponentResource implements GatewayStack {
  /** Base URL of the gateway on the host, without `/v1`. */
  public readonly baseUrl: pulumi.Output<string>;
  /** Master key (secret). */
  public readonly masterKey: pulumi.Output<string>;
  /** UI user name. */
  public readonly uiUsername: string;
  /** UI password (secret). */
  public readonly uiPassword: pulumi.Output<string>;
  /** Public names of the declared model aliases. */
  public readonly modelNames: string[];
  /** Raw virtual keys by alias (secret). */
  public readonly virtualKeys: pulumi.Output<Record<string, string>>;
  /**
   * What a later stack needs to reuse the data volume after `down` (secret): the master key, the
   * salt key (LiteLLM decrypts stored credentials with it) and the database password.
   */
  public readonly dataSecrets: pulumi.Output<{
    masterKey: string;
    saltKey: string;
    databasePassword: string;
  }>;
  /** The data volume and whether `pulumi destroy` deletes it. */
  public readonly dataVolume: { name: string; deletedOnDestroy: boolean; adopted: boolean };
  /** Docker names of the stack's objects. */
  public readonly names: { network: string; db: string; gateway: string; volume: string };

  constructor(name: string, config: StackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:index:Stack", name, {}, opts);
    for (const warning of config.warnings) {
      void pulumi.log.warn(warning, this);
    }
    const names = stackNames(config.stack);
    const volume = config.existingVolume ?? names.volume;
    const network = new GatewayNetwork(
      `${name}-network`,
      { name: names.network, stack: config.stack },
      { parent: this },
    );
    const database = new Database(
      `${name}-db`,
      {
        stack: config.stack,
        containerName: names.db,
        volumeName: volume,
        adoptVolume: config.existingVolume !== undefined,
        deleteDataOnDestroy: config.deleteDataOnDestroy,
        password: config.databasePassword,
        image: config.postgresImage,
        network: network.name,
      },
      { parent: this },
    );
    // More than one worker: they share rate limits, router state and job locks through Redis.
    const redis =
      config.workers > 1
        ? new Redis(
            `${name}-redis`,
            {
              stack: config.stack,
              containerName: names.redis,
              volumeName: names.redisVolume,
              image: config.redisImage,
              network: network.name,
            },
            { parent: this },
          )
        : undefined;
    const gateway = new Gateway(
      `${name}-gateway`,
      {
        stack: config.stack,
        containerName: names.gateway,
        image: config.gatewayImage,
        network: network.name,
        databaseUrl: database.url,
        databaseId: database.containerId,
        bindAddress: config.bindAddress,
        hostPort: config.hostPort,
        masterKey: config.masterKey,
        masterKeyRotation: config.masterKeyRotation,
        saltKey: config.saltKey,
        allowSaltKeyChange: config.allowSaltKeyChange,
        uiUsername: config.uiUsername,
        uiPassword: config.uiPassword,
        waitTimeout: config.gatewayWaitTimeout,
        workers: config.workers,
        redis,
        spendLogRetention: config.spendLogRetention,
        spendLogCleanupCron: config.spendLogCleanupCron,
      },
      { parent: this, dependsOn: [database, ...(redis ? [redis] : [])] },
    );
    const contents = new GatewayContents(
      `${name}-contents`,
      {
        // The admin API through a tunnel or proxy when configured; the gateway's own URL else.
        baseUrl: config.adminUrl ?? gateway.baseUrl,
        masterKey: gateway.masterKey,
        credentials: config.credentials,
        models: config.models,
        keys: config.keys,
        dependsOn: [gateway],
        // The contents live in the database: when destroy deletes its volume they go with it,
        // and destroy needs no gateway. A kept volume keeps them, so they are deleted one by one.
        ...(config.deleteDataOnDestroy && database.volume !== undefined
          ? { deletedWith: database.volume }
          : {}),
      },
      { parent: this },
    );
    this.names = { ...names, volume };
    this.dataVolume = {
      name: volume,
      deletedOnDestroy: config.existingVolume === undefined && config.deleteDataOnDestroy,
      adopted: config.existingVolume !== undefined,
    };
    this.dataSecrets = pulumi.secret(
      pulumi
        .all([gateway.masterKey, gateway.saltKey, database.password])
        .apply(([masterKey, saltKey, databasePassword]) => ({
          masterKey,
          saltKey,
          databasePassword,
        })),
    );
    this.modelNames = contents.modelNames;
    this.virtualKeys = contents.rawKeys;
    this.baseUrl = gateway.baseUrl;
    this.masterKey = gateway.masterKey;
    this.uiUsername = config.uiUsername;
    this.uiPassword = gateway.uiPassword;
    this.registerOutputs({
      baseUrl: this.baseUrl,
      masterKey: this.masterKey,
      uiPassword: this.uiPassword,
      virtualKeys: this.virtualKeys,
    });
  }
}
