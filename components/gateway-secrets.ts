/**
 * The gateway's own secrets, the same on every target: the master key (kept, or generated with a
 * rotation counter), the salt key (kept, or generated once and protected, guarded by
 * {@link SaltGuard}) and the UI password (kept, or generated). One rule for Docker and Kubernetes.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SaltGuard } from "./salt-guard";

/** The configured values and settings the secrets come from. */
export interface GatewaySecretsArgs {
  /** Master key to keep (secret, `sk-…`). @default generated: `sk-` + 48 random characters */
  masterKey?: pulumi.Input<string> | undefined;
  /** Rotation counter of the generated master key; any change generates a new key. @default 0 */
  masterKeyRotation?: number | undefined;
  /** Salt key to keep (secret). @default generated once and protected */
  saltKey?: pulumi.Input<string> | undefined;
  /** Acknowledges a salt key change. @default false */
  allowSaltKeyChange?: boolean | undefined;
  /** LiteLLM UI password (secret). @default generated */
  uiPassword?: pulumi.Input<string> | undefined;
}

/** The gateway's secrets (each a secret Output) and the guard the gateway must depend on. */
export interface GatewaySecrets {
  masterKey: pulumi.Output<string>;
  saltKey: pulumi.Output<string>;
  uiPassword: pulumi.Output<string>;
  /** Fails the update when the salt key would change without acknowledgment. */
  guard: SaltGuard;
}

/**
 * Declares the generated secrets as children of `parent`, named `${name}-master-key`,
 * `${name}-salt-key`, `${name}-ui-password` and `${name}-salt-guard`.
 */
export function gatewaySecrets(
  name: string,
  args: GatewaySecretsArgs,
  parent: pulumi.Resource,
): GatewaySecrets {
  const masterKey =
    args.masterKey === undefined
      ? pulumi.secret(
          pulumi.interpolate`sk-${
            new random.RandomPassword(
              `${name}-master-key`,
              {
                length: 48,
                special: false,
                // No keepers at 0: stacks made before rotation existed keep their key.
                ...(args.masterKeyRotation
                  ? { keepers: { rotation: String(args.masterKeyRotation) } }
                  : {}),
              },
              { parent },
            ).result
          }`,
        )
      : pulumi.secret(args.masterKey);
  const saltKey = pulumi.secret(
    args.saltKey === undefined
      ? new random.RandomPassword(
          `${name}-salt-key`,
          { length: 64, special: false },
          // A replacement would make every stored credential unreadable (see SaltGuard).
          { parent, protect: true },
        ).result
      : args.saltKey,
  );
  const uiPassword = pulumi.secret(
    args.uiPassword === undefined
      ? new random.RandomPassword(`${name}-ui-password`, { length: 24, special: false }, { parent })
          .result
      : args.uiPassword,
  );
  const guard = new SaltGuard(
    `${name}-salt-guard`,
    {
      saltHash: saltKey.apply((s) => createHash("sha256").update(s).digest("hex")),
      allowChange: args.allowSaltKeyChange ?? false,
      allowKey: "litellm-stack:allowSaltKeyChange",
      saltKey: "litellm-stack:saltKey",
    },
    { parent, additionalSecretOutputs: ["saltHash"] },
  );
  return { masterKey, saltKey, uiPassword, guard };
}
