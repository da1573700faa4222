import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_PORT, gatewayCommand } from "../gateway";
import { GATEWAY_CONFIG_PATH, gatewaySettings, REDIS_PASSWORD_ENV } from "../gateway-settings";
import { MIGRATE_COMMAND, MIGRATE_ENTRYPOINT } from "../migration";
import { K8S_NAMES, objectLabels, ownedMetadata, roleServiceArgs, selectorLabels } from "./objects";
import { ROLLOUT_SURGE, type KubernetesSettings } from "./settings";

/** Seconds a pod keeps serving after it was told to stop, while the Service stops sending to it. */
export const PRE_STOP_SECONDS = 5;

/** A key of a Secret. */
export interface SecretKeyRef {
  name: pulumi.Input<string>;
  key: string;
}

/** Arguments of {@link KubernetesGateway}. */
export interface KubernetesGatewayArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** The namespace (created by the stack). */
  namespace: pulumi.Input<string>;
  /** LiteLLM image reference. */
  image: string;
  /** Replicas, Service type and pod resources (the stack config's Kubernetes settings). */
  settings: Pick<KubernetesSettings, "replicas" | "serviceType" | "resources">;
  /** LiteLLM's `database_connection_pool_limit` for each pod. */
  databasePoolLimit: number;
  /**
   * What identifies the database: when it changes (another database), the migration Job runs
   * again. No secret in plain: a hash of it is enough.
   */
  databaseIdentity: pulumi.Input<string>;
  /** Where the secrets are: DATABASE_URL, the master and salt keys, the UI password. */
  secrets: {
    databaseUrl: SecretKeyRef;
    masterKey: SecretKeyRef;
    saltKey: SecretKeyRef;
    uiPassword: SecretKeyRef;
    /** The Redis password, when the pods share a Redis. */
    redisPassword?: SecretKeyRef | undefined;
  };
  /** Redis's host name in the namespace (required with more than one replica). */
  redisHost?: string | undefined;
  /** LiteLLM UI user name. @default "admin" */
  uiUsername?: string;
  /** Seconds the migration and the rollout may take. @default 600 */
  waitTimeout?: number;
  /** How long spend logs are kept (`30d`), or undefined to keep them forever. */
  spendLogRetention?: string | undefined;
  /** When the spend-log cleanup runs (cron, UTC). @default "17 * * * *" */
  spendLogCleanupCron?: string;
  /** What the migration Job must wait for (the database). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const secretEnv = (name: string, ref: SecretKeyRef) => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/**
 * LiteLLM on Kubernetes: its config file in a ConfigMap; the migration Job (the gateway image's
 * migration program, named after the image and database so that an upgrade runs a new one)
 * completed before the Deployment rolls; the Deployment of `replicas` pods, one worker each, with
 * DISABLE_SCHEMA_UPDATE=true, startup/readiness/liveness probes, requests and limits, a rolling
 * update that never goes below `replicas` ready pods, and a pre-stop pause so that a stopping pod
 * finishes what the Service still sends it; a PodDisruptionBudget; the Service `litellm`.
 */
export class KubernetesGateway extends pulumi.ComponentResource {
  /** The Deployment (the admin resources wait for it). */
  public readonly deployment: k8s.apps.v1.Deployment;
  /** The Service. */
  public readonly service: k8s.core.v1.Service;
  /** The migration Job of the current image. */
  public readonly migration: k8s.batch.v1.Job;

