/**
 * GatewayContents (`litellm:admin:GatewayContents`): the declared credentials, model aliases and
 * virtual keys of one LiteLLM proxy, as dynamic resources under one component.
 */
import * as pulumi from "@pulumi/pulumi";
import { contentsProblems, type KeyConfig, type ModelConfig } from "./config-schema";
import { ProviderCredential } from "./credential/resource";
import { VirtualKey } from "./key/resource";
import { ModelAlias } from "./model/resource";
import type { ForwardTarget } from "../kubernetes/forward";

/** A credential to declare; `values` may be a secret Output (from secret config). */
export interface CredentialSpec {
  /** LiteLLM `credential_name`, unique; models refer to it. */
  name: string;
  /** Provider (normalized to LiteLLM's canonical key). */
  provider: string;
  /** Credential values (`api_key`, `api_base`, …); stored as secrets. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over an existing credential of this name this stack did not create. @default false */
  adopt?: boolean;
}

/** Arguments of {@link GatewayContents}. */
export interface GatewayContentsArgs {
  /** Root URL of the proxy (no `/v1`). */
  baseUrl: pulumi.Input<string>;
  /** The proxy's master key; treated as a secret. */
  masterKey: pulumi.Input<string>;
  /**
   * A Kubernetes Service the admin calls reach through a port-forward (`baseUrl` is then its
   * in-cluster URL). @default unset: `baseUrl` is called directly
   */
  adminForward?: ForwardTarget | undefined;
  /** Provider credentials. @default [] */
  credentials?: CredentialSpec[];
  /** Model aliases; `credential` must name an entry of `credentials`. @default [] */
  models?: Array<Omit<ModelConfig, "params"> & Partial<Pick<ModelConfig, "params">>>;
  /** Virtual keys; `models` defaults to every declared model. @default [] */
  keys?: Array<
    Omit<KeyConfig, "metadata" | "rotation"> & Partial<Pick<KeyConfig, "metadata" | "rotation">>
  >;
  /** Resources the admin calls must wait for (the proxy container, its database). */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
  /**
   * The resource the contents die with: the proxy's data volume, when destroying the stack
   * deletes it. Each content resource gets it as `deletedWith`, so a destroy that deletes it
   * makes no admin-API call at all (the gateway may be down). Leave it unset when the data
   * outlives the destroy: then every object is deleted through the admin API.
   * @default unset
   */
  deletedWith?: pulumi.Resource;
}

/** Throws when a model refers to an undeclared credential or a name is declared twice. */
export function validateGatewayContents(args: GatewayContentsArgs): void {
  const [problem] = contentsProblems(
    { credentials: args.credentials ?? [], models: args.models ?? [], keys: args.keys ?? [] },
    false,
  );
  if (problem !== undefined) {
    const [list, index, field] = problem.path;
    throw new Error(`${list}[${index}].${field}: ${problem.message}`);
  }
}

/** Child resource name: `${parent}-<role>-<name>` with the name made URN-friendly. */
function childName(parent: string, role: string, name: string): string {
  return `${parent}-${role}-${name.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
}

/** The declared contents of a LiteLLM proxy. */
export class GatewayContents extends pulumi.ComponentResource {
  /** Credentials by name. */
  public readonly credentials: Record<string, ProviderCredential>;
  /** Model aliases by public name. */
  public readonly models: Record<string, ModelAlias>;
  /** Virtual keys by alias. */
  public readonly keys: Record<string, VirtualKey>;
  /** Raw virtual keys by alias (secret). */
  public readonly rawKeys: pulumi.Output<Record<string, string>>;
  /** Public model names, in declaration order. */
  public readonly modelNames: string[];

  constructor(name: string, args: GatewayContentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("litellm:admin:GatewayContents", name, {}, opts);
    try {
      validateGatewayContents(args);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    const conn = {
      adminUrl: args.baseUrl,
      adminKey: pulumi.secret(args.masterKey),
      ...(args.adminForward === undefined ? {} : { adminForward: args.adminForward }),
    };
    const base: pulumi.CustomResourceOptions = {
      parent: this,
      ...(args.dependsOn === undefined ? {} : { dependsOn: args.dependsOn }),
      ...(args.deletedWith === undefined ? {} : { deletedWith: args.deletedWith }),
    };

    this.credentials = {};
    for (const c of args.credentials ?? []) {
      this.credentials[c.name] = new ProviderCredential(
        childName(name, "credential", c.name),
        {
          ...conn,
          name: c.name,
          provider: c.provider,
          values: c.values,
          ...(c.adopt === true ? { adopt: true } : {}),
        },
        base,
      );
    }

    this.models = {};
    for (const m of args.models ?? []) {
      const cred = m.credential === undefined ? undefined : this.credentials[m.credential];
      this.models[m.name] = new ModelAlias(
        childName(name, "model", m.name),
        {
          ...conn,
          publicName: m.name,
          target: m.target,
          ...(m.credential === undefined ? {} : { credentialName: m.credential }),
          ...(m.params === undefined || Object.keys(m.params).length === 0
            ? {}
            : { params: m.params }),
          ...(m.adopt === true ? { adopt: true } : {}),
        },
        cred === undefined ? base : { ...base, dependsOn: [cred] },
      );
    }
    this.modelNames = (args.models ?? []).map((m) => m.name);

    this.keys = {};
    for (const k of args.keys ?? []) {
      this.keys[k.alias] = new VirtualKey(
        childName(name, "key", k.alias),
        {
          ...conn,
          alias: k.alias,
          models: k.models ?? this.modelNames,
          ...(k.duration === undefined ? {} : { duration: k.duration }),
          ...(k.maxBudget === undefined ? {} : { maxBudget: k.maxBudget }),
          ...(k.rpmLimit === undefined ? {} : { rpmLimit: k.rpmLimit }),
          ...(k.tpmLimit === undefined ? {} : { tpmLimit: k.tpmLimit }),
          ...(k.teamId === undefined ? {} : { teamId: k.teamId }),
          ...(k.metadata === undefined || Object.keys(k.metadata).length === 0
            ? {}
            : { metadata: k.metadata }),
          ...(k.rotation === undefined ? {} : { rotation: k.rotation }),
          ...(k.adoptKey === undefined ? {} : { adoptKey: pulumi.secret(k.adoptKey) }),
        },
        // No dependency on the models a key names: LiteLLM stores a key's model names without
        // looking them up (1.108.14's /key/generate only checks wildcard access groups), so
        // keys and models are created side by side. Depending on them would also write every
        // model's URN into every key's state: 3 MB of the 6.5 MB at 150 keys and 120 models.
        base,
      );
    }
    const entries = Object.entries(this.keys).map(([alias, key]) =>
      key.key.apply((raw) => [alias, raw] as const),
    );
    this.rawKeys = pulumi.secret(pulumi.all(entries).apply((e) => Object.fromEntries(e)));

    this.registerOutputs({
      credentials: this.credentials,
      models: this.models,
      keys: this.keys,
      rawKeys: this.rawKeys,
      modelNames: this.modelNames,
    });
  }
}
