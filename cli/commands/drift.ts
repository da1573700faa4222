import { writeFileSync } from "node:fs";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { ensureBuilt } from "../build";
import { PREVIEW_PARALLEL, type Command } from "../command";
import { CliError, EXIT } from "../report";
import { adminUrlOf, exportState, stackOutputs } from "../exported";
import { StepTimes } from "../timings";
import { readiness, readinessText } from "../readiness";
import { openStack } from "../workspace";
import { adminEndpoint } from "../kubernetes";
import { NETWORK_TYPE, PENDING_MOVE_NOTE, pendingMove } from "../legacy-network";
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

/** A preview with refresh (writes nothing): its engine events; a failure names its errors. */
async function refreshPreview(stack: Stack): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  try {
    await stack.preview({
      refresh: true,
      diff: true,
      parallel: PREVIEW_PARALLEL,
      onEvent: (e) => events.push(e),
    });
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
  return events;
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
answer), 2 bad command line. --json FILE also writes the report as JSON (no secrets), with the
wall time of each step (timingsMs).
npm run up repairs what drift reports (it refreshes first). Scheduling: docs/drift.md.`,
  flags: {
    json: { type: "string", value: "FILE", help: "also write the report as JSON to FILE" },
  },
  async run(target, flags) {
    const times = new StepTimes();
    const started = performance.now();
    await times.step("build check", () => ensureBuilt());
    const stack = await times.step("stack select", () => openStack(target, { create: false }));
    // Notes that mean drift (the gateway could not be compared), and notes that do not.
    const notes: string[] = [];
    const infoNotes: string[] = [];
    /**
     * What is read from the state export (one export serves the outputs, the containers' declared
     * settings and the owned objects): the containers' check, the listing of unmanaged objects
     * and a pending move of the network (cli/legacy-network.ts).
     */
    const fromExport = async () => {
      const exported = await times.step("state export", () => exportState(stack));
      const outputs = stackOutputs(exported.resources);
      const masterKey = outputs["LITELLM_MASTER_KEY"] as string | undefined;
      /** The gateway's objects the stack does not own, with a note when it cannot be read. */
      const gatewayObjects = async (baseUrl: string | undefined, forwardError?: string) => {
        const state = baseUrl === undefined ? undefined : await readiness(baseUrl);
        if (state === "down" || state === "no-db") {
          notes.push(
            `the gateway at ${adminUrlOf(outputs) ?? baseUrl} ${readinessText(state)}${forwardError === undefined ? "" : ` (${forwardError})`}, so its credentials, model aliases and virtual keys were not compared; npm run up -- --stack ${stack.name} repairs it, then run drift again`,
          );
        }
        if (state !== "ok" || masterKey === undefined || baseUrl === undefined) {
          return [];
        }
        try {
          return await unmanagedObjects(
            { baseUrl, masterKey, stack: stack.name },
            ownedIds(exported.deployment),
          );
        } catch (err) {
          infoNotes.push(
            `objects not managed by the stack could not be listed: ${(err as Error).message}`,
          );
          return [];
        }
      };
      return Promise.all([
        times.step("containers", () => outOfBandContainers(exported.deployment)),
        times.step("gateway and unmanaged objects", async () => {
          // On Kubernetes through a port-forward to the gateway's Service.
          const endpoint = await adminEndpoint(outputs);
          try {
            return await gatewayObjects(endpoint.url, endpoint.forwardError);
          } finally {
            endpoint.close();
          }
        }),
        pendingMove(exported.resources),
      ]);
    };
    // The refresh and what reads the export read independent things (nothing is written), so
    // they run side by side.
    const [events, [outOfBand, unmanaged, move]] = await Promise.all([
      times.step("preview --refresh", () => refreshPreview(stack)),
      fromExport(),
    ]);
    const report: DriftReport = {
      stack: stack.name,
      drifted: false,
      resources: driftedResources(events),
      unmanaged,
      notes,
    };
    if (move !== undefined) {
      infoNotes.push(PENDING_MOVE_NOTE);
      // The network exists: the new resource's create and the old one's delete are that move.
      // (A network removed by hand is still reported missing: the refresh dropped the old one.)
      if (move.exists) {
        report.resources = report.resources.filter(
          (r) => r.urn !== move.urn && !(r.op === "create" && r.urn.includes(`$${NETWORK_TYPE}::`)),
        );
      }
    }
    for (const r of outOfBand) {
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
    report.notes.push(...infoNotes);
    times.ms["total"] = Math.round(performance.now() - started);
    process.stdout.write(formatSummary(report));
    const json = flags["json"];
    if (typeof json === "string") {
      writeFileSync(json, `${JSON.stringify({ ...report, timingsMs: times.ms }, null, 2)}\n`);
    }
    return report.drifted ? DRIFT_FOUND : EXIT.ok;
  },
};
