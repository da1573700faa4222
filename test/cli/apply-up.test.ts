import { describe, expect, it } from "vitest";
import { upArgs } from "../../cli/apply-up";

describe("upArgs (the pulumi up that npm run up runs)", () => {
  it("applies without a preview, refreshing first, non-interactive, on the named stack", () => {
    expect(upArgs("dev", { refresh: true })).toEqual([
      "up",
      "--yes",
      "--skip-preview",
      "--refresh",
      "--exec-kind",
      "auto.local",
      "--stack",
      "dev",
      "--non-interactive",
    ]);
  });

  it("leaves the refresh out with --no-refresh and passes each target", () => {
    const args = upArgs("ci", { refresh: false, target: ["urn:a", "urn:b"] });
    expect(args).not.toContain("--refresh");
    expect(args.join(" ")).toContain("--target urn:a --target urn:b");
  });
});
