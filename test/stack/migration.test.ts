import { describe, expect, it } from "vitest";
import { MIGRATE_COMMAND, migrationProviderForTests } from "../../components/migration";

const base = {
  image: "litellm-stack/litellm:1.108.13-local",
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

  it("runs the image's CLI with --skip_server_startup (migrate, then exit)", () => {
    expect(MIGRATE_COMMAND).toEqual(["--skip_server_startup"]);
  });
});
