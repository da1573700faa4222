/**
 * The benchmark's arithmetic and baseline (bench/): statistics, the object mix, call counting,
 * state sizes, the compose file and the registration script (run against a recording server).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { composeFile } from "../../bench/compose/compose";
import { MIGRATE_COMMAND, MIGRATE_ENTRYPOINT } from "../../components/migration";
import {
  callsOf,
  countsFor,
  driftSteps,
  stateSize,
  type ScaleResult,
} from "../../bench/lib/gateway-runs";
import { driftStepsTable } from "../../bench/lib/report";
import { fit, median } from "../../bench/lib/stats";
import { seedObjects } from "../faults/convergence";

describe("stats", () => {
  test("median of odd and even counts, unsorted input; none is an error", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  test("fit recovers a line and its exponent: linear 1, quadratic 2", () => {
    const line = fit([10, 50, 300], [3 + 0.02 * 10, 3 + 0.02 * 50, 3 + 0.02 * 300]);
    expect(line.intercept).toBeCloseTo(3, 6);
    expect(line.slope).toBeCloseTo(0.02, 6);
    expect(line.r2).toBeCloseTo(1, 6);
    expect(fit([1, 2, 4], [5, 10, 20]).exponent).toBeCloseTo(1, 6);
    expect(fit([1, 2, 4], [1, 4, 16]).exponent).toBeCloseTo(2, 6);
    expect(fit([1, 2], [0, 1]).exponent).toBeUndefined();
    expect(() => fit([5, 5], [1, 2])).toThrow(/two distinct/);
  });
});

test("countsFor splits N into a tenth credentials, four tenths models, the rest keys", () => {
  expect(countsFor(10)).toEqual({ credentials: 1, models: 4, keys: 5 });
  expect(countsFor(50)).toEqual({ credentials: 5, models: 20, keys: 25 });
  expect(countsFor(300)).toEqual({ credentials: 30, models: 120, keys: 150 });
});

test("callsOf counts GETs as reads, other methods as writes, health probes apart", () => {
  const at = 0;
  expect(
    callsOf([
      { method: "GET", path: "/key/info", status: 200, fault: undefined, at },
      { method: "GET", path: "/health/readiness", status: 200, fault: undefined, at },
      { method: "POST", path: "/key/update", status: 200, fault: undefined, at },
      { method: "PATCH", path: "/credentials/x", status: 200, fault: undefined, at },
      { method: "GET", path: "/model/info", status: 200, fault: undefined, at },
    ]),
  ).toEqual({ reads: 2, writes: 2, health: 1 });
});

test("stateSize measures the file, the dynamic resources and their serialized providers", () => {
  const dynamic = {
    type: "pulumi-nodejs:dynamic/litellm:VirtualKey",
    inputs: { __provider: "x".repeat(100), alias: "a" },
  };
  const raw = JSON.stringify({
    checkpoint: {
      latest: { resources: [dynamic, dynamic, { type: "docker:index/network:Network" }] },
    },
  });
  const size = stateSize(raw);
  expect(size.totalBytes).toBe(Buffer.byteLength(raw));
  expect(size.dynamicResources).toBe(2);
  expect(size.bytesPerDynamicResource).toBe(Buffer.byteLength(JSON.stringify(dynamic)));
  expect(size.bytesPerSerializedProvider).toBe(102);
});

test("driftSteps reads a drift report's timingsMs as seconds; a report without them has none", () => {
  expect(
    driftSteps(JSON.stringify({ timingsMs: { "preview --refresh": 9460, total: 12049 } })),
  ).toEqual({ "preview --refresh": 9.5, total: 12 });
  expect(driftSteps(JSON.stringify({ drifted: false }))).toEqual({});
});

test("driftStepsTable gives each step's median per N, a step missing from a run counting 0", () => {
  const at = (n: number, steps: Record<string, number>[]): ScaleResult =>
    ({
      n,
      drifts: steps.map((st) => ({
        seconds: 0,
        calls: { reads: 0, writes: 0, health: 0 },
        steps: st,
      })),
    }) as unknown as ScaleResult;
  const table = driftStepsTable([
    at(10, [
      { preview: 8, total: 11 },
      { preview: 10, total: 13 },
      { preview: 9, total: 12 },
    ]),
    at(50, [{ preview: 12, total: 15, containers: 1 }]),
  ]);
  expect(table.slice(2, 7)).toEqual([
    "| step | N=10 | N=50 |",
    "| --- | --- | --- |",
    "| preview | 9 | 12 |",
    "| total | 12 | 15 |",
    "| containers | 0 | 1 |",
  ]);
  expect(driftStepsTable([at(10, [{}])])).toEqual([]);
});

test("the compose baseline: no host port for the database, the gateway on 127.0.0.1, secrets left to the env", () => {
  const text = composeFile({
    postgresImage: "pg:local",
    litellmImage: "litellm:local",
    port: 4321,
    settingsFile: "/tmp/s.yaml",
    migrations: "inline",
  });
  const file = JSON.parse(text) as {
    services: Record<
      string,
      { ports?: string[]; depends_on?: unknown; environment: Record<string, string> }
    >;
  };
  expect(Object.keys(file.services).sort()).toEqual(["litellm", "litellm-db"]);
  expect(file.services["litellm-db"]?.ports).toBeUndefined();
  expect(file.services["litellm"]?.ports).toEqual(["127.0.0.1:4321:4000"]);
  expect(file.services["litellm"]?.depends_on).toEqual({
    "litellm-db": { condition: "service_healthy" },
  });
  expect(file.services["litellm"]?.environment["LITELLM_MASTER_KEY"]).toBe(
    "${LITELLM_MASTER_KEY:?}",
  );
  expect(text).not.toMatch(/sk-[A-Za-z0-9]/);
});

test("the compose baseline with a migration step: the gateway waits for the one-shot migration and serves with DISABLE_SCHEMA_UPDATE", () => {
  const file = JSON.parse(
    composeFile({
      postgresImage: "pg:local",
      litellmImage: "litellm:local",
      port: 4321,
      settingsFile: "/tmp/s.yaml",
      migrations: "step",
    }),
  ) as {
    services: Record<
      string,
      {
        image: string;
        entrypoint?: string[];
        command?: string[];
        depends_on?: unknown;
        restart?: string;
        environment: Record<string, string>;
      }
    >;
  };
  expect(Object.keys(file.services).sort()).toEqual(["litellm", "litellm-db", "litellm-migrate"]);
  const migrate = file.services["litellm-migrate"];
  expect(migrate?.image).toBe("litellm:local");
  expect(migrate?.entrypoint).toEqual([MIGRATE_ENTRYPOINT]);
  expect(migrate?.command).toEqual([...MIGRATE_COMMAND]);
  expect(migrate?.restart).toBe("no");
  expect(migrate?.depends_on).toEqual({ "litellm-db": { condition: "service_healthy" } });
  expect(Object.keys(migrate?.environment ?? {})).toEqual(["DATABASE_URL"]);
  expect(file.services["litellm"]?.depends_on).toEqual({
    "litellm-db": { condition: "service_healthy" },
    "litellm-migrate": { condition: "service_completed_successfully" },
  });
  expect(file.services["litellm"]?.environment["DISABLE_SCHEMA_UPDATE"]).toBe("true");
});

test("register.sh waits for readiness, then posts each credential, model and key in the admin API's shapes", async () => {
  const seen: { method: string; url: string; auth: string; body: unknown }[] = [];
  let readinessCalls = 0;
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      if (req.url === "/health/readiness") {
        readinessCalls++;
        // Not ready on the first probe.
        res.end(JSON.stringify({ db: readinessCalls > 1 ? "connected" : "disconnected" }));
        return;
      }
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        auth: req.headers.authorization ?? "",
        body: JSON.parse(data) as unknown,
      });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => void server.close());
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-register-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const objects = path.join(dir, "objects.json");
  writeFileSync(objects, JSON.stringify(seedObjects(7, { credentials: 1, models: 2, keys: 1 })));
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      "bash",
      [path.resolve(__dirname, "../../bench/compose/register.sh"), objects],
      {
        env: {
          ...process.env,
          LITELLM_BASE_URL: `http://127.0.0.1:${port}`,
          LITELLM_MASTER_KEY: "sk-test",
        },
        stdio: "ignore",
      },
    );
    child.on("exit", resolve);
  });
  expect(code).toBe(0);
  expect(readinessCalls).toBe(2);
  expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
    "POST /credentials",
    "POST /model/new",
    "POST /model/new",
    "POST /key/generate",
  ]);
  expect(seen.every((s) => s.auth === "Bearer sk-test")).toBe(true);
  expect(seen[0]?.body).toEqual({
    credential_name: "s7-cred-0",
    credential_info: { litellm_provider: "openai", custom_llm_provider: "openai" },
    credential_values: { api_key: "sk-fault-s7-credential-0-0123456789" },
  });
  expect(seen[1]?.body).toEqual({
    model_name: "s7-model-0",
    litellm_params: {
      model: "openai/gpt-4o-mini",
      litellm_credential_name: "s7-cred-0",
      mock_response: "answer of s7-model-0",
    },
  });
  expect(seen[3]?.body).toEqual({ key_alias: "s7-key-0", models: ["s7-model-0"], max_budget: 10 });
});
