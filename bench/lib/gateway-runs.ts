/**
 * The measurements of `npm run bench` (docs/benchmarks.md), each on the real gateway: a cold
 * start of the stack against the compose baseline, and no-op `up` and `drift` runs at N admin
 * objects with the admin calls counted at the proxy in front of the gateway.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  createTestStack,
  freePort,
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  type TestStack,
} from "../../test/e2e/harness";
import { seedContents, seedObjects, type ContentCounts } from "../../test/faults/convergence";
import { startFaultProxy, type FaultProxy, type RecordedRequest } from "../../test/faults/proxy";
import { composeProject, type ComposeMigrations } from "../compose/compose";
import { coldUpPhases, recordContainerEvents, type Phase } from "./timeline";

/** N admin objects: a tenth credentials, four tenths model aliases, half virtual keys. */
export function countsFor(n: number): ContentCounts {
  const credentials = Math.max(1, Math.round(n / 10));
  const models = Math.max(1, Math.round((4 * n) / 10));
  return { credentials, models, keys: n - credentials - models };
}

/** Admin calls of one run: reads are GETs, writes everything else; health probes apart. */
export interface Calls {
  reads: number;
  writes: number;
  health: number;
}

export function callsOf(requests: readonly RecordedRequest[]): Calls {
  const health = requests.filter((r) => r.path.startsWith("/health"));
  const admin = requests.filter((r) => !r.path.startsWith("/health"));
  return {
    reads: admin.filter((r) => r.method === "GET").length,
    writes: admin.filter((r) => r.method !== "GET").length,
    health: health.length,
  };
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** A stack whose admin API is reached through a counting proxy (no faults). */
interface CountedStack {
  t: TestStack;
  proxy: FaultProxy;
  close(): Promise<void>;
}

async function countedStack(prefix: string, n: number, seed: number): Promise<CountedStack> {
  const t = await createTestStack(prefix, {
    config: { imageSource: "local", ...seedContents(seed, countsFor(n)) },
  });
  const proxy = await startFaultProxy({ target: t.baseUrl });
  await t.setConfig({ adminUrl: proxy.url });
  return {
    t,
    proxy,
    async close() {
      await t.remove();
      await proxy.close();
    },
  };
}

async function cli(
  t: TestStack,
  verb: string,
  args: readonly string[] = [],
  expected: readonly number[] = [0],
): Promise<number> {
  const started = Date.now();
  const r = await t.cli(verb, args);
  if (!expected.includes(r.code)) {
    throw new Error(`npm run ${verb} on ${t.name} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  }
  return Date.now() - started;
}

/** One cold start of each side. */
export interface ColdRound {
  stackSeconds: number;
  /** The compose baseline with the same env: a migration service first (what the stack does). */
  composeSeconds: number;
  /** The compose baseline that migrates at the gateway's start (LiteLLM's docker-compose way). */
  composeInlineSeconds: number;
  /** Of the stack's cold up. */
  phases: Phase[];
}

/** A cold `npm run up` of a stack with `n` objects (nothing of it exists before). */
async function stackColdStart(
  n: number,
  round: number,
): Promise<{ seconds: number; phases: Phase[] }> {
  const s = await countedStack("bench-cold", n, round);
  try {
    const recorder = recordContainerEvents(s.t.name);
    const started = Date.now();
    try {
      await cli(s.t, "up");
    } catch (err) {
      await recorder.stop().catch(() => undefined);
      throw err;
    }
    const finished = Date.now();
    const events = await recorder.stop();
    const phases = coldUpPhases(s.t.name, events, started, finished, s.proxy.requests());
    return { seconds: seconds(finished - started), phases };
  } finally {
    await s.close();
  }
}

/** `docker-compose up -d` plus register.sh with the same `n` objects, until the last one is in. */
async function composeColdStart(
  n: number,
  round: number,
  migrations: ComposeMigrations,
): Promise<number> {
  const project = composeProject(
    `bench-compose-${migrations}-${round}-${Date.now().toString(36)}`,
    { postgres: POSTGRES_IMAGE, litellm: LITELLM_IMAGE },
    await freePort(),
    migrations,
  );
  try {
    const started = Date.now();
    const { compose, register } = await project.start(seedObjects(round, countsFor(n)));
    const finished = Date.now();
    for (const [step, r] of [
      ["docker-compose up", compose],
      ["register.sh", register],
    ] as const) {
      if (r.code !== 0) {
        throw new Error(`${step} of ${project.name} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      }
    }
    return seconds(finished - started);
  } finally {
    await project.remove();
  }
}

/**
 * `rounds` cold starts of each side with `n` objects, the order of the three sides rotating from
 * round to round so that none always meets a warmer machine.
 */
