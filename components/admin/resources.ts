/**
 * Dynamic resources for LiteLLM gateway contents. Each passes the admin connection as inputs
 * (`adminKey` wrapped as a secret, so the engine stores it encrypted and it never enters the
 * provider closure) and lists every secret output in `additionalSecretOutputs`.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { credentialProvider, keyProvider, modelProvider } from "./providers";

/** Where and how to reach the admin API. */
export interface AdminConnectionArgs {
  /** Root URL of the proxy, without `/v1`, e.g. `http://127.0.0.1:4000`. */
  adminUrl: pulumi.Input<string>;
  /** The proxy's master key. Always stored as a secret. */
  adminKey: pulumi.Input<string>;
}

/** Arguments of {@link ProviderCredential}. */
export interface ProviderCredentialArgs extends AdminConnectionArgs {
  /** LiteLLM `credential_name`, unique on the proxy. Changing it replaces the credential. */
  name: pulumi.Input<string>;
  /**
   * Provider, normalized to LiteLLM's canonical key (`Azure_OpenAI` → `azure`) and checked
   * against `GET /public/providers`. Written to `credential_info.litellm_provider`.
   */
  provider: pulumi.Input<string>;
  /**
   * Credential values (`api_key`, `api_base`, …), always stored as secrets. Changing a value
   * updates in place; dropping a key replaces the credential (delete first: same name).
   */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Take over a credential of this name that already exists on the gateway and was not created
   * by this stack (e.g. made in the UI): create then overwrites its values and provider, and from
   * then on the stack manages it, so destroy deletes it. Unset, such a create fails and names the
   * credential. Only read at create.
   * @default false
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * Owner tag written to the credential's `credential_info.pulumi_owner`; a create that finds
   * its own tag (an earlier attempt whose response was lost) converges instead of failing.
   * Changing it updates in place. @default `<project>/<stack>/<resource name>`
   */
  owner?: pulumi.Input<string>;
}

/** A LiteLLM provider credential (`/credentials`). The id is the credential name. */
export class ProviderCredential extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly provider: pulumi.Output<string>;
  declare public readonly values: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ProviderCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      credentialProvider,
      name,
      {
        ...args,
        owner: args.owner ?? `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
        adminKey: pulumi.secret(args.adminKey),
        values: pulumi.secret(args.values),
      },
      { ...opts, additionalSecretOutputs: ["adminKey", "values"] },
      "litellm",
      "ProviderCredential",
    );
  }
}

/** Arguments of {@link ModelAlias}. */
export interface ModelAliasArgs extends AdminConnectionArgs {
  /**
   * Public model name clients send (`model_name`); any non-empty string. A change on the same
   * resource is an in-place update (PATCH). (GatewayContents names each resource after this
   * name, so a rename in stack config replaces the model instead: docs/admin-resources.md.)
   */
  publicName: pulumi.Input<string>;
  /** Provider target `provider/model` (`litellm_params.model`), e.g. `openai/gpt-4o`. */
  target: pulumi.Input<string>;
  /** Name of a credential (`litellm_credential_name`). Detaching it re-creates the model. */
  credentialName?: pulumi.Input<string>;
  /** Extra non-secret `litellm_params` (`api_base`, `temperature`, `rpm`…). */
  params?: pulumi.Input<Record<string, pulumi.Input<string | number | boolean>>>;
  /**
   * Replace deployments of the same public name that this stack did not create (create only;
   * otherwise create fails on them, naming the fix). @default false
   */
  adopt?: pulumi.Input<boolean>;
  /** Owner tag written to `model_info.pulumi_owner`. @default `<project>/<stack>/<resource name>` */
  owner?: pulumi.Input<string>;
  /**
   * Deployment id (`model_info.id`). Deterministic so a retried create never duplicates.
   * @default `pulumi-` + 24 hex chars of sha256(`<project>/<stack>/<resource name>`)
   */
  modelId?: pulumi.Input<string>;
}

/** Deterministic model id for a resource name in the current project and stack. */
export function defaultModelId(resourceName: string): string {
  const seed = `${pulumi.getProject()}/${pulumi.getStack()}/${resourceName}`;
  return `pulumi-${createHash("sha256").update(seed).digest("hex").slice(0, 24)}`;
}

/** A LiteLLM model deployment: public name → provider target. The id is `model_info.id`. */
export class ModelAlias extends pulumi.dynamic.Resource {
  declare public readonly modelId: pulumi.Output<string>;
  declare public readonly publicName: pulumi.Output<string>;
  declare public readonly target: pulumi.Output<string>;
  declare public readonly credentialName: pulumi.Output<string | undefined>;
  declare public readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: ModelAliasArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      modelProvider,
      name,
      {
        ...args,
        modelId: args.modelId ?? defaultModelId(name),
        owner: args.owner ?? `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
        adminKey: pulumi.secret(args.adminKey),
        createdAt: undefined,
      },
      { ...opts, additionalSecretOutputs: ["adminKey"] },
      "litellm",
      "ModelAlias",
    );
  }
}

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
        owner: args.owner ?? `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
        adminKey: pulumi.secret(args.adminKey),
        key: undefined,
        token: undefined,
        expires: undefined,
      },
      { ...opts, additionalSecretOutputs: ["adminKey", "key"] },
      "litellm",
      "VirtualKey",
    );
  }
}
