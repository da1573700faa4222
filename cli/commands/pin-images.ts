/**
 * `npm run pin-images`: pins the stack's images by digest. For each of gatewayImage and
 * postgresImage (the configured value, else the default `effectiveImages` gives), the registry's
 * digest for its tag is resolved (cli/registry.ts) and `name:tag@sha256:…` is written into the
 * stack's config, plaintext. What could not be resolved is never written: it is reported and left
 * as it was. An image already pinned is verified against the registry; a moved tag is an error
 * and then nothing at all is written.
 */
import {
  LOCAL_GATEWAY_IMAGE,
  LOCAL_POSTGRES_IMAGE,
  LOCAL_REDIS_IMAGE,
  PROJECT,
  effectiveImages,
  imageKeysInUse,
  type ImageKey,
} from "../../config";
import type { Command } from "../command";
import { ImageRefError, parseImageRef, pinnedRef, type ImageRef } from "../image-ref";
import { RegistryError, registryBaseUrl, resolveDigest, type Resolved } from "../registry";
import { EXIT, log } from "../report";
import { openStack } from "../workspace";

/** The image an outcome is about, and the field names every outcome uses. */
interface PinSubject {
  /** The config key of the image. */
  key: ImageKey;
  /** The image the stack runs: the configured value, else the default. */
  image: string;
}

/** Where a registry was asked and what went wrong there. */
interface PinFailure {
  /** The URL tried (manifest or token endpoint); undefined when no registry was asked. */
  url: string | undefined;
  /** What went wrong, in a few words. */
  reason: string;
}

/** What pin-images found for one image. */
export type PinOutcome =
  /** Resolved: `value` (`name:tag@sha256:…`) is to be written; `url` answered. */
  | (PinSubject & { kind: "pin"; value: string; url: string })
  /** Already pinned, and the registry (`url`) gives the same digest for its tag. */
  | (PinSubject & { kind: "verified"; url: string })
  /** Already pinned; the registry could not say (unreachable, or a local build): left as is. */
  | (PinSubject & PinFailure & { kind: "unverified" })
  /** Already pinned to `pinned`, but the registry (`url`) gives `registry` for its tag: an error. */
  | (PinSubject & { kind: "mismatch"; pinned: string; registry: string; url: string })
  /** Not pinned and no digest could be resolved (see {@link Cause}): an error, left unchanged. */
  | (PinSubject & PinFailure & { kind: "unresolved"; cause: Cause });

/** Why no digest was resolved: the registry gave none, a local build, or not a reference. */
export type Cause = "registry" | "local" | "reference";

/** Resolves a reference's digest (cli/registry.ts's {@link resolveDigest}; tests pass fakes). */
export type DigestResolver = (ref: ImageRef) => Promise<Resolved>;

/** The repositories of the local builds (`npm run images`): they exist on no registry. */
const LOCAL_NAMES: ReadonlySet<string> = new Set(
  [LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE, LOCAL_REDIS_IMAGE].map(
    (image) => parseImageRef(image).name,
  ),
);

/**
 * What to do about the image of `key`. A local build is never looked up: under Docker's naming
 * rules its name is a Docker Hub repository, and a digest found there would be someone else's.
 */
export async function planPin(
  key: ImageKey,
  image: string,
  resolve: DigestResolver,
): Promise<PinOutcome> {
  let ref: ImageRef;
  try {
    ref = parseImageRef(image);
  } catch (err) {
    if (err instanceof ImageRefError) {
      return {
        kind: "unresolved",
        key,
        image,
        url: undefined,
        reason: err.reason,
        cause: "reference",
      };
    }
    throw err;
  }
  if (LOCAL_NAMES.has(ref.name)) {
    const reason =
      "a local build (npm run images), on no registry; not looked up, since on Docker Hub its name would be someone else's image";
    return ref.digest === undefined
      ? { kind: "unresolved", key, image, url: undefined, reason, cause: "local" }
      : { kind: "unverified", key, image, url: undefined, reason };
  }
  let resolved: Resolved;
  try {
    resolved = await resolve(ref);
  } catch (err) {
    if (!(err instanceof RegistryError)) {
      throw err;
    }
    return ref.digest === undefined
      ? { kind: "unresolved", key, image, url: err.url, reason: err.reason, cause: "registry" }
      : { kind: "unverified", key, image, url: err.url, reason: err.reason };
  }
  if (ref.digest === undefined) {
    return { kind: "pin", key, image, value: pinnedRef(ref, resolved.digest), url: resolved.url };
  }
  if (ref.digest !== resolved.digest) {
    return {
      kind: "mismatch",
      key,
      image,
      pinned: ref.digest,
      registry: resolved.digest,
      url: resolved.url,
    };
  }
  return { kind: "verified", key, image, url: resolved.url };
}

/** The keys to write (none when any pinned image's tag moved) and whether everything is pinned. */
export function decide(outcomes: readonly PinOutcome[]): {
  writes: { key: ImageKey; value: string }[];
  ok: boolean;
} {
  const mismatch = outcomes.some((o) => o.kind === "mismatch");
  const writes = mismatch
    ? []
    : outcomes.flatMap((o) => (o.kind === "pin" ? [{ key: o.key, value: o.value }] : []));
  const ok = outcomes.every((o) => o.kind !== "mismatch" && o.kind !== "unresolved");
  return { writes, ok };
}

