/**
 * pin-images' decisions without a registry or Pulumi: what it writes for an image whose digest
 * resolves, that it writes nothing it could not resolve (an unreachable registry, a local build,
 * which is never looked up, an unparsable reference), how it verifies an image already pinned,
 * that a moved tag blocks every write, its exit status, and its command line.
 */
import { describe, expect, it } from "vitest";
import { helpText, parseFlags } from "../../cli/command";
import {
  decide,
  describeOutcome,
  pinImages,
  planPin,
  type DigestResolver,
  type PinOutcome,
} from "../../cli/commands/pin-images";
import type { ImageRef } from "../../cli/image-ref";
import { COMMANDS } from "../../cli/main";
import { RegistryError } from "../../cli/registry";
import { LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE } from "../../config";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const REG = "127.0.0.1:5000";

/** A registry that gives `digest` for every tag, recording what it was asked. */
function registry(digest: string): DigestResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (ref: ImageRef) => {
    asked.push(ref.original);
    return Promise.resolve({
      digest,
      url: `http://${ref.domain}/v2/${ref.repository}/manifests/x`,
    });
  };
  return Object.assign(resolve, { asked });
}

/** A registry that does not answer. */
const unreachable: DigestResolver = (ref) =>
  Promise.reject(
    new RegistryError(
      `http://${ref.domain}/v2/${ref.repository}/manifests/${ref.tag ?? ""}`,
      "connection refused (ECONNREFUSED)",
      0,
    ),
  );

describe("planPin", () => {
  it("pins an unpinned image to the registry's digest, as name:tag@digest", async () => {
    expect(await planPin("gatewayImage", `${REG}/litellm:1.108.14`, registry(A))).toEqual({
      kind: "pin",
      key: "gatewayImage",
      image: `${REG}/litellm:1.108.14`,
      value: `${REG}/litellm:1.108.14@${A}`,
      url: `http://${REG}/v2/litellm/manifests/x`,
    });
    expect(await planPin("postgresImage", "postgres", registry(A))).toMatchObject({
      kind: "pin",
      value: `postgres:latest@${A}`,
    });
  });

  it("leaves an image whose registry does not answer unresolved, naming the URL and error", async () => {
    expect(await planPin("gatewayImage", `${REG}/litellm:1`, unreachable)).toEqual({
      kind: "unresolved",
      key: "gatewayImage",
      image: `${REG}/litellm:1`,
      url: `http://${REG}/v2/litellm/manifests/1`,
      reason: "connection refused (ECONNREFUSED)",
      cause: "registry",
    });
  });

  it("never looks up a local build (its name would be a Docker Hub repository)", async () => {
    const hub = registry(A);
    for (const image of [
      LOCAL_GATEWAY_IMAGE,
      LOCAL_POSTGRES_IMAGE,
      "litellm-stack/litellm:1.109.3-local",
    ]) {
      const outcome = await planPin("gatewayImage", image, hub);
      expect(outcome).toMatchObject({ kind: "unresolved", image, url: undefined, cause: "local" });
      expect((outcome as { reason: string }).reason).toMatch(/^a local build \(npm run images\)/);
    }
    expect(await planPin("postgresImage", `${LOCAL_POSTGRES_IMAGE}@${A}`, hub)).toMatchObject({
      kind: "unverified",
      url: undefined,
    });
    expect(hub.asked).toEqual([]);
  });

  it("refuses a reference that does not parse, without asking a registry", async () => {
    const hub = registry(A);
    expect(await planPin("gatewayImage", "Bad/Name:1", hub)).toMatchObject({
      kind: "unresolved",
      url: undefined,
      cause: "reference",
      reason: expect.stringContaining('the path component "Name"') as unknown,
    });
    expect(hub.asked).toEqual([]);
  });

  it("verifies an image already pinned: same digest verified, another digest a mismatch", async () => {
    const image = `${REG}/litellm:1.108.14@${A}`;
    expect(await planPin("gatewayImage", image, registry(A))).toMatchObject({ kind: "verified" });
    expect(await planPin("gatewayImage", image, registry(B))).toMatchObject({
      kind: "mismatch",
      pinned: A,
      registry: B,
    });
  });

  it("leaves a pinned image whose registry cannot be reached as is, unverified", async () => {
    expect(await planPin("postgresImage", `${REG}/postgres:15@${A}`, unreachable)).toMatchObject({
      kind: "unverified",
      url: `http://${REG}/v2/postgres/manifests/15`,
      reason: "connection refused (ECONNREFUSED)",
    });
  });

  it("passes other errors through (a bug is not an unreachable registry)", async () => {
    await expect(
      planPin("gatewayImage", `${REG}/x:1`, () => Promise.reject(new TypeError("bug"))),
    ).rejects.toThrow("bug");
  });
});

