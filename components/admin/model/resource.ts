/**
 * The ModelAlias dynamic resource: its documented arguments, its deterministic id and how it
 * hands them to the provider (`impl.ts`, validated by `schema.ts`).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { modelProvider } from "../providers";
import { defaultOwner, type AdminConnectionArgs } from "../resource-args";

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
        owner: args.owner ?? defaultOwner(name),
        adminKey: pulumi.secret(args.adminKey),
        createdAt: undefined,
      },
      { ...opts, additionalSecretOutputs: ["adminKey"] },
      "litellm",
      "ModelAlias",
    );
  }
}
