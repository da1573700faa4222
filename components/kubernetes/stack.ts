import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackConfig } from "../../config";
import { GatewayContents } from "../admin/contents";
import { DB_NAME, DB_USER } from "../database";
import { GATEWAY_PORT } from "../gateway";
import { gatewaySecrets } from "../gateway-secrets";
import { hostUrl } from "../naming";
import type { GatewayStack } from "../outputs";
import { KubernetesDatabase, DB_PORT } from "./database";
import { KubernetesGateway } from "./gateway";
import { DATA_CLAIM, K8S_NAMES, inClusterUrl, objectLabels } from "./objects";
import { KubernetesRedis } from "./redis";
import { databasePoolLimit, type KubernetesSettings } from "./settings";

/** Where the stack's objects are in the cluster (the `kubernetes` output). */
export interface KubernetesPlacement {
  /** The kubeconfig file, if configured. */
  kubeconfig: string | undefined;
  /** The kubeconfig context, if configured. */
  context: string | undefined;
  /** The namespace. */
  namespace: string;
  /** The gateway's Deployment. */
  deployment: string;
  /** The gateway's Service. */
  service: string;
  /** Its port. */
  port: number;
  /** `http://litellm.<namespace>.svc.cluster.local:4000`: the gateway for consumers in the cluster. */
  inClusterUrl: string;
}

/**
 * The whole gateway stack of one environment on Kubernetes (`target=kubernetes`): a Namespace;
 * Secrets for the generated master, salt, UI and database secrets; Postgres as a StatefulSet with
 * a kept claim, or an external database; Redis with more than one replica; LiteLLM (migration Job,
 * Deployment, PodDisruptionBudget, Service); the declared contents, administered through a
 * port-forward to the Service from where the program runs (the Service is not exposed for it).
 * Only wiring lives here.
 */