  constructor(name: string, args: KubernetesGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:kubernetes:LiteLlm", name, {}, opts);
    const { replicas, serviceType, resources } = args.settings;
    if (replicas > 1 && args.redisHost === undefined) {
      throw new Error(
        `KubernetesGateway ${name}: replicas=${replicas} needs Redis (each pod would count rate limits on its own)`,
      );
    }
    const labels = objectLabels(args.stack, "gateway");
    const waitTimeout = args.waitTimeout ?? 600;
    const settings = gatewaySettings({
      spendLogRetention: args.spendLogRetention,
      spendLogCleanupCron: args.spendLogCleanupCron ?? "17 * * * *",
      redisHost: args.redisHost,
      databasePoolLimit: args.databasePoolLimit,
    });
    // Autonamed: a changed file makes a new ConfigMap, and so a rollout.
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { namespace: args.namespace, labels },
        data: { "litellm-stack.yaml": settings },
      },
      { parent: this },
    );
    const databaseUrl = secretEnv("DATABASE_URL", args.secrets.databaseUrl);

    const migrationName = pulumi
      .output(args.databaseIdentity)
      .apply(
        (db) =>
          `${K8S_NAMES.gateway}-migrate-${createHash("sha256").update(`${args.image}\n${db}`).digest("hex").slice(0, 10)}`,
      );
    this.migration = new k8s.batch.v1.Job(
      `${name}-migration`,
      {
        metadata: {
          name: migrationName,
          namespace: args.namespace,
          labels: objectLabels(args.stack, "migrate"),
        },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: waitTimeout,
          template: {
            metadata: { labels: objectLabels(args.stack, "migrate") },
            spec: {
              restartPolicy: "Never",
              containers: [
                {
                  name: "migrate",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  command: [MIGRATE_ENTRYPOINT],
                  args: [...MIGRATE_COMMAND],
                  env: [databaseUrl],
                  resources: {
                    requests: { cpu: "100m", memory: "512Mi" },
                    limits: { memory: "2Gi" },
                  },
                },
              ],
            },
          },
        },
      },
      {
        parent: this,
        ...(args.dependsOn === undefined ? {} : { dependsOn: args.dependsOn }),
        customTimeouts: { create: `${waitTimeout}s`, update: `${waitTimeout}s` },
      },
    );

    const probe = (path: string) => ({ httpGet: { path, port: GATEWAY_PORT } });
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: ownedMetadata(K8S_NAMES.gateway, args.namespace, labels),
        spec: {
          replicas,
          selector: { matchLabels: selectorLabels("gateway") },
          strategy: {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: ROLLOUT_SURGE },
          },
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "litellm",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  // One worker per pod (LiteLLM's advice on Kubernetes): replicas scale.
                  args: gatewayCommand(1),
                  env: [
                    databaseUrl,
                    secretEnv("LITELLM_MASTER_KEY", args.secrets.masterKey),
                    secretEnv("LITELLM_SALT_KEY", args.secrets.saltKey),
                    { name: "STORE_MODEL_IN_DB", value: "True" },
                    // The migration Job ran before.
                    { name: "DISABLE_SCHEMA_UPDATE", value: "true" },
                    { name: "UI_USERNAME", value: args.uiUsername ?? "admin" },
                    secretEnv("UI_PASSWORD", args.secrets.uiPassword),
                    { name: "LITELLM_LOCAL_MODEL_COST_MAP", value: "True" },
                    ...(args.secrets.redisPassword === undefined
                      ? []
                      : [secretEnv(REDIS_PASSWORD_ENV, args.secrets.redisPassword)]),
                  ],
                  ports: [{ name: "http", containerPort: GATEWAY_PORT }],
                  volumeMounts: [
                    {
                      name: "config",
                      mountPath: GATEWAY_CONFIG_PATH,
                      subPath: "litellm-stack.yaml",
                      readOnly: true,
                    },
                  ],
                  // The boot (about 13 s here) may take up to the wait timeout; then liveness
                  // (never /health, which calls every model upstream) and readiness (database
                  // connected) take over.
                  startupProbe: {
                    ...probe("/health/liveliness"),
                    periodSeconds: 2,
                    timeoutSeconds: 5,
                    failureThreshold: Math.ceil(waitTimeout / 2),
                  },
                  readinessProbe: {
                    ...probe("/health/readiness"),
                    periodSeconds: 5,
                    timeoutSeconds: 5,
                    failureThreshold: 2,
                  },
                  livenessProbe: {
                    ...probe("/health/liveliness"),
                    periodSeconds: 15,
                    timeoutSeconds: 10,
                    failureThreshold: 4,
                  },
                  lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
                  resources,
                },
              ],
              volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
            },
          },
        },
      },
      {
        parent: this,
        dependsOn: [this.migration],
        customTimeouts: { create: `${waitTimeout}s`, update: `${waitTimeout}s` },
      },
    );
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: ownedMetadata(K8S_NAMES.gateway, args.namespace, labels),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels("gateway") } },
      },
      { parent: this },
    );
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      roleServiceArgs(
        "gateway",
        args.namespace,
        args.stack,
        { name: "http", port: GATEWAY_PORT },
        serviceType,
      ),
      { parent: this },
    );
    this.registerOutputs({});
  }
}
