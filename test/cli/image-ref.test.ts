/**
 * Image references as Docker reads them: registry host and port, repository path, tag (default
 * latest), digest; Docker Hub's `library/` names; the pinned form pin-images writes; which
 * registries are loopback (spoken to over http).
 */
import { describe, expect, it } from "vitest";
import {
  ImageRefError,
  isLoopbackRegistry,
  parseImageRef,
  pinnedRef,
  type ImageRef,
} from "../../cli/image-ref";

const D = `sha256:${"a".repeat(64)}`;
const E = `sha256:${"e".repeat(64)}`;

describe("parseImageRef", () => {
  it.each<[string, Omit<ImageRef, "original">]>([
    [
      "postgres",
      {
        name: "postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "latest",
        digest: undefined,
      },
    ],
    [
      "postgres:15",
      {
        name: "postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "15",
        digest: undefined,
      },
    ],
    [
      `postgres:15@${D}`,
      {
        name: "postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "15",
        digest: D,
      },
    ],
    [
      `postgres@${D}`,
      {
        name: "postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: undefined,
        digest: D,
      },
    ],
    [
      "bitnami/postgresql:15.4.0",
      {
        name: "bitnami/postgresql",
        domain: "docker.io",
        repository: "bitnami/postgresql",
        tag: "15.4.0",
        digest: undefined,
      },
    ],
    [
      "docker.io/library/postgres:15",
      {
        name: "docker.io/library/postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "15",
        digest: undefined,
      },
    ],
    [
      "docker.io/postgres:15",
      {
        name: "docker.io/postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "15",
        digest: undefined,
      },
    ],
    [
      "index.docker.io/litellm/litellm:v1.108.21",
      {
        name: "index.docker.io/litellm/litellm",
        domain: "docker.io",
        repository: "litellm/litellm",
        tag: "v1.108.21",
        digest: undefined,
      },
    ],
    [
      "ghcr.io/berriai/litellm:v1.108.14",
      {
        name: "ghcr.io/berriai/litellm",
        domain: "ghcr.io",
        repository: "berriai/litellm",
        tag: "v1.108.14",
        digest: undefined,
      },
    ],
    [
      `ghcr.io/berriai/litellm-database:v1.108.14@${E}`,
      {
        name: "ghcr.io/berriai/litellm-database",
        domain: "ghcr.io",
        repository: "berriai/litellm-database",
        tag: "v1.108.14",
        digest: E,
      },
    ],
    [
      "127.0.0.1:5000/litellm",
      {
        name: "127.0.0.1:5000/litellm",
        domain: "127.0.0.1:5000",
        repository: "litellm",
        tag: "latest",
        digest: undefined,
      },
    ],
    [
      "127.0.0.1:5000/team/litellm:1.108.14",
      {
        name: "127.0.0.1:5000/team/litellm",
        domain: "127.0.0.1:5000",
        repository: "team/litellm",
        tag: "1.108.14",
        digest: undefined,
      },
    ],
    [
      "localhost/app:dev",
      {
        name: "localhost/app",
        domain: "localhost",
        repository: "app",
        tag: "dev",
        digest: undefined,
      },
    ],
    [
      "[::1]:5000/app:1",
      {
        name: "[::1]:5000/app",
        domain: "[::1]:5000",
        repository: "app",
        tag: "1",
        digest: undefined,
      },
    ],
    [
      "Registry/app:1",
      { name: "Registry/app", domain: "Registry", repository: "app", tag: "1", digest: undefined },
    ],
    [
      "litellm-stack/litellm:1.108.14-local",
      {
        name: "litellm-stack/litellm",
        domain: "docker.io",
        repository: "litellm-stack/litellm",
        tag: "1.108.14-local",
        digest: undefined,
      },
    ],
    [
      "registry.example.com:443/a/b/c__d.e-f:T_1.x-y",
      {
        name: "registry.example.com:443/a/b/c__d.e-f",
        domain: "registry.example.com:443",
        repository: "a/b/c__d.e-f",
        tag: "T_1.x-y",
        digest: undefined,
      },
    ],
    [
      "  postgres:15  ",
      {
        name: "postgres",
        domain: "docker.io",
        repository: "library/postgres",
        tag: "15",
        digest: undefined,
      },
    ],
  ])("%s", (reference, expected) => {
    expect(parseImageRef(reference)).toEqual({ original: reference.trim(), ...expected });
  });

  it.each([
    ["", "it is empty"],
    ["postgres:", 'the tag "" is not a tag'],
    ["postgres:15:1", 'the path component "postgres:15"'],
    [":15", "it has no name"],
    ["Postgres:15", 'the path component "Postgres"'],
    ["ghcr.io/BerriAI/litellm:v1", 'the path component "BerriAI"'],
    ["ghcr.io//litellm:v1", 'the path component ""'],
    ["ghcr.io/litellm-:v1", 'the path component "litellm-"'],
    ["postgres:-15", 'the tag "-15"'],
    [`postgres:${"x".repeat(129)}`, "the tag"],
    ["postgres@sha256:abc", 'the digest "sha256:abc" is not sha256:<64'],
    [`postgres@sha512:${"a".repeat(128)}`, "the digest"],
    [`postgres@sha256:${"A".repeat(64)}`, "the digest"],
    ["host:port/app:1", 'the registry "host:port" is not host[:port]'],
    ["bad_host.com/app:1", 'the registry "bad_host.com"'],
    [`${"a".repeat(256)}:1`, "longer than 255"],
    ["a b:1", 'the path component "a b"'],
  ])("refuses %j: %s", (reference, reason) => {
    let error: unknown;
    try {
      parseImageRef(reference);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ImageRefError);
    expect((error as ImageRefError).reason).toContain(reason);
    expect((error as ImageRefError).message).toContain(
      `${JSON.stringify(reference.trim())} is not an image reference: `,
    );
  });
});

describe("pinnedRef", () => {
  it.each([
    ["postgres:15", "postgres:15@"],
    ["postgres", "postgres:latest@"],
    [`postgres:15@${E}`, "postgres:15@"],
    [`postgres@${E}`, "postgres@"],
    ["127.0.0.1:5000/team/litellm:1.108.14", "127.0.0.1:5000/team/litellm:1.108.14@"],
    ["docker.io/library/postgres:15", "docker.io/library/postgres:15@"],
  ])("%s pinned is %s<digest>, the name as written", (reference, prefix) => {
    expect(pinnedRef(parseImageRef(reference), D)).toBe(`${prefix}${D}`);
  });
});

describe("isLoopbackRegistry", () => {
  it.each([
    ["127.0.0.1:5000", true],
    ["127.0.0.1", true],
    ["127.10.20.30:80", true],
    ["localhost:5000", true],
    ["localhost", true],
    ["[::1]:5000", true],
    ["docker.io", false],
    ["ghcr.io", false],
    ["127.0.0.1.example.com:5000", false],
    ["10.0.0.1:5000", false],
    ["localhost.example.com", false],
  ])("%s: %s", (domain, loopback) => {
    expect(isLoopbackRegistry(domain)).toBe(loopback);
  });
});
