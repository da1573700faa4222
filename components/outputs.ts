/**
 * What a gateway stack gives its outputs, on every target (server-env/outputs.ts turns it into
 * the stack outputs): Docker's {@link LiteLlmStack} and Kubernetes' KubernetesStack.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The outputs-facing part of a gateway stack. */
export interface GatewayStack {
  /** Base URL of the gateway from where the program runs, without `/v1`. */
  readonly baseUrl: pulumi.Output<string>;
  /** Master key (secret). */
  readonly masterKey: pulumi.Output<string>;
  /** UI user name. */
  readonly uiUsername: string;
  /** UI password (secret). */
  readonly uiPassword: pulumi.Output<string>;
  /** Public names of the declared model aliases. */
  readonly modelNames: string[];
  /** Raw virtual keys by alias (secret). */
  readonly virtualKeys: pulumi.Output<Record<string, string>>;
  /** What a later stack needs to reuse the kept data (secret). */
  readonly dataSecrets: pulumi.Output<{
    masterKey: string;
    saltKey: string;
    databasePassword: string;
  }>;
  /** The data volume (Docker) or claim (Kubernetes) and whether destroy deletes it. */
  readonly dataVolume: { name: string; deletedOnDestroy: boolean; adopted: boolean };
}
