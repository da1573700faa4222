/**
 * LiteLLM's migrations as their own step (components/migration.ts, docs/upgrade.md), on the real
 * gateway. An upgrade of `litellmVersion` from 1.108.13 to 1.108.14 (both built locally) runs the
 * one-shot migration first, then replaces the gateway, which serves with DISABLE_SCHEMA_UPDATE;
 * the data is kept: declared and hand-made keys, their spend, the alias. A migration that fails
 * stops `up` with the last lines of its log and leaves the running gateway untouched; the next
 * `up` with a working image converges.
 */
import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import { MIGRATE_COMMAND, MIGRATE_ENTRYPOINT } from "../../components/migration";
import { runMigration } from "../../components/migration-run";
import { LITELLM_VERSION, localGatewayImage } from "../../config";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  dbQuery,
  deployTestStack,
  docker,
  inspect,
  previousLitellmVersion,
  uniqueSuffix,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

/** The version upgraded from (1.108.13, built by the test set-up). */
const FROM_VERSION = previousLitellmVersion();
const FROM_IMAGE = localGatewayImage(FROM_VERSION);

interface ContainerState {
  Id: string;
  Config: { Env: string[]; Labels: Record<string, string> };
  State: { StartedAt: string; Health?: { Status: string } };
}

const gatewayContainer = async (t: DeployedStack): Promise<ContainerState> =>
  (await inspect("container", t.names.gateway)) as unknown as ContainerState;

/** When the stack's last migration run finished (the Migration resource's output). */
async function migrationFinishedAt(t: DeployedStack): Promise<string> {
  const deployment = (await t.stack.exportStack()).deployment as {
    resources?: { type: string; outputs?: Record<string, unknown> }[];
  };
  const migration = (deployment.resources ?? []).find((r) =>
    r.type.endsWith("dynamic/litellm:Migration"),
  );
  return String(migration?.outputs?.["finishedAt"]);
}

async function keySpend(t: DeployedStack, masterKey: string, key: string): Promise<number> {
  const info = await adminApi(t.baseUrl, "GET", `/key/info?key=${key}`, masterKey);
  expect(info.status, JSON.stringify(info.body)).toBe(200);
  return Number((info.body["info"] as { spend?: number }).spend ?? 0);
}

