import { writeFileSync } from "node:fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { ensureBuilt } from "../build";
import type { Command } from "../command";
import { CliError, EXIT } from "../report";
import { openStack } from "../workspace";
import { outOfBandContainers } from "../../drift/containers";
import {
  containerName,
  driftedResources,
  formatSummary,
  type DriftReport,
} from "../../drift/report";
import { ownedIds, unmanagedObjects } from "../../drift/unmanaged";

/** Exit code of `npm run drift` when drift was found (0: none; 1: the check failed). */
export const DRIFT_FOUND = 3;

/** Whether the gateway answers, and whether its database is connected (its readiness). */
async function gatewayState(baseUrl: string): Promise<"ok" | "down" | "no-db"> {
  try {
    const res = await fetch(`${baseUrl}/health/readiness`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json().catch(() => ({}))) as { db?: unknown };
    return res.ok && body.db === "connected" ? "ok" : "no-db";
  } catch {
    return "down";
  }
}

/** `npm run drift`: compares the real gateway with the stack; writes nothing. */
export const drift: Command = {
  name: "drift",
  summary: "Reports what changed outside the stack (a preview with refresh; writes no state).",
  details: `
Reads the real state of every resource (Docker objects, the gateway's credentials, model aliases
and virtual keys) and compares it with the code and config, like npm run preview, but prints
only a summary: each drifted resource by its config name, each property as old → new (the real
value, then the declared one; "changed" for secrets). Objects on the gateway that the stack does
not own are listed as information, not drift. Nothing is written: no state, no config.
Exit codes: 0 no drift, ${DRIFT_FOUND} drift found, 1 the check failed (e.g. the backend or Docker does not
answer), 2 bad command line. --json FILE also writes the report as JSON (no secrets).
npm run up repairs what drift reports (it refreshes first). Scheduling: docs/drift.md.`,
  flags: {
    json: { type: "string", value: "FILE", help: "also write the report as JSON to FILE" },
  },
  async run(target, flags) {
    await ensureBuilt();
    const stack = await openStack(target, { create: false });
    const outputs = await stack.outputs();
    // The URL the stack administers the gateway through (LITELLM_BASE_URL, the consuming
    // server's, may not be reachable from here; stacks deployed before adminUrl have only it).
    const baseUrl = (outputs["adminUrl"]?.value ?? outputs["LITELLM_BASE_URL"]?.value) as
      string | undefined;
    const masterKey = outputs["LITELLM_MASTER_KEY"]?.value as string | undefined;
    const notes: string[] = [];
    const state = baseUrl === undefined ? undefined : await gatewayState(baseUrl);
    const gatewayAnswers = state === "ok";
    if (state === "down" || state === "no-db") {
      notes.push(
        `the gateway at ${baseUrl} ${state === "down" ? "does not answer" : "has no database connection"}, so its credentials, model aliases and virtual keys were not compared; npm run up -- --stack ${stack.name} repairs it, then run drift again`,
      );
    }
    const events: EngineEvent[] = [];
    try {
      await stack.preview({ refresh: true, diff: true, onEvent: (e) => events.push(e) });
    } catch (err) {
      if (err instanceof CommandError) {
        const lines = String(err.message)
          .split("\n")
          .filter((l) => /error:/.test(l))
          .map((l) => `  ${l.trim()}`);
        throw new CliError(
          `the drift check of stack '${stack.name}' failed (nothing was changed):\n${[...new Set(lines)].join("\n")}`,
        );
      }
      throw err;
    }
    const report: DriftReport = {
      stack: stack.name,
      drifted: false,
      resources: driftedResources(events),
      unmanaged: [],
      notes,
    };
    const deployment = (await stack.exportStack()).deployment;
    for (const r of await outOfBandContainers(deployment)) {
      report.resources = report.resources.filter((x) => x.urn !== r.urn);
      report.resources.push({
        name: containerName(r.urn, r.name),
        urn: r.urn,
        op: r.kind,
        properties: [
          { name: r.property, old: r.real.join(", "), new: r.declared.join(", "), secret: false },
        ],
      });
    }
    report.drifted = report.resources.length > 0 || notes.length > 0;
    if (gatewayAnswers && masterKey !== undefined && baseUrl !== undefined) {
      try {
        report.unmanaged = await unmanagedObjects(
          { baseUrl, masterKey, stack: stack.name },
          ownedIds(deployment),
        );
      } catch (err) {
        notes.push(
          `objects not managed by the stack could not be listed: ${(err as Error).message}`,
        );
      }
    }
    process.stdout.write(formatSummary(report));
    const json = flags["json"];
    if (typeof json === "string") {
      writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    }
    return report.drifted ? DRIFT_FOUND : EXIT.ok;
  },
};
