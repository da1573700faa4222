import * as pulumi from "@pulumi/pulumi";
import { loadAdminImpl } from "./admin/providers";
import type { NetworkInputs, NetworkOutputs } from "./network-run";
import { stackLabelArgs } from "./naming";

/**
 * The private network as a resource of the stack's own (network-run.ts says why not the Docker
 * provider's): a change of name, driver or labels replaces it (Docker cannot change them), the
 * old one removed first since the name is the same; a read of a network removed by hand reports
 * it gone, so that drift says "missing" and up creates it again. The operations live in the
 * package's implementation, loaded by name, as for the migration (migration.ts).
 */
const networkProvider: pulumi.dynamic.ResourceProvider<NetworkInputs, NetworkOutputs> = {
  async diff(_id, olds, news) {
    const replaces = (["name", "driver", "labels"] as const).filter(
      (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
    );
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },
  async create(inputs) {
    const n = await loadAdminImpl().ensureNetwork(inputs);
    return { id: n.id, outs: n.outs };
  },
  async read(_id, props) {
    // The engine always hands over the state's outputs.
    const outs = props as NetworkOutputs;
    const n = await loadAdminImpl().inspectNetwork(outs.name);
    return n === undefined ? { id: "", props: outs } : { id: n.id, props: n.outs };
  },
  async delete(_id, props) {
    await loadAdminImpl().removeNetwork(props.name);
  },
};

/** Arguments of {@link GatewayNetwork}. */
export interface GatewayNetworkArgs {
  /** Docker network name. */
  name: string;
  /** Stack name, written to the `litellm-stack.stack` label. */
  stack: string;
}

/** The network resource itself (type `pulumi-nodejs:dynamic/litellm:Network`). */
class Network extends pulumi.dynamic.Resource {
  /** The network's name. */
  declare public readonly name: pulumi.Output<string>;

  constructor(name: string, inputs: NetworkInputs, opts?: pulumi.CustomResourceOptions) {
    super(networkProvider, name, inputs, opts, "litellm", "Network");
  }
}

/** The private bridge network the database and the gateway share. */
export class GatewayNetwork extends pulumi.ComponentResource {
  /** The network's name (containers attach by name). */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: GatewayNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:network:Network", name, {}, opts);
    const network = new Network(
      `${name}-bridge`,
      {
        name: args.name,
        driver: "bridge",
        // Sorted, as inspectNetwork reads them back (Docker keeps labels in a map).
        labels: stackLabelArgs(args.stack, "network").sort(),
      },
      { parent: this },
    );
    this.name = network.name;
    this.registerOutputs({ name: this.name });
  }
}

/** The provider, exported for direct tests. */
export const networkProviderForTests = networkProvider;