export class KubernetesStack extends pulumi.ComponentResource implements GatewayStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly masterKey: pulumi.Output<string>;
  public readonly uiUsername: string;
  public readonly uiPassword: pulumi.Output<string>;
  public readonly modelNames: string[];
  public readonly virtualKeys: pulumi.Output<Record<string, string>>;
  public readonly dataSecrets: GatewayStack["dataSecrets"];
  public readonly dataVolume: GatewayStack["dataVolume"];
  /** Where the objects are. */
  public readonly kubernetes: KubernetesPlacement;

  constructor(
    name: string,
    config: StackConfig & { kubernetes: KubernetesSettings },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("litellm:kubernetes:Stack", name, {}, opts);
    for (const warning of config.warnings) {
      void pulumi.log.warn(warning, this);
    }
    const settings = config.kubernetes;
    const provider = new k8s.Provider(
      `${name}-cluster`,
      {
        ...(settings.kubeconfig === undefined ? {} : { kubeconfig: settings.kubeconfig }),
        ...(settings.context === undefined ? {} : { context: settings.context }),
      },
      { parent: this },
    );
    const inCluster = settings.databaseUrl === undefined;
    const keepData = inCluster && !config.deleteDataOnDestroy;
    // Components pass the provider to their children; custom resources take it directly.
    const child = { parent: this, providers: [provider] };
    const own = { parent: this, provider };
    // The claim lives in the namespace: a kept claim keeps its namespace.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: settings.namespace, labels: objectLabels(config.stack, "namespace") } },
      { ...own, retainOnDelete: keepData },
    ).metadata.name;

    const secrets = gatewaySecrets(`${name}-gateway`, config, this);
    const databasePassword = pulumi.secret(
      config.databasePassword ??
        new random.RandomPassword(
          `${name}-db-password`,
          { length: 32, special: false },
          { parent: this },
        ).result,
    );
    const databaseUrl = pulumi.secret(
      settings.databaseUrl ??
        pulumi.interpolate`postgresql://${DB_USER}:${databasePassword}@${K8S_NAMES.db}:${DB_PORT}/${DB_NAME}`,
    );
    // Autonamed Secrets: a changed value makes a new Secret, so the pods that use it roll.
    const databaseSecret = new k8s.core.v1.Secret(
      `${name}-db-secret`,
      {
        metadata: { namespace, labels: objectLabels(config.stack, "db") },
        stringData: { url: databaseUrl, password: databasePassword },
      },
      own,
    );
    const redisPassword =
      settings.replicas > 1
        ? pulumi.secret(
            new random.RandomPassword(
              `${name}-redis-password`,
              { length: 32, special: false },
              { parent: this },
            ).result,
          )
        : undefined;
    const gatewaySecret = new k8s.core.v1.Secret(
      `${name}-gateway-secret`,
      {
        metadata: { namespace, labels: objectLabels(config.stack, "gateway") },
        stringData: {
          "master-key": secrets.masterKey,
          "salt-key": secrets.saltKey,
          "ui-password": secrets.uiPassword,
          ...(redisPassword === undefined ? {} : { "redis-password": redisPassword }),
        },
      },
      { ...own, dependsOn: [secrets.guard] },
    );
    const ref = (secret: k8s.core.v1.Secret, key: string) => ({ name: secret.metadata.name, key });

    const database = inCluster
      ? new KubernetesDatabase(
          `${name}-db`,
          {
            stack: config.stack,
            namespace,
            image: config.postgresImage,
            passwordSecret: ref(databaseSecret, "password"),
            storage: settings.databaseStorage,
            storageClass: settings.storageClass,
            deleteDataOnDestroy: config.deleteDataOnDestroy,
          },
          child,
        )
      : undefined;
    const redis =
      redisPassword === undefined
        ? undefined
        : new KubernetesRedis(
            `${name}-redis`,
            { stack: config.stack, namespace, image: config.redisImage, password: redisPassword },
            child,
          );
    const gateway = new KubernetesGateway(
      `${name}-gateway`,
      {
        stack: config.stack,
        namespace,
        image: config.gatewayImage,
        settings,
        databasePoolLimit: databasePoolLimit(settings.databaseMaxConnections, settings.replicas),
        databaseIdentity: inCluster
          ? "in-cluster"
          : // A hash reveals nothing of the URL: the Job's name need not be secret.
            pulumi.unsecret(databaseUrl.apply((u) => createHash("sha256").update(u).digest("hex"))),
        secrets: {
          databaseUrl: ref(databaseSecret, "url"),
          masterKey: ref(gatewaySecret, "master-key"),
          saltKey: ref(gatewaySecret, "salt-key"),
          uiPassword: ref(gatewaySecret, "ui-password"),
          ...(redisPassword === undefined
            ? {}
            : { redisPassword: ref(gatewaySecret, "redis-password") }),
        },
        redisHost: redis?.host,
        uiUsername: config.uiUsername,
        waitTimeout: config.gatewayWaitTimeout,
        spendLogRetention: config.spendLogRetention,
        spendLogCleanupCron: config.spendLogCleanupCron,
        dependsOn: [
          ...(database === undefined ? [] : [database.statefulSet]),
          ...(redis === undefined ? [] : [redis.deployment]),
        ],
      },
      child,
    );
    const url = inClusterUrl(K8S_NAMES.gateway, settings.namespace, GATEWAY_PORT);
    this.kubernetes = {
      kubeconfig: settings.kubeconfig,
      context: settings.context,
      namespace: settings.namespace,
      deployment: K8S_NAMES.gateway,
      service: K8S_NAMES.gateway,
      port: GATEWAY_PORT,
      inClusterUrl: url,
    };
    const contents = new GatewayContents(
      `${name}-contents`,
      {
        // Through a port-forward opened where the provider runs (an adminUrl when configured,
        // e.g. an Ingress, is called directly instead).
        baseUrl: config.adminUrl ?? url,
        ...(config.adminUrl === undefined
          ? {
              adminForward: {
                ...(settings.kubeconfig === undefined ? {} : { kubeconfig: settings.kubeconfig }),
                ...(settings.context === undefined ? {} : { context: settings.context }),
                namespace: settings.namespace,
                service: K8S_NAMES.gateway,
                port: GATEWAY_PORT,
              },
            }
          : {}),
        masterKey: secrets.masterKey,
        credentials: config.credentials,
        models: config.models,
        keys: config.keys,
        dependsOn: [gateway.deployment, gateway.service],
        ...(config.deleteDataOnDestroy && database !== undefined
          ? { deletedWith: database.statefulSet }
          : {}),
      },
      { parent: this },
    );
    // From where the program runs: `npm run forward` holds a port-forward on this address.
    this.baseUrl = pulumi.output(hostUrl(config.bindAddress, config.hostPort));
    this.masterKey = secrets.masterKey;
    this.uiUsername = config.uiUsername;
    this.uiPassword = secrets.uiPassword;
    this.modelNames = contents.modelNames;
    this.virtualKeys = contents.rawKeys;
    this.dataSecrets = pulumi.secret(
      pulumi
        .all([secrets.masterKey, secrets.saltKey, databasePassword])
        .apply(([masterKey, saltKey, password]) => ({
          masterKey,
          saltKey,
          databasePassword: password,
        })),
    );
    this.dataVolume = {
      name: inCluster ? DATA_CLAIM : "the external database (databaseUrl)",
      deletedOnDestroy: inCluster && config.deleteDataOnDestroy,
      adopted: false,
    };
    this.registerOutputs({
      baseUrl: this.baseUrl,
      masterKey: this.masterKey,
      uiPassword: this.uiPassword,
      virtualKeys: this.virtualKeys,
    });
  }
}
