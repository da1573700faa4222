/**
 * `npm run pin-images` against a real registry: Debian's docker-registry on a free 127.0.0.1
 * port, holding the local LiteLLM and Postgres images (pushed by the engine). It writes
 * `<image>@sha256:<digest>` with the digest the registry reports and `docker pull` accepts, so a
 * production stack that refused the unpinned images passes; `--dry-run` writes nothing; a pinned
 * image is verified and a moved tag is an error that writes nothing; an unreachable registry
 * (a closed port) and a local build are reported by name and left unchanged, exit 1.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  LITELLM_VERSION,
  LOCAL_GATEWAY_IMAGE,
  LOCAL_POSTGRES_IMAGE,
  PROJECT,
  parseConfig,
} from "../../config";
import { MANIFEST_MEDIA_TYPES } from "../../cli/registry";
import { registryUnavailableReason, startRegistry, type LocalRegistry } from "../support/registry";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  createTestStack,
  docker,
  freePort,
  type RunResult,
  type TestStack,
  type TestStackOptions,
} from "./harness";
import { describeE2E } from "./suite";

/** The stack's image keys as its config holds them (undefined: not set, or Pulumi.yaml's ""). */
async function imageConfig(
  test: TestStack,
): Promise<{ gatewayImage: string | undefined; postgresImage: string | undefined }> {
  const all = await test.stack.getAllConfig();
  const value = (key: string): string | undefined => all[`${PROJECT}:${key}`]?.value || undefined;
  return { gatewayImage: value("gatewayImage"), postgresImage: value("postgresImage") };
}

/** Runs `body` on a fresh test stack, removed afterwards. */
async function withStack(
  options: TestStackOptions,
  body: (test: TestStack) => Promise<void>,
): Promise<void> {
  const test = await createTestStack("pin", options);
  try {
    await body(test);
  } finally {
    await test.remove();
  }
}

const output = (r: RunResult): string => r.stdout + r.stderr;

/** The digest the registry itself reports for a tag (HEAD with the manifest Accept types). */
async function registryDigest(host: string, repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: MANIFEST_MEDIA_TYPES.join(", ") },
  });
  return res.headers.get("docker-content-digest");
}

