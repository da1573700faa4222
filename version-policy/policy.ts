/**
 * The LiteLLM version policy (version-policy/litellm.json, the one place a maintainer updates):
 * the supported release lines with their minimum patch, the denied versions with their advisory,
 * and the default version. This module reads the file once, checks its shape, and answers
 * whether a version may run. docs/version-policy.md says how to update it.
 */
import { z } from "zod";
import policyFile from "./litellm.json";

const versionString = z.string().regex(/^\d+\.\d+\.\d+$/, "must be a version X.Y.Z");
const lineString = z.string().regex(/^\d+\.\d+$/, "must be a release line X.Y");

/** The shape of version-policy/litellm.json. */
const policySchema = z.strictObject({
  $comment: z.string(),
  /** The day the policy was last checked against the advisories (YYYY-MM-DD). */
  reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The version a stack runs when its config names none. */
  default: versionString,
  /** Supported release lines: a version runs only on one of these, at or above its minimum. */
  lines: z
    .array(
      z.strictObject({
        line: lineString,
        minimum: versionString,
        advisory: z.string().min(1),
        reason: z.string().min(1),
      }),
    )
    .min(1),
  /** Denied versions: an exact version, or a whole line written `X.Y.*`. */
  denied: z.array(
    z.strictObject({
      version: z.string().regex(/^\d+\.\d+\.(\d+|\*)$/, "must be X.Y.Z or X.Y.*"),
      advisory: z.string().min(1),
      reason: z.string().min(1),
    }),
  ),
});

/** The parsed policy. */
export type VersionPolicy = z.output<typeof policySchema>;

/** A LiteLLM version: its numbers and the suffix of its tag, if any (`stable`, `rc.1`, `local`). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  suffix?: string;
}

/** Parses `1.108.14`, `v1.108.14`, `1.108.14-local`, `v1.86.1-stable`, `main-v1.108.14`. */
export function parseVersion(text: string): Version | undefined {
  const m = /^(?:main-)?v?(\d+)\.(\d+)\.(\d+)(?:[-.+](.+))?$/.exec(text);
  if (m === null) {
    return undefined;
  }
  const version: Version = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  return m[4] === undefined ? version : { ...version, suffix: m[4] };
}

/** `1.108.14` (the suffix left out). */
export const formatVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;

/** Orders two versions by their numbers (the suffix is ignored). */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The tag of an image reference (`host:port/path:tag@sha256:…`), if it has one. A registry's port
 * is not a tag: the tag is after the last `:` of the last path segment.
 */
export function imageTag(image: string): string | undefined {
  const name = image.split("@")[0] ?? "";
  const last = name.slice(name.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon < 0 ? undefined : last.slice(colon + 1);
}

/** The LiteLLM version an image reference names in its tag, if any. */
export function imageVersion(image: string): Version | undefined {
  const tag = imageTag(image);
  return tag === undefined ? undefined : parseVersion(tag);
}

/** Tag suffixes of builds that are not releases. */
const PRE_RELEASE = /^(rc|dev|nightly|alpha|beta)\b/i;

/**
 * Why a policy refuses a version, or undefined when it may run: the text names the version, the
 * advisory and the reason, never a fix (the caller knows which config key to name).
 */
export function policyProblem(policy: VersionPolicy, version: Version): string | undefined {
  const v = formatVersion(version);
  const line = `${version.major}.${version.minor}`;
  const denied = policy.denied.find((d) => d.version === v || d.version === `${line}.*`);
  if (denied !== undefined) {
    return `LiteLLM ${v} is denied (${denied.advisory}): ${denied.reason}`;
  }
  if (version.suffix !== undefined && PRE_RELEASE.test(version.suffix)) {
    return `LiteLLM ${v}-${version.suffix} is a pre-release; only releases run`;
  }
  const supported = policy.lines.find((l) => l.line === line);
  if (supported === undefined) {
    const lines = policy.lines.map((l) => `${l.line} (≥ ${l.minimum})`).join(", ");
    return `LiteLLM ${v} is on no supported release line (supported: ${lines}; the policy, reviewed ${policy.reviewed}, lists a newer line only once it is checked against the advisories)`;
  }
  const minimum = parseVersion(supported.minimum);
  if (minimum !== undefined && compareVersions(version, minimum) < 0) {
    return `LiteLLM ${v} is below ${supported.minimum}, the floor of the ${line} line (${supported.advisory}: ${supported.reason})`;
  }
  return undefined;
}

/** Parses a policy document; throws naming the file and every problem. */
export function parsePolicy(data: unknown, file = "version-policy/litellm.json"): VersionPolicy {
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const policy = parsed.data;
  const problems: string[] = [];
  for (const l of policy.lines) {
    if (!l.minimum.startsWith(`${l.line}.`)) {
      problems.push(`lines: the minimum ${l.minimum} is not on its line ${l.line}`);
    }
  }
  const def = parseVersion(policy.default);
  const defaultProblem = def === undefined ? "not a version" : policyProblem(policy, def);
  if (defaultProblem !== undefined) {
    problems.push(`default ${policy.default}: ${defaultProblem}`);
  }
  if (problems.length > 0) {
    throw new Error(`${file} is invalid: ${problems.join("; ")}`);
  }
  return policy;
}

/** The project's policy (version-policy/litellm.json). */
export const LITELLM_POLICY: VersionPolicy = parsePolicy(policyFile);

/** The LiteLLM version a stack runs when its config names none. */
export const DEFAULT_LITELLM_VERSION: string = LITELLM_POLICY.default;
