import { describe, expect, it } from "vitest";
import policyFile from "../../version-policy/litellm.json";
import {
  LITELLM_POLICY,
  imageTag,
  imageVersion,
  parsePolicy,
  parseVersion,
  policyProblem,
  type Version,
} from "../../version-policy/policy";

const v = (text: string): Version => {
  const parsed = parseVersion(text);
  if (parsed === undefined) {
    throw new Error(`not a version: ${text}`);
  }
  return parsed;
};

describe("version policy file", () => {
  it("states the issue's floors, denied versions and default", () => {
    expect(LITELLM_POLICY.default).toBe("1.108.14");
    expect(LITELLM_POLICY.lines.map((l) => [l.line, l.minimum])).toEqual([
      ["1.108", "1.108.13"],
      ["1.109", "1.109.3"],
      ["1.110", "1.110.2"],
      ["1.111", "1.111.0"],
    ]);
    expect(LITELLM_POLICY.denied.map((d) => d.version)).toEqual(["1.82.7", "1.82.8", "1.107.*"]);
    for (const d of LITELLM_POLICY.denied) {
      expect(d.advisory).not.toBe("");
    }
  });

  it.each([
    [
      "a default that the policy itself denies",
      { default: "1.107.0" },
      /default 1\.107\.0: LiteLLM 1\.107\.0 is denied/,
    ],
    [
      "a default below its floor",
      { default: "1.108.2" },
      /default 1\.108\.2: LiteLLM 1\.108\.2 is below 1\.108\.13/,
    ],
    [
      "a line floor not on its line",
      {
        lines: [{ line: "1.108", minimum: "1.109.0", advisory: "x", reason: "y" }],
        default: "1.108.14",
      },
      /the minimum 1\.109\.0 is not on its line 1\.108/,
    ],
    [
      "a malformed denied entry",
      { denied: [{ version: "1.107", advisory: "a", reason: "r" }] },
      /denied\.0\.version: must be X\.Y\.Z or X\.Y\.\*/,
    ],
    ["an unknown field", { extra: true }, /Unrecognized key/],
  ])("refuses a policy file with %s, naming the file", (_, change, message) => {
    expect(() => parsePolicy({ ...policyFile, ...change })).toThrow(
      new RegExp(`version-policy/litellm\\.json is invalid: .*${message.source}`),
    );
  });
});

describe("image references", () => {
  it.each([
    ["ghcr.io/berriai/litellm:v1.108.14", "v1.108.14", "1.108.14"],
    ["ghcr.io/berriai/litellm:main-v1.90.2-stable@sha256:abc", "main-v1.90.2-stable", "1.90.2"],
    ["127.0.0.1:5000/litellm-stack/litellm:1.108.14-local", "1.108.14-local", "1.108.14"],
    ["127.0.0.1:5000/litellm-stack/litellm", undefined, undefined],
    ["ghcr.io/berriai/litellm@sha256:abc", undefined, undefined],
    ["registry.internal/litellm:stable", "stable", undefined],
  ])("%s has tag %s and version %s", (image, tag, version) => {
    expect(imageTag(image)).toBe(tag);
    const parsed = imageVersion(image);
    expect(
      parsed === undefined ? undefined : `${parsed.major}.${parsed.minor}.${parsed.patch}`,
    ).toBe(version);
  });
});

describe("policyProblem", () => {
  it.each([
    ["1.82.7", /^LiteLLM 1\.82\.7 is denied \(PYSEC-2026-2 \/ CVE-2026-33634\)/],
    ["1.82.8", /^LiteLLM 1\.82\.8 is denied \(PYSEC-2026-2 \/ CVE-2026-33634\)/],
    ["1.107.0", /^LiteLLM 1\.107\.0 is denied \(BerriAI\/litellm discussion #48242\)/],
    ["1.107.3", /^LiteLLM 1\.107\.3 is denied/],
    ["1.108.12", /^LiteLLM 1\.108\.12 is below 1\.108\.13, the floor of the 1\.108 line/],
    ["1.109.2", /^LiteLLM 1\.109\.2 is below 1\.109\.3/],
    ["1.110.1", /^LiteLLM 1\.110\.1 is below 1\.110\.2/],
    ["1.106.12", /^LiteLLM 1\.106\.12 is on no supported release line/],
    ["1.112.0", /^LiteLLM 1\.112\.0 is on no supported release line/],
    ["1.84.0", /^LiteLLM 1\.84\.0 is on no supported release line/],
    ["1.111.0-rc.3", /^LiteLLM 1\.111\.0-rc\.3 is a pre-release/],
    ["v1.111.0-dev.4", /^LiteLLM 1\.111\.0-dev\.4 is a pre-release/],
  ])("refuses %s", (version, message) => {
    expect(policyProblem(LITELLM_POLICY, v(version))).toMatch(message);
  });

  it.each([
    "1.108.13",
    "1.108.14",
    "1.108.21",
    "1.109.3",
    "1.110.2",
    "1.110.4-stable",
    "1.111.0",
    "1.111.1",
    "1.108.14-local",
  ])("accepts %s", (version) => {
    expect(policyProblem(LITELLM_POLICY, v(version))).toBeUndefined();
  });
});
