/**
 * `npm run bench` (issue 15): the stack against docker compose plus a script, and its cost as the
 * gateway grows, on the real gateway. Writes docs/benchmarks.md (and the plot docs/benchmarks.png)
 * and prints each number as it is measured.
 *
 *   npm run bench [-- --runs 5] [--n 10,50,300] [--cold-n 10] [--out docs/benchmarks.md]
 *   npm run bench -- --from-json docs/benchmarks.json   (renders the report again, measures nothing)
 *
 * Needs what `npm run up` sets up (toolchain, Docker, local images), plus Debian's
 * docker-compose and python3-matplotlib (scripts/bench.sh installs them).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { run } from "../test/e2e/harness";
import { LITELLM_VERSION } from "../config";
import { previewFloor } from "./lib/floor";
import { atScale, coldStarts, type ScaleResult } from "./lib/gateway-runs";
import { plotData, renderReport, type BenchResults, type Machine } from "./lib/report";

const ROOT = path.resolve(__dirname, "..");

async function versionOf(file: string, args: readonly string[]): Promise<string> {
  const r = await run(file, args);
  return r.code === 0
    ? (r.stdout.trim().split("\n")[0] ?? "")
    : `unavailable (${file} exited ${r.code})`;
}

async function machine(): Promise<Machine> {
  const pkg = (await import("../package.json")) as { version: string };
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: os.cpus()[0]?.model ?? "unknown CPU",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    versions: {
      "litellm-stack": pkg.version,
      LiteLLM: `${LITELLM_VERSION} (local image)`,
      "Pulumi CLI": await versionOf(process.env["PULUMI_CLI"] ?? "pulumi", ["version"]),
      "Node.js": process.version,
      "Docker engine": await versionOf("docker", ["version", "--format", "{{.Server.Version}}"]),
      "docker-compose": await versionOf("docker-compose", ["version", "--short"]),
    },
  };
}

/**
 * Writes the report (docs/benchmarks.md), its plot (.png, with two N or more) and the raw results
 * (.json) next to `outFile`, in the repository's format; prints the report.
 */
function writeOutputs(results: BenchResults, outFile: string): void {
  const plotFile = outFile.replace(/\.md$/, "") + ".png";
  let plotted: string | undefined;
  if (results.scale.length >= 2) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "litellm-stack-bench-"));
    const data = path.join(tmp, "plot.json");
    writeFileSync(data, JSON.stringify(plotData(results)));
    const plot = spawnSync("/usr/bin/python3", [path.join(__dirname, "plot.py"), data, plotFile], {
      encoding: "utf8",
    });
    rmSync(tmp, { recursive: true, force: true });
    if (plot.status !== 0) {
      throw new Error(`bench/plot.py failed (exit ${plot.status}): ${plot.stderr}`);
    }
    plotted = path.basename(plotFile);
  }
  const report = renderReport(results, plotted);
  writeFileSync(outFile, report);
  const jsonFile = outFile.replace(/\.md$/, "") + ".json";
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  // In the repository's format, so that the written files pass `npm run format:check`.
  const prettier = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "prettier"),
    ["--write", outFile, jsonFile],
    { encoding: "utf8" },
  );
  if (prettier.status !== 0) {
    throw new Error(`prettier --write failed (exit ${prettier.status}): ${prettier.stderr}`);
  }
  console.log(report);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      n: { type: "string", default: "10,50,300" },
      "cold-n": { type: "string", default: "10" },
      out: { type: "string", default: "docs/benchmarks.md" },
      "from-json": { type: "string" },
    },
  });
  if (values["from-json"] !== undefined) {
    // Renders the report again from a run's recorded results (the .json it wrote), measuring
    // nothing: for a change of the report's text.
    const results = JSON.parse(readFileSync(values["from-json"], "utf8")) as BenchResults;
    writeOutputs(results, path.resolve(ROOT, values.out));
    return 0;
  }
  const runs = Number(values.runs);
  const ns = values.n.split(",").map(Number);
  const coldN = Number(values["cold-n"]);
  for (const [flag, v] of [
    ["--runs", runs],
    ["--cold-n", coldN],
    ...ns.map((n) => ["--n", n] as const),
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${flag}: ${String(v)} is not a positive whole number`);
    }
  }
  const log = (line: string): void =>
    console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const started = Date.now();
  const info = await machine();
  log(
    `machine: ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB; ${JSON.stringify(info.versions)}`,
  );

  const cold = await coldStarts(coldN, runs, log);
  const scale: ScaleResult[] = [];
  for (const n of ns) {
    scale.push(await atScale(n, runs, log));
  }

  const floor = await previewFloor(ROOT, runs);
  log(
    `the floor: a preview of an empty program ${floor.preview.join(", ")} s, with --refresh ${floor.previewRefresh.join(", ")} s`,
  );

  const results: BenchResults = { machine: info, runs, coldN, cold, scale, floor };
  const outFile = path.resolve(ROOT, values.out);
  writeOutputs(results, outFile);
  log(`wrote ${path.relative(ROOT, outFile)} in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
