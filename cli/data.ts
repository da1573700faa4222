/**
 * What happens to a stack's data when its gateway goes away, by `npm run down` or by an `up`
 * that switches the stack to the direct-OpenAI mode: the data volume is kept (and the master
 * key, salt key and database password a later `up` needs to read it are saved into the stack's
 * config as secrets), or deleted when `deleteDataOnDestroy` is set.
 */
import { execFile } from "node:child_process";
import type { LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { PROJECT } from "../config";
import { exportState, type StackReads } from "./exported";
import { CliError, log } from "./report";
import { pulumiExecutable } from "./workspace";

/** The secrets a kept data volume needs, as the stack exports them (output `dataSecrets`). */
export interface DataSecrets {
  masterKey: string;
  saltKey: string;
  databasePassword: string;
}

/** What is done about the data before the gateway's resources are deleted. */
export type DataPlan =
  | { kind: "keep"; volume: string; secrets: DataSecrets }
  | { kind: "delete"; volume: string }
  | { kind: "none" };

/**
 * Decides from the stack outputs (`dataVolume`, `dataSecrets`) whether the data volume is kept
 * (and which secrets must be saved into the stack config for a later `up` to read it) or
 * deleted. Without those outputs the stack has no gateway, or never completed an update: `none`.
 */
export function planData(outputs: OutputMap): DataPlan {
  const volume = outputs["dataVolume"]?.value as
    { name?: unknown; deletedOnDestroy?: unknown } | undefined;
  const secrets = outputs["dataSecrets"]?.value as Partial<DataSecrets> | undefined;
  if (volume === undefined || typeof volume.name !== "string") {
    return { kind: "none" };
  }
  if (volume.deletedOnDestroy === true) {
    return { kind: "delete", volume: volume.name };
  }
  if (
    typeof secrets?.masterKey !== "string" ||
    typeof secrets.saltKey !== "string" ||
    typeof secrets.databasePassword !== "string"
  ) {
    return { kind: "none" };
  }
  return {
    kind: "keep",
    volume: volume.name,
    secrets: {
      masterKey: secrets.masterKey,
      saltKey: secrets.saltKey,
      databasePassword: secrets.databasePassword,
    },
  };
}

/**
 * Whether the stack's state holds resources beyond the stack itself and its providers (a
 * direct-OpenAI stack, or one never deployed, holds none). `resources`: the state's, already read.
 */
export async function hasResources(
  stack: Stack,
  resources?: ReadonlyArray<{ type?: string }>,
): Promise<boolean> {
  const inState = resources ?? (await exportState(stack)).resources;
  return inState.some(
    (r) => r.type !== "pulumi:pulumi:Stack" && !(r.type ?? "").startsWith("pulumi:providers:"),
  );
}

/**
 * Whether this update switches a stack that has a gateway to the direct-OpenAI mode (config
 * `llmProvider` openai while the state still holds resources): it removes the gateway.
 */
export async function switchesToDirect(stack: Stack, reads?: StackReads): Promise<boolean> {
  const config = reads?.config ?? (await stack.getAllConfig());
  const provider = config[`${PROJECT}:llmProvider`]?.value;
  return provider === "openai" && (await hasResources(stack, reads?.exported.resources));
}

/**
 * The data plan of removing the stack's gateway (see {@link planData}), refusing when the stack
 * has resources but no recorded `dataSecrets` (its last update did not complete) while the
 * volume is to be kept: what reading it needs would be lost.
 */
export async function planGatewayRemoval(stack: Stack, action: string): Promise<DataPlan> {
  const plan = planData(await stack.outputs());
  if (plan.kind === "none" && (await hasResources(stack))) {
    const deleteData = (await stack.getAllConfig())[`${PROJECT}:deleteDataOnDestroy`]?.value;
    if (deleteData !== "true") {
      throw new CliError(
        `stack '${stack.name}' has resources but no recorded dataSecrets output (its last update did not complete), so ${action} cannot save what the kept data volume needs. ` +
          `Fix: run 'npm run up -- --stack ${stack.name}' until it succeeds (with ${PROJECT}:llmProvider=litellm), then ${action}; or, if the data is not worth keeping, 'pulumi config set --stack ${stack.name} ${PROJECT}:deleteDataOnDestroy true'`,
      );
    }
  }
  return plan;
}

/** `pulumi state unprotect <args>` (the Automation API has no call for it; nothing is parsed). */
function stateUnprotect(stack: Stack, args: readonly string[]): Promise<void> {
  const ws = stack.workspace as LocalWorkspace;
  return new Promise((resolve, reject) => {
    execFile(
      pulumiExecutable(stack),
      ["state", "unprotect", ...args, "--yes", "--non-interactive", "--stack", stack.name],
      { cwd: ws.workDir, env: { ...process.env, ...ws.envVars } },
      (error, _stdout, stderr) =>
        error === null
          ? resolve()
          : reject(new CliError(`pulumi state unprotect failed: ${stderr.trim()}`)),
    );
  });
}

/** `pulumi state unprotect --all`. */
export const unprotectAll = (stack: Stack): Promise<void> => stateUnprotect(stack, ["--all"]);

/**
 * `pulumi state unprotect <urn>` for each protected resource whose URN ends with `match`
 * (or that `match` accepts); returns the URNs it unprotected (none when nothing matched).
 */
export async function unprotectResource(
  stack: Stack,
  match: string | ((urn: string, type: string) => boolean),
): Promise<string[]> {
  const accept = typeof match === "string" ? (urn: string): boolean => urn.endsWith(match) : match;
  const resources =
    (
      (await stack.exportStack()).deployment as
        { resources?: { urn: string; type: string; protect?: boolean }[] } | undefined
    )?.resources ?? [];
  const urns = resources
    .filter((r) => r.protect === true && accept(r.urn, r.type))
    .map((r) => r.urn);
  for (const urn of urns) {
    await stateUnprotect(stack, [urn]);
  }
  return urns;
}

/**
 * Carries out `plan` before the gateway's resources are deleted: saves the secrets of a kept
 * volume into the stack's config, says which volume goes, and unprotects the state (the salt
 * key is protected against replacement; removing the whole gateway is deliberate).
 */
export async function prepareGatewayRemoval(stack: Stack, plan: DataPlan): Promise<void> {
  if (plan.kind === "keep") {
    log(
      `keeping the data volume ${plan.volume}: saving the master key, salt key and database password into the stack's config (secrets)`,
    );
    await stack.setAllConfig({
      [`${PROJECT}:masterKey`]: { value: plan.secrets.masterKey, secret: true },
      [`${PROJECT}:saltKey`]: { value: plan.secrets.saltKey, secret: true },
      [`${PROJECT}:databasePassword`]: { value: plan.secrets.databasePassword, secret: true },
    });
    // The saved key is now a configured one: its rotation counter no longer applies.
    if (`${PROJECT}:masterKeyRotation` in (await stack.getAllConfig())) {
      await stack.removeConfig(`${PROJECT}:masterKeyRotation`);
    }
  } else if (plan.kind === "delete") {
    log(`deleting the data volume ${plan.volume} (deleteDataOnDestroy=true)`);
  }
  await unprotectAll(stack);
}
