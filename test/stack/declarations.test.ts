/**
 * Every config key the schema knows is declared with a description in Pulumi.yaml and documented
 * in docs/configuration.md, and nothing else is declared.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../config";

const root = path.resolve(__dirname, "../..");
const schemaKeys = Object.keys(configSchema.shape).sort();

/** Keys and descriptions under `config:` in Pulumi.yaml (two-space indented entries). */
function declared(): Map<string, string> {
  const text = readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  const block = text.slice(text.indexOf("\nconfig:\n"));
  const result = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split("\n").slice(2)) {
    const key = /^ {2}([A-Za-z]+):\s*$/.exec(line);
    if (key?.[1] !== undefined) {
      current = key[1];
      result.set(current, "");
      continue;
    }
    const description = /^ {4}description:\s*(.+)$/.exec(line);
    if (current !== undefined && description?.[1] !== undefined) {
      result.set(current, description[1]);
    }
    if (/^\S/.test(line)) {
      break;
    }
  }
  return result;
}

describe("config declarations", () => {
  it("Pulumi.yaml declares exactly the schema's keys, each with a description", () => {
    const keys = declared();
    expect([...keys.keys()].sort()).toEqual(schemaKeys);
    for (const [key, description] of keys) {
      expect(description.length, key).toBeGreaterThan(20);
    }
  });

  it("docs/configuration.md documents every key", () => {
    const docs = readFileSync(path.join(root, "docs/configuration.md"), "utf8");
    for (const key of schemaKeys) {
      expect(docs, key).toMatch(new RegExp(`^\\| \`${key}\` +\\|`, "m"));
    }
  });
});
