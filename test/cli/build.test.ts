/**
 * buildIsCurrent (cli/build.ts): when tsc is skipped. A project in a temporary directory, with
 * modification times set explicitly: an hour ago for the sources, now for the build info.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildIsCurrent } from "../../cli/build";

let root: string;
const HOUR_AGO = new Date(Date.now() - 3_600_000);
const NOW = new Date();
const LATER = new Date(Date.now() + 60_000);

/** Writes `file` under the project with the given modification time (its directories too). */
function put(file: string, time: Date, text = ""): void {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, time, time);
  for (
    let dir = path.dirname(full);
    dir.startsWith(root) && dir !== root;
    dir = path.dirname(dir)
  ) {
    utimesSync(dir, time, time);
  }
}

const PROJECT = JSON.stringify({
  include: ["config.ts", "components/**/*.ts"],
  compilerOptions: { tsBuildInfoFile: "dist/tsconfig.build.tsbuildinfo" },
});

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "build-current-"));
  put("tsconfig.build.json", HOUR_AGO, PROJECT);
  put("tsconfig.json", HOUR_AGO, "{}");
  put("package-lock.json", HOUR_AGO, "{}");
  put("config.ts", HOUR_AGO);
  put("components/admin/client.ts", HOUR_AGO);
  put("dist/tsconfig.build.tsbuildinfo", NOW);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("buildIsCurrent", () => {
  it("is true when no input was modified after the build info", () => {
    expect(buildIsCurrent(root)).toBe(true);
  });

  it("is false without a build info (a fresh clone, dist removed)", () => {
    rmSync(path.join(root, "dist"), { recursive: true });
    expect(buildIsCurrent(root)).toBe(false);
  });

  it.each([
    ["a source deep in an included directory", "components/admin/client.ts"],
    ["an included file", "config.ts"],
    ["a new file in an included directory", "components/admin/impl/new.ts"],
    ["the compiler settings", "tsconfig.json"],
    ["the build project itself", "tsconfig.build.json"],
    ["the dependencies' lock file", "package-lock.json"],
  ])("is false when %s is newer than the build info", (_what, file) => {
    put(file, LATER, file === "tsconfig.build.json" ? PROJECT : "");
    expect(buildIsCurrent(root)).toBe(false);
  });

  it("ignores files outside the inputs (tests, docs)", () => {
    put("test/cli/x.test.ts", LATER);
    put("docs/x.md", LATER);
    expect(buildIsCurrent(root)).toBe(true);
  });

  it("is false when the build project cannot be read", () => {
    put("tsconfig.build.json", HOUR_AGO, "not json");
    expect(buildIsCurrent(root)).toBe(false);
  });
});
