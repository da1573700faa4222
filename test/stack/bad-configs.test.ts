/**
 * Every malformed config of the table (test/fixtures/bad-configs.ts) is refused by the config
 * validation with exactly its pinned problems: the key, what is wrong and the fix. The end-to-end
 * twin (test/e2e/bad-config.test.ts) runs each through `npm run up`.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../config";
import { BAD_CONFIGS } from "../fixtures/bad-configs";

/** The raw values and secret keys parseConfig gets for a case (imageSource=local by default). */
function rawOf(config: (typeof BAD_CONFIGS)[number]["config"]): {
  raw: Record<string, string>;
  secrets: Set<string>;
} {
  const raw: Record<string, string> = { imageSource: "local" };
  const secrets = new Set<string>();
  for (const [key, entry] of Object.entries(config)) {
    raw[key] = typeof entry === "string" ? entry : entry.secret;
    if (typeof entry !== "string") {
      secrets.add(key);
    }
  }
  return { raw, secrets };
}

describe("malformed stack configs", () => {
  it("the table holds at least 30 distinct cases", () => {
    expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_CONFIGS.map((c) => c.what)).size).toBe(BAD_CONFIGS.length);
  });

  it.each(BAD_CONFIGS)("$what: refused with the key, the problem and the fix", (c) => {
    const { raw, secrets } = rawOf(c.config);
    let error: unknown;
    try {
      parseConfig("dev", raw, secrets);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(c.problems);
    for (const problem of c.problems) {
      expect(problem).toMatch(/^litellm-stack:\S+: .+\. Fix: .+/);
    }
  });
});
