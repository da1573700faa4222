/**
 * The registry client of pin-images against undici's MockAgent (no network): the manifest HEAD
 * and its Accept header, the anonymous Bearer token dance of ghcr.io and Docker Hub, a registry
 * that leaves the digest header out, and every way of giving no digest, each naming the URL
 * tried. A closed local port stands for a registry that does not answer.
 */
import { createHash } from "node:crypto";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseImageRef } from "../../cli/image-ref";
import {
  MANIFEST_MEDIA_TYPES,
  RegistryError,
  describeTransportError,
  manifestUrl,
  parseBearerChallenge,
  registryBaseUrl,
  resolveDigest,
} from "../../cli/registry";
import { rejection } from "../support/errors";
import { freePort } from "../support/net";

const DIGEST = `sha256:${"1".repeat(64)}`;
const DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe("registryBaseUrl and manifestUrl", () => {
  it.each([
    ["postgres:15", "https://registry-1.docker.io/v2/library/postgres/manifests/15"],
    [
      "docker.io/litellm/litellm:v1",
      "https://registry-1.docker.io/v2/litellm/litellm/manifests/v1",
    ],
    ["ghcr.io/berriai/litellm:v1.108.14", "https://ghcr.io/v2/berriai/litellm/manifests/v1.108.14"],
    ["127.0.0.1:5000/litellm:1", "http://127.0.0.1:5000/v2/litellm/manifests/1"],
    ["localhost:5000/a/b", "http://localhost:5000/v2/a/b/manifests/latest"],
    ["registry.internal:5000/a:1", "https://registry.internal:5000/v2/a/manifests/1"],
  ])("%s → %s", (reference, url) => {
    const ref = parseImageRef(reference);
    expect(manifestUrl(ref, ref.tag ?? "")).toBe(url);
    expect(url.startsWith(registryBaseUrl(ref))).toBe(true);
  });
});

describe("parseBearerChallenge", () => {
  it.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:berriai/litellm:pull"',
      {
        realm: "https://ghcr.io/token",
        service: "ghcr.io",
        scope: "repository:berriai/litellm:pull",
      },
    ],
    [
      'bearer Realm="https://auth.docker.io/token", service="registry.docker.io"',
      { realm: "https://auth.docker.io/token", service: "registry.docker.io" },
    ],
    [
      "Bearer realm=https://r.example/token,service=r",
      { realm: "https://r.example/token", service: "r" },
    ],
  ])("%s", (header, params) => {
    expect(parseBearerChallenge(header)).toEqual(params);
  });

  it("is undefined for Basic and for no challenge", () => {
    expect(parseBearerChallenge('Basic realm="registry"')).toBeUndefined();
    expect(parseBearerChallenge("")).toBeUndefined();
  });
});

