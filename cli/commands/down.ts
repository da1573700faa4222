import { execFile } from "node:child_process";
import type { LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { PROJECT } from "../../config";
import { ensureBuilt } from "../build";
import { STREAM, type Command } from "../command";
import { CliError, EXIT, log } from "../report";
import { openStack, pulumiExecutable } from "../workspace";

/** The secrets a kept data volume needs, as the stack exports them (output `dataSecrets`). */
export interface DataSecrets {
  masterKey: string;
  saltKey: string;
  databasePassword: string;
}

/** What `down` does about the data before it destroys the stack. */
export type DataPlan =
  | { kind: "keep"; volume: string; secrets: DataSecrets }
  | { kind: "delete"; volume: string }
  | { kind: "none" };

/**
 * Decides from the stack outputs (`dataVolume`, `dataSecrets`) whether the data volume is kept
 * (and which secrets must be saved into the stack config for a later `up` to read it) or
 * deleted. Without those outputs the stack never completed an update: `none`.
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

/** `pulumi state unprotect --all` (the Automation API has no call for it; nothing is parsed). */
export function unprotectAll(stack: Stack): Promise<void> {
  const ws = stack.workspace as LocalWorkspace;
  return new Promise((resolve, reject) => {
    execFile(
      pulumiExecutable(stack),
      ["state", "unprotect", "--all", "--yes", "--non-interactive", "--stack", stack.name],
      { cwd: ws.workDir, env: { ...process.env, ...ws.envVars } },
      (error, _stdout, stderr) =>
        error === null
          ? resolve()
          : reject(new CliError(`pulumi state unprotect failed: ${stderr.trim()}`)),
    );
  });
}

/** `npm run down`: destroys the stack, keeping the data volume and what reading it needs. */
export const down: Command = {
  name: "down",
  summary: "Destroys the stack; the data volume survives unless deleteDataOnDestroy is set.",
  details: `
Before anything is destroyed, the master key, salt key and database password (the stack output
dataSecrets) are saved into the stack's config as secrets, so that a later up reuses them with
the kept volume. The stack's own gateway contents (credentials, model aliases, virtual keys) are
deleted from the gateway first: a later up creates them again from config, with new raw virtual
keys. Objects made outside the stack stay in the kept database. To pause a gateway and keep its
keys, use npm run stop / npm run start instead.`,
  flags: {},
  async run(target) {
    await ensureBuilt();
    const stack = await openStack(target, { create: false });
    const plan = planData(await stack.outputs());
    if (plan.kind === "none") {
      const pending = (await stack.previewDestroy()).changeSummary["delete"] ?? 0;
      const deleteData = (await stack.getAllConfig())[`${PROJECT}:deleteDataOnDestroy`]?.value;
      if (pending > 0 && deleteData !== "true") {
        throw new CliError(
          `stack '${stack.name}' has resources but no recorded dataSecrets output (its last update did not complete), so down cannot save what the kept data volume needs. ` +
            `Fix: run 'npm run up -- --stack ${stack.name}' until it succeeds, then down; or, if the data is not worth keeping, 'pulumi config set --stack ${stack.name} ${PROJECT}:deleteDataOnDestroy true'`,
        );
      }
    } else if (plan.kind === "keep") {
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
    } else {
      log(`deleting the data volume ${plan.volume} (deleteDataOnDestroy=true)`);
    }
    // The salt key is protected against replacement; destroying the whole stack is deliberate.
    await unprotectAll(stack);
    await stack.destroy({ ...STREAM });
    if (plan.kind === "keep") {
      log(`kept the data volume ${plan.volume}; the next up reuses it`);
    }
    return EXIT.ok;
  },
};