describeE2E(
  "npm run pin-images against a local registry",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    let registry: LocalRegistry;
    let gateway: string;
    let postgres: string;
    const digests = { gateway: "", postgres: "" };

    beforeAll(async () => {
      registry = await startRegistry();
      gateway = `${registry.host}/litellm:${LITELLM_VERSION}`;
      postgres = `${registry.host}/postgres:15`;
      [digests.gateway, digests.postgres] = await Promise.all([
        registry.push(LITELLM_IMAGE, `litellm:${LITELLM_VERSION}`),
        registry.push(POSTGRES_IMAGE, "postgres:15"),
      ]);
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("pins a production stack's images to the registry's digests; preview refused them before and accepts them after", async () => {
      await withStack(
        { config: { production: "true", gatewayImage: gateway, postgresImage: postgres } },
        async (test) => {
          const refused = await test.cli("preview");
          expect(refused.code).toBe(1);
          expect(output(refused)).toContain(
            `${PROJECT}:gatewayImage: "${gateway}" has no digest; a production stack`,
          );
          expect(output(refused)).toContain(
            `${PROJECT}:postgresImage: "${postgres}" has no digest`,
          );

          const dry = await test.cli("pin-images", ["--dry-run"]);
          expect(dry.code, output(dry)).toBe(0);
          expect(dry.stderr).toContain(
            `${PROJECT}:gatewayImage: would set ${gateway}@${digests.gateway} (dry run, nothing written)`,
          );
          expect(await imageConfig(test)).toEqual({
            gatewayImage: gateway,
            postgresImage: postgres,
          });

          const pinned = await test.cli("pin-images");
          expect(pinned.code, output(pinned)).toBe(0);
          const written = await imageConfig(test);
          expect(written).toEqual({
            gatewayImage: `${gateway}@${digests.gateway}`,
            postgresImage: `${postgres}@${digests.postgres}`,
          });
          // The digest is the registry's own, and the engine pulls the written reference.
          expect(await registryDigest(registry.host, "litellm", LITELLM_VERSION)).toBe(
            digests.gateway,
          );
          expect(await registryDigest(registry.host, "postgres", "15")).toBe(digests.postgres);
          for (const ref of [written.gatewayImage, written.postgresImage]) {
            await docker(["pull", "-q", ref ?? ""]); // throws unless the engine accepts the digest
          }
          const raw = Object.fromEntries(
            Object.entries(await test.stack.getAllConfig()).map(([k, v]) => [
              k.slice(PROJECT.length + 1),
              v.value,
            ]),
          );
          expect(parseConfig(test.name, raw, new Set()).production).toBe(true);
          const accepted = await test.cli("preview");
          expect(output(accepted)).not.toContain("has no digest");
          expect(accepted.code, output(accepted)).toBe(0);

          const again = await test.cli("pin-images");
          expect(again.code, output(again)).toBe(0);
          expect(again.stderr).toContain(
            `${PROJECT}:gatewayImage: ${written.gatewayImage} is already pinned; the registry gives the same digest for its tag`,
          );
          expect(await imageConfig(test)).toEqual(written);
        },
      );
    });

    it("refuses a pinned tag that moved, naming both digests, and writes nothing", async () => {
      const moving = `${registry.host}/moving:1`;
      const before = await registry.push(POSTGRES_IMAGE, "moving:1");
      await withStack(
        { config: { postgresImage: moving, gatewayImage: gateway } },
        async (test) => {
          expect((await test.cli("pin-images")).code).toBe(0);
          // The tag now names another image; the gateway key is unpinned again, to show that the
          // resolvable image is not written either.
          const after = await registry.push(LITELLM_IMAGE, "moving:1");
          expect(after).not.toBe(before);
          await test.setConfig({ gatewayImage: gateway });
          const config = await imageConfig(test);

          const moved = await test.cli("pin-images");
          expect(moved.code).toBe(1);
          expect(moved.stderr).toContain(
            `error: ${PROJECT}:postgresImage: ${moving}@${before} is pinned to ${before}, but the registry now gives ${after} for its tag`,
          );
          expect(moved.stderr).toContain(`${PROJECT}:gatewayImage: ${gateway} resolves to`);
          expect(await imageConfig(test)).toEqual(config);
          expect(config.postgresImage).toBe(`${moving}@${before}`);
        },
      );
    });

    it("reports an unreachable registry (a closed port) by image, URL and error, leaves that image unchanged and exits 1", async () => {
      const closed = await freePort();
      const unreachable = `127.0.0.1:${closed}/litellm:${LITELLM_VERSION}`;
      await withStack(
        { config: { gatewayImage: unreachable, postgresImage: postgres } },
        async (test) => {
          const result = await test.cli("pin-images");
          expect(result.code).toBe(1);
          expect(result.stderr).toContain(
            `error: ${PROJECT}:gatewayImage: cannot pin ${unreachable}: connection refused (ECONNREFUSED) (registry URL tried: http://127.0.0.1:${closed}/v2/litellm/manifests/${LITELLM_VERSION}); left unchanged.`,
          );
          // The other image's registry answered: it is pinned.
          expect(await imageConfig(test)).toEqual({
            gatewayImage: unreachable,
            postgresImage: `${postgres}@${digests.postgres}`,
          });

          // Already pinned and unreachable: left as is with a note, exit 0.
          const pinned = `${unreachable}@${digests.gateway}`;
          await test.setConfig({ gatewayImage: pinned });
          const note = await test.cli("pin-images");
          expect(note.code, output(note)).toBe(0);
          expect(note.stderr).toContain(
            `note: ${PROJECT}:gatewayImage: ${pinned} is already pinned but was not verified (connection refused (ECONNREFUSED)`,
          );
          expect((await imageConfig(test)).gatewayImage).toBe(pinned);
        },
      );
    });

    it("reports the local builds (imageSource=local) without looking them up, writes nothing and exits 1", async () => {
      await withStack({ config: { imageSource: "local" } }, async (test) => {
        for (const args of [["--dry-run"], []]) {
          const result = await test.cli("pin-images", args);
          expect(result.code).toBe(1);
          for (const [key, image] of [
            ["gatewayImage", LOCAL_GATEWAY_IMAGE],
            ["postgresImage", LOCAL_POSTGRES_IMAGE],
          ]) {
            expect(result.stderr).toContain(
              `error: ${PROJECT}:${key}: cannot pin ${image}: a local build (npm run images), on no registry;`,
            );
          }
          expect(result.stderr).toContain("(no registry tried)");
          expect(await imageConfig(test)).toEqual({
            gatewayImage: undefined,
            postgresImage: undefined,
          });
        }
      });
    });
  },
  [registryUnavailableReason],
);