describe("resolveDigest", () => {
  it("reads Docker-Content-Digest from a HEAD that accepts the OCI and Docker manifest types", async () => {
    let accept: unknown;
    agent
      .get("http://127.0.0.1:5000")
      .intercept({ path: "/v2/team/litellm/manifests/1.108.14", method: "HEAD" })
      .reply((req) => {
        accept = (req.headers as Record<string, string>)["accept"];
        return {
          statusCode: 200,
          data: "",
          responseOptions: {
            headers: { "docker-content-digest": DIGEST, "content-type": DOCKER_V2 },
          },
        };
      });
    const resolved = await resolveDigest(parseImageRef("127.0.0.1:5000/team/litellm:1.108.14"), {
      dispatcher: agent,
    });
    expect(resolved).toEqual({
      digest: DIGEST,
      url: "http://127.0.0.1:5000/v2/team/litellm/manifests/1.108.14",
    });
    expect(String(accept).split(", ").sort()).toEqual([...MANIFEST_MEDIA_TYPES].sort());
  });

  it("answers ghcr.io's Bearer challenge with an anonymous pull token", async () => {
    const ghcr = agent.get("https://ghcr.io");
    ghcr
      .intercept({
        path: "/v2/berriai/litellm/manifests/v1.108.21",
        method: "HEAD",
        headers: (h) => h["authorization"] === undefined,
      })
      .reply(401, "", {
        headers: {
          "www-authenticate":
            'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:berriai/litellm:pull"',
        },
      });
    ghcr
      .intercept({
        path: "/token?service=ghcr.io&scope=repository%3Aberriai%2Flitellm%3Apull",
        method: "GET",
      })
      .reply(200, { token: "anon-token" });
    ghcr
      .intercept({
        path: "/v2/berriai/litellm/manifests/v1.108.21",
        method: "HEAD",
        headers: { authorization: "Bearer anon-token" },
      })
      .reply(200, "", { headers: { "docker-content-digest": DIGEST, "content-type": OCI_INDEX } });
    const resolved = await resolveDigest(parseImageRef("ghcr.io/berriai/litellm:v1.108.21"), {
      dispatcher: agent,
    });
    expect(resolved.digest).toBe(DIGEST);
    agent.assertNoPendingInterceptors();
  });

  it("maps an official Docker Hub image to registry-1.docker.io/library/… and takes access_token", async () => {
    const hub = agent.get("https://registry-1.docker.io");
    hub.intercept({ path: "/v2/library/postgres/manifests/15", method: "HEAD" }).reply(401, "", {
      headers: {
        "www-authenticate":
          'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      },
    });
    agent
      .get("https://auth.docker.io")
      .intercept({
        path: "/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpostgres%3Apull",
        method: "GET",
      })
      .reply(200, { access_token: "hub-token" });
    hub
      .intercept({
        path: "/v2/library/postgres/manifests/15",
        method: "HEAD",
        headers: { authorization: "Bearer hub-token" },
      })
      .reply(200, "", {
        headers: {
          "docker-content-digest": DIGEST,
          "content-type": "application/vnd.docker.distribution.manifest.list.v2+json",
        },
      });
    expect((await resolveDigest(parseImageRef("postgres:15"), { dispatcher: agent })).digest).toBe(
      DIGEST,
    );
  });

  it("computes the digest of the manifest a GET returns when the HEAD has no digest header", async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    const pool = agent.get("https://registry.internal");
    pool
      .intercept({ path: "/v2/app/manifests/1", method: "HEAD" })
      .reply(200, "", { headers: { "content-type": OCI_INDEX } });
    pool
      .intercept({ path: "/v2/app/manifests/1", method: "GET" })
      .reply(200, manifest, { headers: { "content-type": OCI_INDEX } });
    const resolved = await resolveDigest(parseImageRef("registry.internal/app:1"), {
      dispatcher: agent,
    });
    expect(resolved.digest).toBe(`sha256:${createHash("sha256").update(manifest).digest("hex")}`);
  });

  it("looks up a digest-only reference by its digest", async () => {
    agent
      .get("https://ghcr.io")
      .intercept({ path: `/v2/berriai/litellm/manifests/${DIGEST}`, method: "HEAD" })
      .reply(200, "", { headers: { "docker-content-digest": DIGEST, "content-type": OCI_INDEX } });
    expect(
      (
        await resolveDigest(parseImageRef(`ghcr.io/berriai/litellm@${DIGEST}`), {
          dispatcher: agent,
        })
      ).digest,
    ).toBe(DIGEST);
  });

  const url = "https://registry.internal/v2/app/manifests/1";
  it.each<[string, (pool: ReturnType<MockAgent["get"]>) => void, string, number]>([
    [
      "an unknown tag",
      (pool) => pool.intercept({ path: "/v2/app/manifests/1", method: "HEAD" }).reply(404, ""),
      "HTTP 404: manifest not found",
      404,
    ],
    [
      "a registry that wants credentials (Basic)",
      (pool) =>
        pool
          .intercept({ path: "/v2/app/manifests/1", method: "HEAD" })
          .reply(401, "", { headers: { "www-authenticate": 'Basic realm="registry"' } }),
      "HTTP 401: authentication required (pin-images only pulls anonymously)",
      401,
    ],
    [
      "a server error",
      (pool) => pool.intercept({ path: "/v2/app/manifests/1", method: "HEAD" }).reply(503, ""),
      "HTTP 503",
      503,
    ],
    [
      "a schema-1 manifest",
      (pool) =>
        pool.intercept({ path: "/v2/app/manifests/1", method: "HEAD" }).reply(200, "", {
          headers: {
            "docker-content-digest": DIGEST,
            "content-type": "application/vnd.docker.distribution.manifest.v1+prettyjws",
          },
        }),
      'the manifest\'s media type "application/vnd.docker.distribution.manifest.v1+prettyjws" is none of',
      200,
    ],
    [
      "a digest that is not sha256",
      (pool) =>
        pool.intercept({ path: "/v2/app/manifests/1", method: "HEAD" }).reply(200, "", {
          headers: {
            "docker-content-digest": `sha512:${"f".repeat(128)}`,
            "content-type": DOCKER_V2,
          },
        }),
      "is not sha256",
      200,
    ],
    [
      "a challenge whose token endpoint refuses",
      (pool) => {
        pool.intercept({ path: "/v2/app/manifests/1", method: "HEAD" }).reply(401, "", {
          headers: { "www-authenticate": 'Bearer realm="https://registry.internal/token"' },
        });
        pool.intercept({ path: /^\/token\?/, method: "GET" }).reply(403, "");
      },
      "HTTP 403: access denied",
      403,
    ],
  ])("fails with a RegistryError naming the URL for %s", async (_, setup, reason, status) => {
    setup(agent.get("https://registry.internal"));
    const error = await rejection(
      resolveDigest(parseImageRef("registry.internal/app:1"), { dispatcher: agent }),
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).reason).toContain(reason);
    expect((error as RegistryError).status).toBe(status);
    expect((error as RegistryError).url).toMatch(
      /^https:\/\/registry\.internal\/(v2\/app\/manifests\/1|token\?)/,
    );
    expect(error.message).toContain((error as RegistryError).url);
    if (status !== 403) {
      expect((error as RegistryError).url).toBe(url);
    }
  });

  it("times out a registry that does not answer", async () => {
    agent
      .get("https://registry.internal")
      .intercept({ path: "/v2/app/manifests/1", method: "HEAD" })
      .reply(200, "")
      .delay(2_000);
    const error = await rejection(
      resolveDigest(parseImageRef("registry.internal/app:1"), {
        dispatcher: agent,
        timeoutMs: 100,
      }),
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).reason).toBe("no answer within 100 ms");
    expect((error as RegistryError).status).toBe(0);
  });

  it("names the URL and 'connection refused' for a closed local port (no mock)", async () => {
    const port = await freePort();
    const error = await rejection(resolveDigest(parseImageRef(`127.0.0.1:${port}/litellm:1`)));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(
      `http://127.0.0.1:${port}/v2/litellm/manifests/1: connection refused (ECONNREFUSED)`,
    );
  });
});

describe("describeTransportError", () => {
  it.each([
    [
      Object.assign(new Error("getaddrinfo ENOTFOUND ghcr.io"), { code: "ENOTFOUND" }),
      "host not found (ENOTFOUND)",
    ],
    [
      Object.assign(new Error("x"), { code: "UND_ERR_CONNECT_TIMEOUT" }),
      "no connection within 500 ms (UND_ERR_CONNECT_TIMEOUT)",
    ],
    [Object.assign(new Error("odd"), { code: "EWHATEVER" }), "odd (EWHATEVER)"],
    [
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
      "no answer within 500 ms",
    ],
    [new Error("plain"), "plain"],
  ])("%s → %s", (err, words) => {
    expect(describeTransportError(err, 500)).toBe(words);
  });
});
