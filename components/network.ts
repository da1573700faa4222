import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { stackLabels } from "./naming";

/** Arguments of {@link GatewayNetwork}. */
export interface GatewayNetworkArgs {
  /** Docker network name. */
  name: string;
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
}

/** The private bridge network the database and the gateway share. */
export class GatewayNetwork extends pulumi.ComponentResource {
  /** The network's name (containers attach by name). */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: GatewayNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:network:Network", name, {}, opts);
    const network = new docker.Network(
      `${name}-bridge`,
      { name: args.name, driver: "bridge", labels: stackLabels(args.stack, "network") },
      { parent: this },
    );
    this.name = network.name;
    this.registerOutputs({ name: this.name });
  }
}