export async function coldStarts(
  n: number,
  rounds: number,
  log: (line: string) => void,
): Promise<ColdRound[]> {
  const out: ColdRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    let stack: { seconds: number; phases: Phase[] } = { seconds: 0, phases: [] };
    const compose: Record<ComposeMigrations, number> = { step: 0, inline: 0 };
    const sides: Array<() => Promise<void>> = [
      async () => {
        stack = await stackColdStart(n, round);
      },
      async () => {
        compose.step = await composeColdStart(n, round, "step");
      },
      async () => {
        compose.inline = await composeColdStart(n, round, "inline");
      },
    ];
    for (let i = 0; i < sides.length; i++) {
      await (sides[(i + round - 1) % sides.length] as () => Promise<void>)();
    }
    out.push({
      stackSeconds: stack.seconds,
      composeSeconds: compose.step,
      composeInlineSeconds: compose.inline,
      phases: stack.phases,
    });
    log(
      `cold start round ${round}: npm run up ${stack.seconds} s, compose + script ${compose.step} s (migration service), ${compose.inline} s (inline migration)`,
    );
  }
  return out;
}

/** One timed run and the admin calls it made. */
export interface CountedRun {
  seconds: number;
  calls: Calls;
  /** Of a drift run: the wall time of each of its steps in seconds (its `--json` timingsMs). */
  steps?: Record<string, number>;
}

/** What one N measured. */
export interface ScaleResult {
  n: number;
  counts: ContentCounts;
  firstUpSeconds: number;
  noopUps: CountedRun[];
  drifts: CountedRun[];
  state: StateSize;
}

/** The size of the stack's state. */
export interface StateSize {
  /** The raw state file, in bytes. */
  totalBytes: number;
  /** Dynamic resources (the admin objects and the stack's own helpers). */
  dynamicResources: number;
  /** Their mean size in the state, serialized provider included. */
  bytesPerDynamicResource: number;
  /** The mean size of the serialized provider alone. */
  bytesPerSerializedProvider: number;
}

export function stateSize(raw: string): StateSize {
  const resources =
    (JSON.parse(raw) as { checkpoint?: { latest?: { resources?: Record<string, unknown>[] } } })
      .checkpoint?.latest?.resources ?? [];
  const dynamic = resources.filter((r) => String(r["type"]).startsWith("pulumi-nodejs:dynamic"));
  const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));
  const providerBytes = dynamic.map((r) => {
    const inputs = r["inputs"] as Record<string, unknown> | undefined;
    return bytes(inputs?.["__provider"] ?? "");
  });
  const mean = (xs: number[]): number =>
    xs.length === 0 ? 0 : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    totalBytes: Buffer.byteLength(raw),
    dynamicResources: dynamic.length,
    bytesPerDynamicResource: mean(dynamic.map(bytes)),
    bytesPerSerializedProvider: mean(providerBytes),
  };
}

/** The steps of a drift run from its `--json` report, in seconds. */
export function driftSteps(json: string): Record<string, number> {
  const timings = (JSON.parse(json) as { timingsMs?: Record<string, number> }).timingsMs ?? {};
  return Object.fromEntries(Object.entries(timings).map(([step, ms]) => [step, seconds(ms)]));
}

/** A stack with `n` objects: its first up, then `runs` no-op ups and `runs` drift checks. */
export async function atScale(
  n: number,
  runs: number,
  log: (line: string) => void,
): Promise<ScaleResult> {
  const s = await countedStack(`bench-n${n}`, n, n);
  try {
    const firstUpSeconds = seconds(await cli(s.t, "up"));
    log(`N=${n}: first up ${firstUpSeconds} s`);
    const counted = async (verb: string, args: readonly string[] = []): Promise<CountedRun> => {
      s.proxy.resetRequests();
      const ms = await cli(s.t, verb, args);
      return { seconds: seconds(ms), calls: callsOf(s.proxy.requests()) };
    };
    const report = path.join(s.t.dir, "drift.json");
    const noopUps: CountedRun[] = [];
    const drifts: CountedRun[] = [];
    for (let i = 0; i < runs; i++) {
      noopUps.push(await counted("up"));
      const drift = await counted("drift", ["--json", report]);
      drifts.push({ ...drift, steps: driftSteps(readFileSync(report, "utf8")) });
      const [u, d] = [noopUps[i] as CountedRun, drifts[i] as CountedRun];
      log(
        `N=${n} run ${i + 1}: no-op up ${u.seconds} s (${u.calls.reads} reads, ${u.calls.writes} writes), drift ${d.seconds} s (${d.calls.reads} reads, ${d.calls.writes} writes)`,
      );
    }
    return {
      n,
      counts: countsFor(n),
      firstUpSeconds,
      noopUps,
      drifts,
      state: stateSize(s.t.rawState()),
    };
  } finally {
    await s.close();
  }
}
