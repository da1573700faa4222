/**
 * Where the time of a cold `npm run up` goes (docs/benchmarks.md, item 5), from two real
 * sources: Docker's event log of the stack's containers (labels litellm-stack.stack and
 * litellm-stack.role: created, started, healthy, exited) and the admin calls the counting proxy
 * saw, each with its arrival time.
 */
import { spawn } from "node:child_process";
import type { RecordedRequest } from "../../test/faults/proxy";

/** One phase of a cold up: offsets from the command's start, in seconds. */
export interface Phase {
  name: string;
  from: number;
  to: number;
}

/** A container event: its role, action (`create`, `start`, `health_status: healthy`, `die`) and time. */
export interface ContainerEvent {
  role: string;
  action: string;
  at: number;
}

/** One line of `docker events --format '{{json .}}'` as a container event. */
function parseEvent(line: string): ContainerEvent {
  const e = JSON.parse(line) as {
    Action: string;
    timeNano: number;
    Actor: { Attributes: Record<string, string> };
  };
  return {
    role: e.Actor.Attributes["litellm-stack.role"] ?? "",
    action: e.Action,
    at: e.timeNano / 1e6,
  };
}

/**
 * Records the events of stack `stack`'s containers from now until `stop()`. They are streamed
 * as they happen: the daemon keeps only its last 256 events for a later `docker events --since`,
 * which healthchecks and other stacks' `docker exec` calls overrun within a minute. `--since`
 * now also replays what happened while the stream connected.
 */
export function recordContainerEvents(stack: string): { stop(): Promise<ContainerEvent[]> } {
  const child = spawn(
    "docker",
    [
      "events",
      "--since",
      String(Math.floor(Date.now() / 1000)),
      "--filter",
      "type=container",
      "--filter",
      `label=litellm-stack.stack=${stack}`,
      "--format",
      "{{json .}}",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    async stop() {
      // The daemon delivers an event shortly after it happened.
      await new Promise((r) => setTimeout(r, 1000));
      child.kill("SIGTERM");
      await exited;
      if (err.trim() !== "") {
        throw new Error(`docker events failed: ${err.trim()}`);
      }
      return out
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map(parseEvent);
    },
  };
}

/**
 * The phases of one cold up of `stack` that ran from `started` to `finished` (ms since the
 * epoch), from its container `events` (recordContainerEvents); `calls` are the admin calls of
 * that run. Throws when an expected event is missing.
 */
export function coldUpPhases(
  stack: string,
  events: readonly ContainerEvent[],
  started: number,
  finished: number,
  calls: readonly RecordedRequest[],
): Phase[] {
  const at = (role: string, action: string, which: "first" | "last" = "first"): number => {
    const hits = events.filter((e) => e.role === role && e.action === action);
    const hit = which === "first" ? hits[0] : hits[hits.length - 1];
    if (hit === undefined) {
      throw new Error(`no '${action}' event of the ${role} container of ${stack}`);
    }
    return hit.at;
  };
  const healthy = "health_status: healthy";
  const admin = calls.filter((c) => !c.path.startsWith("/health"));
  const adminFrom = admin[0]?.at ?? at("gateway", healthy);
  const adminTo = admin[admin.length - 1]?.at ?? adminFrom;
  const s = (ms: number): number => (ms - started) / 1000;
  return [
    {
      name: "CLI start, config and image checks, Pulumi engine, network and volume",
      from: 0,
      to: s(at("db", "create")),
    },
    {
      name: "database container created, started, healthy",
      from: s(at("db", "create")),
      to: s(at("db", healthy)),
    },
    {
      name: "migrations (one-shot LiteLLM container)",
      from: s(at("migrate", "create")),
      to: s(at("migrate", "die")),
    },
    {
      name: "gateway container created, started, healthy",
      from: s(at("gateway", "create")),
      to: s(at("gateway", healthy)),
    },
    {
      name: "admin objects registered (first to last admin call)",
      from: s(adminFrom),
      to: s(adminTo),
    },
    {
      name: "outputs and state written, CLI exit",
      from: s(Math.max(adminTo, at("gateway", healthy))),
      to: s(finished),
    },
  ];
}
