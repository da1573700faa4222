import * as pulumi from "@pulumi/pulumi";

/** Inputs of the salt guard as the provider sees them. */
interface SaltGuardInputs {
  /** sha256 of the salt key (secret). */
  saltHash: string;
  /** Acknowledges a change. */
  allowChange: boolean;
  /** Config key users set to acknowledge, for the message. */
  allowKey: string;
  /** Config key of the salt, for the message. */
  saltKey: string;
}

/**
 * Fails `check` when the salt hash differs from the one recorded in state and the change is not
 * acknowledged. A new LITELLM_SALT_KEY makes every credential LiteLLM stored unreadable, so a
 * config or code change that would replace it must stop before anything is created.
 */
const saltGuardProvider: pulumi.dynamic.ResourceProvider<SaltGuardInputs, SaltGuardInputs> = {
  async check(olds, news) {
    const old = (olds as Partial<SaltGuardInputs> | undefined)?.saltHash;
    if (typeof old === "string" && typeof news.saltHash === "string" && old !== news.saltHash) {
      if (news.allowChange !== true) {
        return {
          inputs: news,
          failures: [
            {
              property: "saltHash",
              reason:
                `LITELLM_SALT_KEY would change. LiteLLM encrypts stored provider credentials with it: a new salt makes every stored credential unreadable. ` +
                `If this comes from a config change, restore the previous value (pulumi config set --secret ${news.saltKey} <previous salt>) or remove the new one; ` +
                `if the database holds nothing worth keeping, acknowledge with pulumi config set ${news.allowKey} true.`,
            },
          ],
        };
      }
    }
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    return { changes: olds.saltHash !== news.saltHash || olds.allowChange !== news.allowChange };
  },
  async create(inputs) {
    return { id: "litellm-salt-guard", outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

/** Arguments of {@link SaltGuard}. */
export interface SaltGuardArgs {
  /** sha256 hex of the salt key that the gateway is given (secret). */
  saltHash: pulumi.Input<string>;
  /** Whether a change of the salt key is acknowledged. */
  allowChange: pulumi.Input<boolean>;
  /** Name of the acknowledging config key, e.g. `litellm-stack:allowSaltKeyChange`. */
  allowKey: string;
  /** Name of the salt config key, e.g. `litellm-stack:saltKey`. */
  saltKey: string;
}

/** Records the salt key's hash in state and refuses an unacknowledged change (see provider). */
export class SaltGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: SaltGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(saltGuardProvider, name, args, opts, "litellm", "SaltGuard");
  }
}

/** The provider, exported for direct tests. */
export const saltGuardProviderForTests = saltGuardProvider;