describe("decide", () => {
  const pin = (key: "gatewayImage" | "postgresImage"): PinOutcome => ({
    kind: "pin",
    key,
    image: "i:1",
    value: `i:1@${A}`,
    url: "u",
  });
  const verified: PinOutcome = { kind: "verified", key: "postgresImage", image: "p", url: "u" };
  const unverified: PinOutcome = {
    kind: "unverified",
    key: "postgresImage",
    image: "p",
    url: "u",
    reason: "r",
  };
  const unresolved: PinOutcome = {
    kind: "unresolved",
    key: "postgresImage",
    image: "p",
    url: "u",
    reason: "r",
    cause: "registry",
  };
  const mismatch: PinOutcome = {
    kind: "mismatch",
    key: "postgresImage",
    image: "p",
    pinned: A,
    registry: B,
    url: "u",
  };

  it.each<[string, PinOutcome[], string[], boolean]>([
    [
      "both resolved",
      [pin("gatewayImage"), pin("postgresImage")],
      ["gatewayImage", "postgresImage"],
      true,
    ],
    [
      "one resolved, one already pinned and verified",
      [pin("gatewayImage"), verified],
      ["gatewayImage"],
      true,
    ],
    [
      "one resolved, one pinned but unreachable",
      [pin("gatewayImage"), unverified],
      ["gatewayImage"],
      true,
    ],
    [
      "one resolved, one not (written: the resolved one only)",
      [pin("gatewayImage"), unresolved],
      ["gatewayImage"],
      false,
    ],
    [
      "one resolved, one pinned tag moved (nothing written)",
      [pin("gatewayImage"), mismatch],
      [],
      false,
    ],
    ["nothing to do", [verified, { ...verified, key: "gatewayImage" }], [], true],
  ])("%s", (_, outcomes, keys, ok) => {
    const decision = decide(outcomes);
    expect(decision.writes.map((w) => w.key)).toEqual(keys);
    expect(decision.ok).toBe(ok);
  });

  it("reports each outcome with the key, the image and, for failures, the URL and error", () => {
    expect(describeOutcome(pin("gatewayImage"), false, false)).toBe(
      `litellm-stack:gatewayImage: set i:1@${A} (digest from u)`,
    );
    expect(describeOutcome(pin("gatewayImage"), true, false)).toBe(
      `litellm-stack:gatewayImage: would set i:1@${A} (dry run, nothing written)`,
    );
    expect(describeOutcome(pin("gatewayImage"), false, true)).toMatch(
      /not written: a pinned tag moved/,
    );
    expect(describeOutcome(unresolved, false, false)).toBe(
      "error: litellm-stack:postgresImage: cannot pin p: r (registry URL tried: u); left unchanged. Fix: run pin-images where the registry answers, or pin it by hand: pulumi config set litellm-stack:postgresImage '<image>@sha256:<digest>'",
    );
    expect(
      describeOutcome({ ...unresolved, url: undefined, cause: "local" }, false, false),
    ).toMatch(/\(no registry tried\); left unchanged\. Fix: push the image to a registry/);
    expect(describeOutcome(mismatch, false, false)).toMatch(
      new RegExp(
        `^error: litellm-stack:postgresImage: p is pinned to ${A}, but the registry now gives ${B} for its tag \\(u\\)\\. Nothing was written\\.`,
      ),
    );
    expect(describeOutcome(unverified, false, false)).toBe(
      "note: litellm-stack:postgresImage: p is already pinned but was not verified (r; registry URL tried: u); left as is",
    );
  });
});

describe("the pin-images command line", () => {
  it("is listed in COMMANDS and takes --dry-run and the common flags", () => {
    expect(COMMANDS).toContain(pinImages);
    const parsed = parseFlags(pinImages, ["--stack", "prod", "--dry-run"]);
    expect(parsed.target.stack).toBe("prod");
    expect(parsed.flags["dry-run"]).toBe(true);
    expect(() => parseFlags(pinImages, ["--refresh"])).toThrow(/npm run pin-images -- --help/);
    const help = helpText(pinImages);
    for (const text of [
      "usage: npm run pin-images -- [flags]",
      "--dry-run",
      "--stack NAME",
      "exit codes",
    ]) {
      expect(help).toContain(text);
    }
  });
});
