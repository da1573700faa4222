/**
 * Fault-convergence benchmark (issue 14, item 1): one stack on the real gateway, its admin API
 * reached through the fault proxy; for each seed, 50 admin objects are declared (replacing the
 * previous seed's) and `npm run up` runs with 20% of the admin calls failing until it succeeds
 * (at most 2 runs count as converged). Prints, per seed and in all: runs to converge, duplicates,
 * orphans, missing objects, the calls and faults, and the time.
 *
 *   npm run bench:faults [-- --seeds 10] [--rate 0.2]
 *
 * Needs what the e2e suite needs (npm run toolchain, npm run images). Takes about a minute or
 * two per seed on 2 cores.
 */
import { parseArgs } from "node:util";
import { convergeSeed, type SeedResult } from "../test/faults/convergence";
import { startFaultProxy } from "../test/faults/proxy";
import { createTestStack } from "../test/e2e/harness";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seeds: { type: "string", default: "10" }, rate: { type: "string", default: "0.2" } },
  });
  const seeds = Number(values.seeds);
  const rate = Number(values.rate);
  const t = await createTestStack("bench-faults", { config: { imageSource: "local" } });
  const proxy = await startFaultProxy({ target: t.baseUrl });
  const results: SeedResult[] = [];
  try {
    await t.setConfig({ adminUrl: proxy.url });
    const up = await t.cli("up");
    if (up.code !== 0) {
      throw new Error(`npm run up (no faults) exited ${up.code}\n${up.stderr}`);
    }
    console.log(`fault convergence: ${seeds} seeds, ${rate * 100}% of admin calls failing`);
    console.log(
      "seed  runs  exits  calls  faults(500/429/reset/timeout/drop)  dup  orphans  missing  seconds",
    );
    for (let seed = 1; seed <= seeds; seed++) {
      const r = await convergeSeed(t, proxy, seed, { rate });
      results.push(r);
      const f = (k: string): number => r.faults[k] ?? 0;
      console.log(
        [
          String(seed).padStart(4),
          String(r.runs).padStart(5),
          r.exitCodes.join(",").padStart(6),
          String(r.calls).padStart(6),
          `${f("error-500")}/${f("error-429")}/${f("reset")}/${f("timeout")}/${f("drop_after_commit")}`.padStart(
            35,
          ),
          String(r.duplicates.length).padStart(4),
          String(r.orphans.length).padStart(8),
          String(r.missing.length).padStart(8),
          String(r.seconds).padStart(8),
        ].join(""),
      );
      for (const line of [...r.duplicates, ...r.orphans, ...r.missing]) {
        console.log(`      ${line}`);
      }
    }
  } finally {
    await t.remove();
    await proxy.close();
  }
  const sum = (f: (r: SeedResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const converged = results.filter((r) => r.runs <= 2).length;
  console.log(
    `total: converged in <= 2 runs ${converged}/${results.length}, max runs ${Math.max(...results.map((r) => r.runs))}, ` +
      `duplicates ${sum((r) => r.duplicates.length)}, orphans ${sum((r) => r.orphans.length)}, missing ${sum((r) => r.missing.length)}, ` +
      `calls ${sum((r) => r.calls)}, faults ${sum((r) => Object.values(r.faults).reduce((a, b) => a + b, 0))}, ${sum((r) => r.seconds)} s`,
  );
  return converged === results.length && sum((r) => r.duplicates.length + r.orphans.length) === 0
    ? 0
    : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
