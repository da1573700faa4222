/**
 * The config preflight of `up` and `preview`: the stack's config through the same validation the
 * program runs (config.ts `parseConfig`), before anything else happens. A bad config fails here,
 * in a second, with one line per problem (key, problem, fix), before the image preflight could
 * act on it (e.g. build images for a denied version) and before the engine starts.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { ConfigError, PROJECT, parseConfig, type StackConfig } from "../config";
import { CliError } from "./report";

/**
 * The stack's validated config (`config`: the stack's config already read, else it is read); a
 * {@link CliError} listing every problem when it is invalid.
 */
export async function checkedConfig(stack: Stack, config?: ConfigMap): Promise<StackConfig> {
  const raw: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, entry] of Object.entries(config ?? (await stack.getAllConfig()))) {
    if (!fullKey.startsWith(`${PROJECT}:`)) {
      continue;
    }
    const key = fullKey.slice(PROJECT.length + 1);
    raw[key] = entry.value;
    if (entry.secret === true) {
      secretKeys.add(key);
    }
  }
  try {
    return parseConfig(stack.name, raw, secretKeys);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}
