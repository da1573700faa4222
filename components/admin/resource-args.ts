/**
 * What the three dynamic resources (`credential/resource.ts`, `model/resource.ts`,
 * `key/resource.ts`) share: each passes the admin connection as inputs (`adminKey` wrapped as a
 * secret, so the engine stores it encrypted and it never enters the provider closure) and lists
 * every secret output in `additionalSecretOutputs`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ForwardTarget } from "../kubernetes/forward";

/** Where and how to reach the admin API. */
export interface AdminConnectionArgs {
  /** Root URL of the proxy, without `/v1`, e.g. `http://127.0.0.1:4000`. */
  adminUrl: pulumi.Input<string>;
  /** The proxy's master key. Always stored as a secret. */
  adminKey: pulumi.Input<string>;
  /**
   * A Kubernetes Service to reach the admin API through, by a `kubectl port-forward` opened where
   * the provider runs (the Service stays unexposed); `adminUrl` is then its in-cluster URL, for
   * display. @default unset: `adminUrl` is called directly
   */
  adminForward?: pulumi.Input<ForwardTarget> | undefined;
}

/** The owner tag a resource writes when `owner` is not given: `<project>/<stack>/<resource name>`. */
export function defaultOwner(resourceName: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${resourceName}`;
}
