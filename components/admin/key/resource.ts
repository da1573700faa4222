/**
 * The VirtualKey dynamic resource: its documented arguments and how it hands them to the
 * provider (`impl.ts`, validated by `schema.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { keyProvider } from "../providers";
import { defaultOwner, type AdminConnectionArgs } from "../resource-args";

/** Arguments of {@link VirtualKey}. */
export interface VirtualKeyArgs extends AdminConnectionArgs {
  /** `key_alias`, unique on the proxy; not `agyn_key` or `agents-service` (the consumer's). */
  alias: pulumi.Input<string>;
  /** Public model names the key may call; `[]` means every model. */
  models: pulumi.Input<pulumi.Input<string>[]>;
  /** Lifetime: a number and `s|m|h|d|w|mo`. Unset: never expires. Changing it restarts the clock. */
  duration?: pulumi.Input<string>;
  /** Budget in USD (≥ 0). Unset: no budget. */
  maxBudget?: pulumi.Input<number>;
  /** Requests per minute (≥ 0). Unset: unlimited. */
  rpmLimit?: pulumi.Input<number>;
  /** Tokens per minute (≥ 0). Unset: unlimited. */
  tpmLimit?: pulumi.Input<number>;
  /** LiteLLM team id. */
  teamId?: pulumi.Input<string>;
  /** Free-form metadata stored on the key. */
  metadata?: pulumi.Input<Record<string, unknown>>;
  /**
   * Rotation trigger: any new value replaces the key create-before-delete (new key first,
   * outputs switch, then the old key is deleted). See docs/admin-resources.md.
   */
  rotation?: pulumi.Input<string>;
  /**
   * The raw `sk-…` key of an existing key (made outside the stack) to take over instead of
   * minting one; it keeps its value. Always stored as a secret; read at create only.
   */
  adoptKey?: pulumi.Input<string>;
  /**
   * Owner tag stored in the key's metadata; lets a rotation move the alias off this resource's
   * previous key. @default `<project>/<stack>/<resource name>`
   */
  owner?: pulumi.Input<string>;
}

/** A LiteLLM virtual key. The id is the token (sha256 of the raw key); `key` is secret. */
export class VirtualKey extends pulumi.dynamic.Resource {
  /** The raw `sk-` key (secret). */
  declare public readonly key: pulumi.Output<string>;
  /** sha256 hex of the raw key (LiteLLM's token). */
  declare public readonly token: pulumi.Output<string>;
  /** Expiry (ISO, UTC) or null. */
  declare public readonly expires: pulumi.Output<string | null>;
  declare public readonly alias: pulumi.Output<string>;

  constructor(name: string, args: VirtualKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      keyProvider,
      name,
      {
        ...args,
        owner: args.owner ?? defaultOwner(name),
        adminKey: pulumi.secret(args.adminKey),
        ...(args.adoptKey === undefined ? {} : { adoptKey: pulumi.secret(args.adoptKey) }),
        key: undefined,
        token: undefined,
        expires: undefined,
      },
      { ...opts, additionalSecretOutputs: ["adminKey", "key", "adoptKey"] },
      "litellm",
      "VirtualKey",
    );
  }
}
