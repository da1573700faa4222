import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DB_NAME, DB_USER, PGDATA } from "../database";
import { K8S_NAMES, objectLabels, ownedMetadata, roleServiceArgs, selectorLabels } from "./objects";

/** Port Postgres listens on. */
export const DB_PORT = 5432;

/** Arguments of {@link KubernetesDatabase}. */
export interface KubernetesDatabaseArgs {
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
  /** The namespace (created by the stack). */
  namespace: pulumi.Input<string>;
  /** Postgres image reference (honours the official image's POSTGRES_* contract). */
  image: string;
  /** The Secret holding the password, and its key. */
  passwordSecret: { name: pulumi.Input<string>; key: string };
  /** Size of the data claim (a Kubernetes quantity). */
  storage: string;
  /** StorageClass of the claim. @default the cluster's default class */
  storageClass?: string | undefined;
  /** Whether deleting the StatefulSet deletes its claim too. @default false: the claim is kept */
  deleteDataOnDestroy?: boolean;
}

/**
 * Postgres `litellm-db` as a StatefulSet of one pod with a PersistentVolumeClaim (`data-litellm-db-0`,
 * kept when the StatefulSet is deleted unless `deleteDataOnDestroy`), a readiness probe
 * (pg_isready) and a ClusterIP Service of the same name: the database's host name in the
 * namespace. Not reachable from outside the cluster.
 */
export class KubernetesDatabase extends pulumi.ComponentResource {
  /** Host name in the namespace. */
  public readonly host: string = K8S_NAMES.db;
  /** The StatefulSet (the migration Job waits for it). */
  public readonly statefulSet: k8s.apps.v1.StatefulSet;

  constructor(name: string, args: KubernetesDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:kubernetes:Postgres", name, {}, opts);
    const labels = objectLabels(args.stack, "db");
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      roleServiceArgs("db", args.namespace, args.stack, { name: "postgres", port: DB_PORT }),
      { parent: this },
    );
    const ready = ["pg_isready", "-h", "127.0.0.1", "-U", DB_USER, "-d", DB_NAME];
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: ownedMetadata(K8S_NAMES.db, args.namespace, labels),
        spec: {
          serviceName: service.metadata.name,
          replicas: 1,
          selector: { matchLabels: selectorLabels("db") },
          persistentVolumeClaimRetentionPolicy: {
            whenDeleted: args.deleteDataOnDestroy === true ? "Delete" : "Retain",
            whenScaled: "Retain",
          },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "postgres",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  env: [
                    { name: "POSTGRES_USER", value: DB_USER },
                    { name: "POSTGRES_DB", value: DB_NAME },
                    {
                      name: "POSTGRES_PASSWORD",
                      valueFrom: {
                        secretKeyRef: {
                          name: args.passwordSecret.name,
                          key: args.passwordSecret.key,
                        },
                      },
                    },
                  ],
                  ports: [{ name: "postgres", containerPort: DB_PORT }],
                  // A subdirectory of the volume, mounted as the data directory itself: a fresh
                  // volume's root may hold lost+found or be root's (a hostPath one is 0750).
                  volumeMounts: [
                    { name: K8S_NAMES.dataTemplate, mountPath: PGDATA, subPath: "pgdata" },
                  ],
                  readinessProbe: {
                    exec: { command: ready },
                    periodSeconds: 2,
                    timeoutSeconds: 5,
                  },
                  livenessProbe: {
                    exec: { command: ready },
                    initialDelaySeconds: 30,
                    periodSeconds: 15,
                    timeoutSeconds: 5,
                    failureThreshold: 4,
                  },
                  resources: {
                    requests: { cpu: "250m", memory: "256Mi" },
                    limits: { memory: "1Gi" },
                  },
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: K8S_NAMES.dataTemplate, labels: objectLabels(args.stack, "data") },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.storageClass === undefined ? {} : { storageClassName: args.storageClass }),
                resources: { requests: { storage: args.storage } },
              },
            },
          ],
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