describeE2E("migrations as their own step", [POSTGRES_IMAGE, LITELLM_IMAGE, FROM_IMAGE], () => {
  test("a migration that cannot reach its database fails naming the image and exit code, never the database password", async () => {
    const password = `pw-${uniqueSuffix()}-secret`;
    const error = await runMigration({
      image: LITELLM_IMAGE,
      entrypoint: MIGRATE_ENTRYPOINT,
      command: [...MIGRATE_COMMAND],
      network: "bridge",
      databaseUrl: `postgresql://litellm:${password}@db.invalid:5432/litellm`,
      databaseId: "none",
      containerName: `litellm-migrate-test-${uniqueSuffix()}`,
      labels: ["litellm-stack.test=1"],
      timeoutSeconds: 300,
    }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toMatch(
      new RegExp(`^the database migration of ${LITELLM_IMAGE} exited with code [1-9]`),
    );
    expect(error?.message).toContain("Last 30 lines of its log:");
    expect(error?.message).not.toContain(password);
  });

  test("upgrading litellmVersion from the older pinned version to the default migrates first, then replaces the gateway (DISABLE_SCHEMA_UPDATE), keeping keys, spend and aliases", async () => {
    const t = await deployTestStack("migrate", {
      config: {
        imageSource: "local",
        litellmVersion: FROM_VERSION,
        "models[0].name": "mig-mock",
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": "migrated",
        "models[0].params.input_cost_per_token": "0.001",
        "keys[0].alias": "mig-app",
      },
    });
    try {
      const before = await gatewayContainer(t);
      expect(before.Config.Labels["litellm-stack.litellm-version"]).toBe(FROM_VERSION);
      expect(before.Config.Env).toContain("DISABLE_SCHEMA_UPDATE=true");
      const masterKey = await t.output<string>("LITELLM_MASTER_KEY");
      const keys = await t.output<Record<string, string>>("virtualKeys");
      const app = keys["mig-app"] ?? "";
      expect(await chat(t.baseUrl, app, "mig-mock")).toEqual({ status: 200, text: "migrated" });
      const hand = await adminApi(t.baseUrl, "POST", "/key/generate", masterKey, {
        key_alias: "mig-by-hand",
      });
      expect(hand.status, JSON.stringify(hand.body)).toBe(200);
      const handKey = String(hand.body["key"]);
      // Spend is written in batches: wait until the first request's cost is recorded.
      let spend = 0;
      for (let i = 0; i < 60 && spend === 0; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        spend = await keySpend(t, masterKey, app);
      }
      expect(spend).toBeGreaterThan(0);

      await t.setConfig({ litellmVersion: LITELLM_VERSION });
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);

      const after = await gatewayContainer(t);
      expect(after.Id).not.toBe(before.Id);
      expect(after.Config.Labels["litellm-stack.litellm-version"]).toBe(LITELLM_VERSION);
      expect(after.Config.Env).toContain("DISABLE_SCHEMA_UPDATE=true");
      // The migration of the new version finished before the new gateway started.
      const migrated = await migrationFinishedAt(t);
      expect(Date.parse(migrated)).toBeLessThan(Date.parse(after.State.StartedAt));
      expect(Date.parse(migrated)).toBeGreaterThan(Date.parse(before.State.StartedAt));

      // The migration job applied every migration the new image ships, none failed, and it
      // built the request-log indexes the migrations leave out.
      const shipped = Number(
        execFileSync("docker", [
          "run",
          "--rm",
          "--entrypoint",
          "python3",
          LITELLM_IMAGE,
          "-c",
          "import os, litellm_proxy_extras as e; d = os.path.join(os.path.dirname(e.__file__), 'migrations'); print(sum(os.path.isfile(os.path.join(d, n, 'migration.sql')) for n in os.listdir(d)))",
        ])
          .toString()
          .trim(),
      );
      expect(shipped).toBeGreaterThan(100);
      const ledger = await dbQuery(
        t.names.db,
        `SELECT count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) || ' ' || count(*) FILTER (WHERE finished_at IS NULL) FROM _prisma_migrations`,
      );
      const [applied, unfinished] = ledger.split(" ").map(Number);
      expect(applied).toBeGreaterThanOrEqual(shipped);
      expect(unfinished).toBe(0);
      expect(
        await dbQuery(
          t.names.db,
          `SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'LiteLLM_SpendLogs' AND indexname IN ('LiteLLM_SpendLogs_api_key_startTime_idx', 'LiteLLM_SpendLogs_litellm_call_id_idx')`,
        ),
      ).toBe("LiteLLM_SpendLogs_api_key_startTime_idx,LiteLLM_SpendLogs_litellm_call_id_idx");

      // The data is kept.
      expect(await t.output("virtualKeys")).toEqual(keys);
      expect(await chat(t.baseUrl, app, "mig-mock")).toEqual({ status: 200, text: "migrated" });
      expect((await chat(t.baseUrl, handKey, "mig-mock")).status).toBe(200);
      expect(await keySpend(t, masterKey, app)).toBeGreaterThanOrEqual(spend);
      expect(await t.changes()).toEqual([]);
    } finally {
      await t.remove();
    }
  });

  test("a failed migration stops up with the last lines of its log and leaves the running gateway untouched; the next up converges", async () => {
    const t = await deployTestStack("migfail", {
      config: {
        imageSource: "local",
        "models[0].name": "fail-mock",
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": "still serving",
        "keys[0].alias": "fail-app",
      },
    });
    // An image whose migrations fail: Prisma's schema engine replaced by one that refuses.
    const broken = `litellm-stack/litellm:1.108.14-broken-migration-${uniqueSuffix()}`;
    execFileSync("docker", ["build", "-q", "-t", broken, "--label", "litellm-stack.test=1", "-"], {
      input: [
        `FROM ${LITELLM_IMAGE}`,
        `RUN printf '#!/bin/sh\\necho "injected failure: schema engine refuses" >&2\\nexit 1\\n' > /opt/prisma/engines/schema-engine && chmod 0755 /opt/prisma/engines/schema-engine`,
        "",
      ].join("\n"),
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      stdio: ["pipe", "ignore", "pipe"],
    });
    try {
      const before = await gatewayContainer(t);
      const app = (await t.output<Record<string, string>>("virtualKeys"))["fail-app"] ?? "";

      await t.setConfig({ gatewayImage: broken });
      const failed = await t.cli("up");
      const out = failed.stdout + failed.stderr;
      expect(failed.code, out).not.toBe(0);
      expect(out).toContain(`the database migration of ${broken} exited with code`);
      expect(out).toContain("the running gateway was left untouched");
      expect(out).toMatch(/Last 30 lines of its log:/);
      expect(out).not.toContain(await t.output<string>("LITELLM_MASTER_KEY"));

      const during = await gatewayContainer(t);
      expect(during.Id).toBe(before.Id);
      expect(during.State.StartedAt).toBe(before.State.StartedAt);
      expect(await chat(t.baseUrl, app, "fail-mock")).toEqual({
        status: 200,
        text: "still serving",
      });

      await t.removeConfig(["gatewayImage"]);
      const fixed = await t.cli("up");
      expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      expect(await t.changes()).toEqual([]);
      expect((await chat(t.baseUrl, app, "fail-mock")).status).toBe(200);
    } finally {
      await t.remove();
      await docker(["rmi", "-f", broken]).catch(() => undefined);
    }
  });
});