/**
 * The line reporting one outcome: `dryRun` when nothing is written, `blocked` when a moved tag
 * keeps every resolved image from being written.
 */
export function describeOutcome(o: PinOutcome, dryRun: boolean, blocked: boolean): string {
  const key = `${PROJECT}:${o.key}`;
  const where = (url: string | undefined): string =>
    url === undefined ? "no registry tried" : `registry URL tried: ${url}`;
  switch (o.kind) {
    case "pin":
      if (blocked) {
        return `${key}: ${o.image} resolves to ${o.value}, not written: a pinned tag moved (see below)`;
      }
      return dryRun
        ? `${key}: would set ${o.value} (dry run, nothing written)`
        : `${key}: set ${o.value} (digest from ${o.url})`;
    case "verified":
      return `${key}: ${o.image} is already pinned; the registry gives the same digest for its tag (${o.url})`;
    case "unverified":
      return `note: ${key}: ${o.image} is already pinned but was not verified (${o.reason}; ${where(o.url)}); left as is`;
    case "mismatch":
      return (
        `error: ${key}: ${o.image} is pinned to ${o.pinned}, but the registry now gives ${o.registry} for its tag (${o.url}). ` +
        `Nothing was written. Find out why the tag moved; to take the new image, set ${PROJECT}:${o.key} to the tag without the digest and run pin-images again`
      );
    case "unresolved":
      return `error: ${key}: cannot pin ${o.image}: ${o.reason} (${where(o.url)}); left unchanged. Fix: ${FIXES[o.cause](key)}`;
  }
}

const FIXES: Record<Cause, (key: string) => string> = {
  registry: (key) =>
    `run pin-images where the registry answers, or pin it by hand: pulumi config set ${key} '<image>@sha256:<digest>'`,
  local: (key) =>
    `push the image to a registry (docker tag, docker push), set ${key} to its name there and run pin-images again`,
  reference: (key) => `pulumi config set ${key} <a valid reference, host[:port]/path:tag>`,
};

/** `npm run pin-images`. */
export const pinImages: Command = {
  name: "pin-images",
  summary:
    "Pins the stack's gateway and Postgres images by digest (resolved from their registries) in its config.",
  details: `
For gatewayImage and postgresImage (the configured value, else the default image), asks the
image's registry (HTTP API v2; anonymous, token auth included; http for 127.0.0.1/localhost,
https otherwise) for the digest of its tag and writes name:tag@sha256:<digest> into the stack's
config (plaintext). A production stack only runs images pinned this way.

Never writes a digest it could not resolve: an image whose registry does not answer, and a local
build (npm run images: it is on no registry), is reported with the registry URL tried and the
error, and left unchanged. An image already pinned is verified: the registry must give the same
digest for its tag. If it gives another one (the tag moved), that is an error and nothing is
written. If the registry cannot be reached, the pinned image is left as is, with a note (a
digest names its content: Docker refuses anything else under it).

Exit code 1 when an image could not be pinned or a pinned tag moved; 0 when every image is
pinned (now or before).`,
  flags: {
    "dry-run": {
      type: "boolean",
      help: "print what would be written; write nothing",
    },
  },
  async run(target, flags) {
    const dryRun = flags["dry-run"] === true;
    const stack = await openStack(target, { create: false });
    const config = await stack.getAllConfig();
    const value = (key: string): string | undefined => {
      const v = config[`${PROJECT}:${key}`]?.value.trim();
      return v === undefined || v === "" ? undefined : v;
    };
    const images = effectiveImages({
      imageSource: value("imageSource"),
      litellmVersion: value("litellmVersion"),
      gatewayImage: value("gatewayImage"),
      postgresImage: value("postgresImage"),
      redisImage: value("redisImage"),
    });
    const outcomes = await Promise.all(
      imageKeysInUse({ workers: value("workers"), llmProvider: value("llmProvider") }).map(
        (key) => {
          const image = images[key];
          log(`${PROJECT}:${key}: resolving ${image}${urlHint(image)}`);
          return planPin(key, image, (ref) => resolveDigest(ref));
        },
      ),
    );
    const { writes, ok } = decide(outcomes);
    const blocked = outcomes.some((o) => o.kind === "mismatch");
    for (const outcome of outcomes) {
      const line = describeOutcome(outcome, dryRun, blocked);
      if (line.startsWith("error: ")) {
        process.stderr.write(`${line}\n`);
      } else {
        log(line);
      }
    }
    if (!dryRun) {
      for (const { key, value: pinned } of writes) {
        await stack.setConfig(`${PROJECT}:${key}`, { value: pinned, secret: false });
      }
    }
    if (!ok) {
      const failed = outcomes.filter((o) => o.kind === "unresolved" || o.kind === "mismatch");
      process.stderr.write(
        `error: npm run pin-images: ${failed.length} of ${outcomes.length} images not pinned (${failed.map((o) => `${PROJECT}:${o.key}`).join(", ")}); see above\n`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};

/** ` at <registry>` for a reference that parses (the progress line names the registry). */
function urlHint(image: string): string {
  try {
    const ref = parseImageRef(image);
    return LOCAL_NAMES.has(ref.name) ? "" : ` at ${registryBaseUrl(ref)}`;
  } catch {
    return "";
  }
}
