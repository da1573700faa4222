import { describe, expect, it } from "vitest";
import { auditSecrets, findSecrets, serializedProviders, stringLeaves } from "../e2e/secrets-audit";

const MASTER = "sk-master-0123456789abcdef";
const PASSWORD = "p@ss/word+with=chars";

describe("secrets audit", () => {
  it("finds every encoded form: raw, URL-encoded, JSON-escaped, base64", () => {
    const secrets = [{ label: "db password", value: PASSWORD }];
    const places = [
      { place: "raw", text: `x ${PASSWORD} y` },
      { place: "url", text: `postgres://u:${encodeURIComponent(PASSWORD)}@db/x` },
      { place: "json", text: JSON.stringify({ a: `q"${PASSWORD}` }) },
      { place: "base64", text: Buffer.from(PASSWORD).toString("base64") },
      { place: "base64 inside", text: Buffer.from(`user:${PASSWORD}`).toString("base64") },
      { place: "clean", text: "nothing here" },
    ];
    expect(findSecrets(secrets, places).map((h) => h.place)).toEqual([
      "raw",
      "url",
      "json",
      "base64",
      "base64 inside",
    ]);
  });

  it("skips secrets too short to be meaningful and duplicates", () => {
    const secrets = [
      { label: "short", value: "ab" },
      { label: "a", value: MASTER },
      { label: "b", value: MASTER },
    ];
    expect(findSecrets(secrets, [{ place: "t", text: `ab ${MASTER}` }])).toEqual([
      { secret: "a / b", place: "t" },
    ]);
  });

  it("a hit throws naming the label and the place, never the value", () => {
    let message = "";
    try {
      auditSecrets(
        [{ label: "output masterKey", value: MASTER }],
        [{ place: "npm run up stdout", text: `key=${MASTER}` }],
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("secret output masterKey found in npm run up stdout");
    expect(message).not.toContain(MASTER);
  });

  it("passes and reports what it looked at when nothing leaks", () => {
    const report = auditSecrets(
      [{ label: "config x", value: MASTER }],
      [{ place: "p", text: "clean" }],
    );
    expect(report).toEqual({ secrets: ["config x"], places: ["p"] });
  });

  it("an audit with no secret fails unless told the stack holds none", () => {
    expect(() => auditSecrets([{ label: "short", value: "x" }], [])).toThrow(
      "no secret collected, the audit could not fail",
    );
    expect(auditSecrets([], [], { requireSecrets: false }).secrets).toEqual([]);
  });

  it("string leaves of a map output, and serialized providers as their own places", () => {
    expect(stringLeaves("output virtualKeys", { app: "sk-1", n: 3, l: ["sk-2"] })).toEqual([
      { label: "output virtualKeys.app", value: "sk-1" },
      { label: "output virtualKeys.l[0]", value: "sk-2" },
    ]);
    const state = JSON.stringify({
      checkpoint: {
        latest: {
          resources: [
            { urn: "urn:a", inputs: { __provider: "code" }, outputs: { __provider: "code2" } },
            { urn: "urn:b", inputs: {} },
          ],
        },
      },
    });
    expect(serializedProviders(state)).toEqual([
      { place: "serialized provider urn:a", text: "code\ncode2" },
    ]);
  });
});
