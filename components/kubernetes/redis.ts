import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_CONFIG_PATH, REDIS_DATA, REDIS_PORT, buildRedisConfig } from "../redis";
import { K8S_NAMES, objectLabels, ownedMetadata, roleServiceArgs, selectorLabels } from "./objects";

/** Arguments of {@link KubernetesRedis}. */
export interface KubernetesRedisArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** The namespace (created by the stack). */
  namespace: pulumi.Input<string>;
  /** Redis image reference (`redis-server <config file>`). */
  image: string;
  /** Password clients authenticate with (secret; no whitespace or quotes). */
  password: pulumi.Output<string>;
}

/**
 * `litellm-redis`, which the gateway pods share rate limits, router state and job locks through:
 * one pod whose config file (with `requirepass`) comes from a Secret, a TCP readiness probe and a
 * ClusterIP Service. Its data is an emptyDir: counters and caches LiteLLM rebuilds.
 */
export class KubernetesRedis extends pulumi.ComponentResource {
  /** Host name in the namespace. */
  public readonly host: string = K8S_NAMES.redis;
  /** The Deployment (the gateway waits for it). */
  public readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: KubernetesRedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:kubernetes:Redis", name, {}, opts);
    const labels = objectLabels(args.stack, "redis");
    // Autonamed: a new password makes a new Secret, and so a new pod.
    const config = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: { namespace: args.namespace, labels },
        stringData: { "litellm-stack.conf": pulumi.secret(args.password.apply(buildRedisConfig)) },
      },
      { parent: this },
    );
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: ownedMetadata(K8S_NAMES.redis, args.namespace, labels),
        spec: {
          replicas: 1,
          selector: { matchLabels: selectorLabels("redis") },
          strategy: { type: "Recreate" },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "redis",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  args: [REDIS_CONFIG_PATH],
                  ports: [{ name: "redis", containerPort: REDIS_PORT }],
                  volumeMounts: [
                    {
                      name: "config",
                      mountPath: REDIS_CONFIG_PATH,
                      subPath: "litellm-stack.conf",
                      readOnly: true,
                    },
                    { name: "data", mountPath: REDIS_DATA },
                  ],
                  readinessProbe: { tcpSocket: { port: REDIS_PORT }, periodSeconds: 2 },
                  resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { memory: "512Mi" },
                  },
                },
              ],
              volumes: [
                { name: "config", secret: { secretName: config.metadata.name } },
                { name: "data", emptyDir: {} },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      roleServiceArgs("redis", args.namespace, args.stack, { name: "redis", port: REDIS_PORT }),
      { parent: this },
    );
    this.registerOutputs({});
  }
}
