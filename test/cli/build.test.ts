/**
 * buildIsCurrent (cli/build.ts): when tsc is skipped, and when a `pulumi` run of the compiled
 * program is refused. A project in a temporary directory, with
 * modification times set explicitly: an hour ago for the sources, now for the build info.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertBuildCurrent, buildIsCurrent } from "../../cli/build";
import { ROOT } from "../../cli/root";

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

describe("assertBuildCurrent (the compiled program's guard, index.ts)", () => {
  it("passes a current build", () => {
    expect(() => assertBuildCurrent(root)).not.toThrow();
  });

  it("refuses a build older than a source, naming dist/ and the fix", () => {
    put("components/admin/client.ts", LATER);
    expect(() => assertBuildCurrent(root)).toThrow(
      `the compiled program in ${path.join(root, "dist")} is older than its sources. Fix: npm run build`,
    );
  });
});

describe("the project's build (tsconfig.build.json)", () => {
  const project = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")) as {
    include: string[];
  };

  it.each([
    ["the program Pulumi runs (Pulumi.yaml main: dist/index.js)", "index.ts"],
    ["the stack commands run compiled by scripts/cli.sh", "cli/**/*.ts"],
    ["what the stack commands import", "drift/**/*.ts"],
  ])("includes %s", (_what, entry) => {
    expect(project.include).toContain(entry);
  });

  it("is the program Pulumi.yaml names, without ts-node", () => {
    const settings = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    expect(settings).toMatch(/^main: dist\/index\.js$/m);
    expect(settings).toMatch(/^ {4}typescript: false$/m);
  });

  it("finds the project root from the sources (ROOT holds Pulumi.yaml)", () => {
    expect(existsSync(path.join(ROOT, "Pulumi.yaml"))).toBe(true);
    expect(ROOT).toBe(path.resolve(__dirname, "../.."));
  });
});
