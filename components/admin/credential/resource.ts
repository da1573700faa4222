/**
 * The ProviderCredential dynamic resource: its documented arguments and how it hands them to
 * the provider (`impl.ts`, validated by `schema.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { credentialProvider } from "../providers";
import { defaultOwner, type AdminConnectionArgs } from "../resource-args";

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
        owner: args.owner ?? defaultOwner(name),
        adminKey: pulumi.secret(args.adminKey),
        values: pulumi.secret(args.values),
      },
      { ...opts, additionalSecretOutputs: ["adminKey", "values"] },
      "litellm",
      "ProviderCredential",
    );
  }
}
