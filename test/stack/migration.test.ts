import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  MIGRATE_COMMAND,
  MIGRATE_ENTRYPOINT,
  MIGRATE_SCRIPT,
  migrationProviderForTests,
} from "../../components/migration";

const base = {
  image: "litellm-stack/litellm:1.108.13-local",
  entrypoint: MIGRATE_ENTRYPOINT,
  command: [...MIGRATE_COMMAND],
  network: "litellm-net",
  databaseUrl: "postgresql://litellm:pw@litellm-db:5432/litellm",
  databaseId: "db-1",
  containerName: "litellm-migrate",
  labels: ["litellm-stack.stack=dev", "litellm-stack.role=migrate"],
  timeoutSeconds: 600,
};
const outs = { ...base, finishedAt: "2026-12-02T00:00:00.000Z", durationMs: 1000 };

describe("Migration provider diff", () => {
  it.each([
    ["a new image (an upgrade)", { image: "litellm-stack/litellm:1.108.14-local" }, ["image"]],
    ["a new database container", { databaseId: "db-2" }, ["databaseId"]],
    ["another command", { command: ["--skip_server_startup", "--debug"] }, ["command"]],
    ["another entrypoint", { entrypoint: "litellm" }, ["entrypoint"]],
  ])("runs the migration again (replace) on %s", async (_, change, replaces) => {
    const diff = await migrationProviderForTests.diff?.("id", outs, { ...base, ...change });
    expect(diff).toMatchObject({ changes: true, replaces });
  });

  it("updates without a new run when only the password, timeout or labels change, and keeps the last run's time", async () => {
    const news = {
      ...base,
      databaseUrl: "postgresql://litellm:new@litellm-db:5432/litellm",
      timeoutSeconds: 60,
    };
    expect(await migrationProviderForTests.diff?.("id", outs, news)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = await migrationProviderForTests.update?.("id", outs, news);
    expect(updated?.outs).toMatchObject({ finishedAt: outs.finishedAt, timeoutSeconds: 60 });
  });

  it("changes nothing when nothing changed", async () => {
    expect(await migrationProviderForTests.diff?.("id", outs, base)).toMatchObject({
      changes: false,
      replaces: [],
    });
  });

  it("runs the migration job with the image's python3", () => {
    expect(MIGRATE_ENTRYPOINT).toBe("python3");
    expect(MIGRATE_COMMAND).toEqual(["-c", MIGRATE_SCRIPT]);
  });
});

/**
 * The migration program (MIGRATE_SCRIPT) run by this machine's python3 against stand-ins: a
 * litellm_proxy_extras package on PYTHONPATH and a `litellm` executable on PATH, each recording
 * how it was called.
 */
describe("the migration program", () => {
  function runScript(utils: string | undefined): { code: number | null; calls: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "migrate-script-"));
    const calls = path.join(dir, "calls.log");
    writeFileSync(calls, "");
    if (utils !== undefined) {
      mkdirSync(path.join(dir, "py", "litellm_proxy_extras"), { recursive: true });
      writeFileSync(path.join(dir, "py", "litellm_proxy_extras", "__init__.py"), "");
      writeFileSync(path.join(dir, "py", "litellm_proxy_extras", "utils.py"), utils);
    }
    mkdirSync(path.join(dir, "bin"));
    const cli = path.join(dir, "bin", "litellm");
    writeFileSync(cli, `#!/bin/sh\necho "litellm $*" >> "$CALLS"\nexit 7\n`);
    chmodSync(cli, 0o755);
    const r = spawnSync("python3", [...MIGRATE_COMMAND], {
      env: {
        PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
        PYTHONPATH: path.join(dir, "py"),
        CALLS: calls,
      },
      encoding: "utf8",
    });
    return { code: r.status, calls: readFileSync(calls, "utf8") };
  }
  const job = (result: string) => `import os
class ProxyExtrasDBManager:
    @staticmethod
    def run_migration_job(use_migrate=False, use_v2_resolver=False):
        open(os.environ["CALLS"], "a").write(f"job {use_migrate} {use_v2_resolver}\\n")
        return ${result}
`;

  it("calls run_migration_job with migrate deploy and the v2 resolver, and exits 0 when it succeeds", () => {
    expect(runScript(job("True"))).toEqual({ code: 0, calls: "job True True\n" });
  });

  it("exits 1 when run_migration_job reports a failure", () => {
    expect(runScript(job("False"))).toEqual({ code: 1, calls: "job True True\n" });
  });

  it.each([
    [
      "has no run_migration_job (an older litellm-proxy-extras)",
      "class ProxyExtrasDBManager:\n    pass\n",
    ],
    ["is not installed", undefined],
  ])(
    "runs litellm --skip_server_startup, passing on its exit code, when litellm_proxy_extras %s",
    (_, utils) => {
      expect(runScript(utils)).toEqual({ code: 7, calls: "litellm --skip_server_startup\n" });
    },
  );
});
