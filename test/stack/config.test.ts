import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_GATEWAY_IMAGE,
  DEFAULT_POSTGRES_IMAGE,
  LITELLM_VERSION,
  LOCAL_GATEWAY_IMAGE,
  LOCAL_POSTGRES_IMAGE,
  parseConfig,
} from "../../config";

const noSecrets = new Set<string>();

function problems(raw: Record<string, string>, secrets: ReadonlySet<string> = noSecrets): string[] {
  try {
    parseConfig("dev", raw, secrets);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("gives safe defaults: loopback, port 4000, the pinned upstream images, admin UI user", () => {
    const c = parseConfig("dev", {}, noSecrets);
    expect(c).toMatchObject({
      bindAddress: "127.0.0.1",
      hostPort: 4000,
      production: false,
      gatewayImage: DEFAULT_GATEWAY_IMAGE,
      litellmVersion: "1.108.14",
      postgresImage: DEFAULT_POSTGRES_IMAGE,
      uiUsername: "admin",
      masterKeyRotation: 0,
      allowSaltKeyChange: false,
      deleteDataOnDestroy: false,
      gatewayWaitTimeout: 600,
      warnings: [],
    });
    expect(c.masterKey).toBeUndefined();
    expect(LITELLM_VERSION).toBe("1.108.14");
    expect(DEFAULT_GATEWAY_IMAGE).toBe("ghcr.io/berriai/litellm:v1.108.14");
    expect(DEFAULT_POSTGRES_IMAGE).toBe("postgres:15");
  });

  it("imageSource=local selects the offline builds of the same LiteLLM version and Postgres major", () => {
    const c = parseConfig("dev", { imageSource: "local" }, noSecrets);
    expect(c.gatewayImage).toBe("litellm-stack/litellm:1.108.14-local");
    expect(c.postgresImage).toBe("litellm-stack/postgres:15-local");
    expect([LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE]).toEqual([c.gatewayImage, c.postgresImage]);
    expect(c.litellmVersion).toBe("1.108.14");
    const explicit = parseConfig(
      "dev",
      { imageSource: "local", gatewayImage: "x/y:v1.108.14" },
      noSecrets,
    );
    expect(explicit.gatewayImage).toBe("x/y:v1.108.14");
    expect(problems({ imageSource: "mirror" })).toEqual([
      'litellm-stack:imageSource: must be upstream or local (got "mirror"). Fix: pulumi config set litellm-stack:imageSource local',
    ]);
  });

  it("treats the empty defaults of Pulumi.yaml as unset", () => {
    const c = parseConfig("dev", { masterKey: "", saltKey: "", existingVolume: "" }, noSecrets);
    expect(c.masterKey).toBeUndefined();
    expect(c.existingVolume).toBeUndefined();
  });

  it("rejects an unknown key and says how to remove it", () => {
    expect(problems({ hostport: "4000" })).toEqual([
      "litellm-stack:hostport: unknown key (known keys: llmProvider, openaiBaseUrl, serverBaseUrl, adminUrl, serverModels, serverKeyDuration, serverKeyAlias, serverMaxBudget, serverRpmLimit, serverTpmLimit, serverTeamId, production, bindAddress, hostPort, allowNonLoopbackBind, imageSource, gatewayImage, litellmVersion, postgresImage, redisImage, workers, spendLogRetention, spendLogCleanupCron, uiUsername, uiPassword, masterKey, masterKeyRotation, saltKey, databasePassword, allowSaltKeyChange, existingVolume, deleteDataOnDestroy, openaiApiKey, credentials, models, keys, target, kubeconfig, kubeContext, kubeNamespace, replicas, serviceType, databaseUrl, databaseMaxConnections, databaseStorage, storageClass, gatewayCpuRequest, gatewayCpuLimit, gatewayMemoryRequest, gatewayMemoryLimit, gatewayWaitTimeout). Fix: pulumi config rm litellm-stack:hostport",
    ]);
  });

  it("rejects a wrong type", () => {
    expect(problems({ hostPort: "abc" })).toEqual([
      'litellm-stack:hostPort: must be a whole number (got "abc"). Fix: pulumi config set litellm-stack:hostPort 4000',
    ]);
    expect(problems({ production: "yes" })).toEqual([
      'litellm-stack:production: must be true or false (got "yes"). Fix: pulumi config set litellm-stack:production true',
    ]);
  });

  it("rejects a port out of range", () => {
    expect(problems({ hostPort: "70000" })).toEqual([
      'litellm-stack:hostPort: must be between 1 and 65535 (got "70000"). Fix: pulumi config set litellm-stack:hostPort 4000',
    ]);
  });

  it("refuses a non-loopback bind without the acknowledgment", () => {
    expect(problems({ bindAddress: "0.0.0.0" })).toEqual([
      'litellm-stack:bindAddress: "0.0.0.0" is not a loopback address; the gateway\'s admin API would be reachable from other hosts without TLS. Fix: pulumi config set litellm-stack:bindAddress 127.0.0.1, or acknowledge with pulumi config set litellm-stack:allowNonLoopbackBind true and put a TLS-terminating reverse proxy in front',
    ]);
  });

  it("accepts loopback addresses and warns about TLS and auth for an acknowledged wide bind", () => {
    expect(parseConfig("dev", { bindAddress: "127.0.0.2" }, noSecrets).warnings).toEqual([]);
    expect(parseConfig("dev", { bindAddress: "::1" }, noSecrets).warnings).toEqual([]);
    const c = parseConfig(
      "dev",
      { bindAddress: "0.0.0.0", allowNonLoopbackBind: "true" },
      noSecrets,
    );
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/no TLS/);
    expect(c.warnings[0]).toMatch(/master key/);
  });

  it("refuses an image without digest in a production stack", () => {
    expect(
      problems({
        production: "true",
        gatewayImage: "ghcr.io/berriai/litellm:v1.108.14",
        postgresImage: `postgres:15@sha256:${"a".repeat(64)}`,
      }),
    ).toEqual([
      "litellm-stack:gatewayImage: \"ghcr.io/berriai/litellm:v1.108.14\" has no digest; a production stack (litellm-stack:production=true) only runs images pinned by digest. Fix: pulumi config set litellm-stack:gatewayImage 'ghcr.io/berriai/litellm:v1.108.14@sha256:<digest>'",
    ]);
    const pinned = {
      production: "true",
      gatewayImage: `ghcr.io/berriai/litellm:v1.108.14@sha256:${"b".repeat(64)}`,
      postgresImage: `postgres:15@sha256:${"a".repeat(64)}`,
    };
    expect(parseConfig("prod", pinned, noSecrets).production).toBe(true);
    expect(problems({ production: "true" })).toHaveLength(2);
  });

  it("litellmVersion picks the tag of the default image, upstream and local", () => {
    const up = parseConfig("dev", { litellmVersion: "1.109.3" }, noSecrets);
    expect([up.gatewayImage, up.litellmVersion]).toEqual([
      "ghcr.io/berriai/litellm:v1.109.3",
      "1.109.3",
    ]);
    const local = parseConfig(
      "dev",
      { litellmVersion: "1.109.3", imageSource: "local" },
      noSecrets,
    );
    expect(local.gatewayImage).toBe("litellm-stack/litellm:1.109.3-local");
  });

  const digest = `@sha256:${"c".repeat(64)}`;
  const policyFix =
    "(1.108.14 (the default) or another version the policy allows (docs/version-policy.md))";
  it.each([
    [
      "a denied version in the image tag",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.82.7-stable" },
      `litellm-stack:gatewayImage: LiteLLM 1.82.7 is denied (PYSEC-2026-2 / CVE-2026-33634): supply-chain compromise: proxy_server.py carried a credential stealer (PyPI, 2026-03-24). Fix: pulumi config set litellm-stack:gatewayImage 'ghcr.io/berriai/litellm:v1.108.14@sha256:<digest>' ${policyFix}`,
    ],
    [
      "a version of the compromised 1.107 line",
      { gatewayImage: "registry.internal:5000/berriai/litellm:v1.107.0" },
      `litellm-stack:gatewayImage: LiteLLM 1.107.0 is denied (BerriAI/litellm discussion #48242): compromised release (PyPI, Docker Hub and GHCR, reported 2026-10-21); rotate the master key, the salt-protected credentials and the provider keys if it ever ran. Fix: pulumi config set litellm-stack:gatewayImage 'ghcr.io/berriai/litellm:v1.108.14@sha256:<digest>' ${policyFix}`,
    ],
    [
      "a version below its line's floor, named by litellmVersion",
      { litellmVersion: "1.108.12" },
      `litellm-stack:litellmVersion: LiteLLM 1.108.12 is below 1.108.13, the floor of the 1.108 line (BerriAI/litellm#52838: /key/info let a key with no user read other userless keys by hash or alias (fixed 1.108.13)). Fix: pulumi config set litellm-stack:litellmVersion 1.108.14 ${policyFix}`,
    ],
    [
      "a version on no supported line",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.86.1" },
      `litellm-stack:gatewayImage: LiteLLM 1.86.1 is on no supported release line (supported: 1.108 (≥ 1.108.13), 1.109 (≥ 1.109.3), 1.110 (≥ 1.110.2), 1.111 (≥ 1.111.0); the policy, reviewed 2026-12-01, lists a newer line only once it is checked against the advisories). Fix: pulumi config set litellm-stack:gatewayImage 'ghcr.io/berriai/litellm:v1.108.14@sha256:<digest>' ${policyFix}`,
    ],
    [
      "a pre-release",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.111.0-rc.3" },
      `litellm-stack:gatewayImage: LiteLLM 1.111.0-rc.3 is a pre-release; only releases run. Fix: pulumi config set litellm-stack:gatewayImage 'ghcr.io/berriai/litellm:v1.108.14@sha256:<digest>' ${policyFix}`,
    ],
    [
      "an image by digest only, without litellmVersion",
      { gatewayImage: `ghcr.io/berriai/litellm${digest}` },
      `litellm-stack:gatewayImage: "ghcr.io/berriai/litellm${digest}" names no LiteLLM version (a digest only, or a tag such as latest), so the version policy cannot check it. Fix: pulumi config set litellm-stack:litellmVersion <the version it is>, or use a versioned tag`,
    ],
    [
      "an unversioned tag (latest), without litellmVersion",
      { gatewayImage: "ghcr.io/berriai/litellm:latest" },
      `litellm-stack:gatewayImage: "ghcr.io/berriai/litellm:latest" names no LiteLLM version (a digest only, or a tag such as latest), so the version policy cannot check it. Fix: pulumi config set litellm-stack:litellmVersion <the version it is>, or use a versioned tag`,
    ],
    [
      "a digest-only image stated to be a denied version",
      { gatewayImage: `ghcr.io/berriai/litellm${digest}`, litellmVersion: "1.107.0" },
      `litellm-stack:litellmVersion: LiteLLM 1.107.0 is denied (BerriAI/litellm discussion #48242): compromised release (PyPI, Docker Hub and GHCR, reported 2026-10-21); rotate the master key, the salt-protected credentials and the provider keys if it ever ran. Fix: pulumi config set litellm-stack:litellmVersion 1.108.14 ${policyFix}`,
    ],
    [
      "litellmVersion that disagrees with the image tag",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.109.3", litellmVersion: "1.108.14" },
      "litellm-stack:litellmVersion: 1.108.14 disagrees with the version in litellm-stack:gatewayImage's tag (1.109.3). Fix: pulumi config rm litellm-stack:litellmVersion, or set the image and the version alike",
    ],
    [
      "a litellmVersion that is not X.Y.Z",
      { litellmVersion: "latest" },
      'litellm-stack:litellmVersion: must be a LiteLLM version X.Y.Z (got "latest"). Fix: pulumi config set litellm-stack:litellmVersion 1.108.14',
    ],
  ])(
    "the version policy refuses %s, naming the key, version, advisory and fix",
    (_, raw, message) => {
      expect(problems(raw)).toEqual([message]);
    },
  );

  it.each([
    ["the default", {}, "1.108.14"],
    [
      "a floor patch of the LTS line",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.108.13" },
      "1.108.13",
    ],
    [
      "a newer line at its floor",
      { gatewayImage: "ghcr.io/berriai/litellm:v1.110.2-stable" },
      "1.110.2",
    ],
    ["a local build", { gatewayImage: "litellm-stack/litellm:1.108.14-local" }, "1.108.14"],
    [
      "a registry with a port",
      { gatewayImage: "127.0.0.1:5000/litellm-stack/litellm:1.111.0-local" },
      "1.111.0",
    ],
    [
      "a digest-only image with its version stated",
      { gatewayImage: `ghcr.io/berriai/litellm${digest}`, litellmVersion: "1.109.3" },
      "1.109.3",
    ],
    [
      "a tag and digest with the same version stated",
      { gatewayImage: `ghcr.io/berriai/litellm:v1.109.3${digest}`, litellmVersion: "1.109.3" },
      "1.109.3",
    ],
  ])("the version policy accepts %s", (_, raw, version) => {
    expect(parseConfig("dev", raw, noSecrets).litellmVersion).toBe(version);
  });

  it("requires secret keys to be set as secrets and never echoes their values", () => {
    const found = problems({ masterKey: "sk-0123456789abcdefXYZ" });
    expect(found).toEqual([
      "litellm-stack:masterKey: is stored in plaintext; it must be a secret. Fix: pulumi config set --secret litellm-stack:masterKey <value>",
    ]);
    const bad = problems({ masterKey: "not-a-key-value" }, new Set(["masterKey"]));
    expect(bad).toEqual([
      "litellm-stack:masterKey: must start with `sk-` followed by at least 16 characters. Fix: pulumi config set --secret litellm-stack:masterKey 'sk-<key>'",
    ]);
    expect(bad.join("")).not.toContain("not-a-key-value");
  });

  it("wraps given secrets as secret outputs", async () => {
    const c = parseConfig(
      "dev",
      { masterKey: "sk-0123456789abcdefXYZ", saltKey: "0123456789abcdef0123" },
      new Set(["masterKey", "saltKey"]),
    );
    expect(c.masterKey).toBeDefined();
    expect(await pulumi.isSecret(c.masterKey as pulumi.Output<string>)).toBe(true);
    expect(await pulumi.isSecret(c.saltKey as pulumi.Output<string>)).toBe(true);
  });

  it("declares the OpenAI credential and two aliases from the openaiApiKey shortcut", async () => {
    const c = parseConfig("dev", { openaiApiKey: "sk-openai-test-key" }, new Set(["openaiApiKey"]));
    expect(c.credentials.map((x) => [x.name, x.provider])).toEqual([["openai", "openai"]]);
    expect(await pulumi.isSecret(pulumi.output(c.credentials[0]?.values))).toBe(true);
    expect(c.models.map((m) => `${m.name}->${m.target}`)).toEqual([
      "gpt-4o->openai/gpt-4o",
      "gpt-4o-mini->openai/gpt-4o-mini",
    ]);
  });

  it("refuses a key's adoptKey unless the keys list is a secret, and passes it on when it is", () => {
    const keys = JSON.stringify([{ alias: "app" }, { alias: "kept", adoptKey: "sk-by-hand-0123" }]);
    expect(problems({ keys }, new Set())).toEqual([
      "litellm-stack:keys[1].adoptKey: is a raw key stored in plaintext; it must be a secret. Fix: pulumi config set --secret --path 'litellm-stack:keys[1].adoptKey' <sk-...>",
    ]);
    expect(
      problems(
        { keys: JSON.stringify([{ alias: "kept", adoptKey: "by-hand" }]) },
        new Set(["keys"]),
      ),
    ).toEqual([
      "litellm-stack:keys[0].adoptKey: adoptKey must be a raw key starting with sk-. Fix: pulumi config set --path --secret 'litellm-stack:keys[0].adoptKey' <value>",
    ]);
    const ok = parseConfig("dev", { keys }, new Set(["keys"]));
    expect(ok.keys[1]?.adoptKey).toBe("sk-by-hand-0123");
    expect(ok.keys[0]?.adoptKey).toBeUndefined();
  });

  const secretCases: [string, Record<string, string>, string][] = [
    [
      "a master key LiteLLM refuses (sk-1234)",
      { masterKey: "sk-1234" },
      "litellm-stack:masterKey: must start with `sk-` followed by at least 16 characters. Fix: pulumi config set --secret litellm-stack:masterKey 'sk-<key>'",
    ],
    [
      "a weak master key (few different characters)",
      { masterKey: "sk-aaaaaaaaaaaaaaaaaaaaaaaa" },
      "litellm-stack:masterKey: is weak: fewer than 8 different characters after `sk-` (LiteLLM refuses weak master keys such as sk-1234). Fix: pulumi config set --secret litellm-stack:masterKey 'sk-<key>'",
    ],
    ...(["masterKey", "uiPassword", "databasePassword", "openaiApiKey"] as const).map(
      (other) =>
        [
          `a salt key equal to ${other}`,
          { saltKey: "sk-shared-secret-0123456789", [other]: "sk-shared-secret-0123456789" },
          `litellm-stack:saltKey: is the same value as litellm-stack:${other}; the salt key must be used for nothing else (CVE-2026-114612). Fix: pulumi config set --secret litellm-stack:saltKey "$(openssl rand -hex 32)" on a new stack (an existing stack must keep its salt: change the other secret instead)`,
        ] as [string, Record<string, string>, string],
    ),
    [
      "a salt key equal to a credential value",
      {
        saltKey: "shared-secret-0123456789",
        credentials: JSON.stringify([
          {
            name: "azure",
            provider: "azure",
            values: { api_base: "https://x", api_key: "shared-secret-0123456789" },
          },
        ]),
      },
      `litellm-stack:saltKey: is the same value as litellm-stack:credentials[0].values.api_key; the salt key must be used for nothing else (CVE-2026-114612). Fix: pulumi config set --secret litellm-stack:saltKey "$(openssl rand -hex 32)" on a new stack (an existing stack must keep its salt: change the other secret instead)`,
    ],
    [
      "a salt key equal to an adopted virtual key",
      {
        saltKey: "sk-shared-secret-0123456789",
        keys: JSON.stringify([
          { alias: "app" },
          { alias: "hand", adoptKey: "sk-shared-secret-0123456789" },
        ]),
      },
      `litellm-stack:saltKey: is the same value as litellm-stack:keys[1].adoptKey; the salt key must be used for nothing else (CVE-2026-114612). Fix: pulumi config set --secret litellm-stack:saltKey "$(openssl rand -hex 32)" on a new stack (an existing stack must keep its salt: change the other secret instead)`,
    ],
  ];
  it.each(secretCases)(
    "refuses %s, naming the key and the fix and never the value",
    (_what, raw, message) => {
      const all = Object.keys(raw);
      const found = problems(raw, new Set(all));
      expect(found).toEqual([message]);
      for (const value of Object.values(raw)) {
        expect(found.join("\n")).not.toContain(value);
      }
    },
  );

  it("accepts distinct strong secrets", () => {
    const c = parseConfig(
      "dev",
      {
        masterKey: "sk-0123456789abcdefXYZ",
        saltKey: "0123456789abcdef0123",
        uiPassword: "another-password-1",
        databasePassword: "db-password-2",
      },
      new Set(["masterKey", "saltKey", "uiPassword", "databasePassword"]),
    );
    expect(c.masterKey).toBeDefined();
    expect(c.saltKey).toBeDefined();
  });

  it("parses credentials, models and keys and names the path of a bad entry", () => {
    const raw = {
      credentials: JSON.stringify([
        { name: "azure-prod", provider: " Azure_OpenAI ", values: { api_key: "k-123456" } },
      ]),
      models: JSON.stringify([
        { name: "gpt-5", target: "azure/gpt-4o", credential: "azure-prod" },
        { name: "bad", target: "openai/gpt-4o", credential: "missing" },
      ]),
      keys: JSON.stringify([{ alias: "agyn_key" }, { alias: "app", duration: "3x" }]),
    };
    expect(problems(raw, new Set(["credentials"]))).toEqual([
      "litellm-stack:keys[0].alias: alias \"agyn_key\" is reserved by the consuming server, which deletes keys under it at boot (reserved: agyn_key, agents-service). Fix: pulumi config set --path 'litellm-stack:keys[0].alias' <value>",
      "litellm-stack:keys[1].duration: duration must be a number followed by s, m, h, d, w or mo. Fix: pulumi config set --path 'litellm-stack:keys[1].duration' <value>",
      "litellm-stack:models[1].credential: credential \"missing\" is not declared in credentials. Fix: pulumi config set --path 'litellm-stack:models[1].credential' <value>",
    ]);
    const ok = parseConfig(
      "dev",
      {
        credentials: raw.credentials,
        models: JSON.stringify([
          { name: "gpt-5", target: "azure/gpt-4o", credential: "azure-prod" },
        ]),
      },
      new Set(["credentials"]),
    );
    expect(ok.credentials[0]?.provider).toBe("azure");
    expect(ok.models[0]?.name).toBe("gpt-5");
  });

  it("passes credentials[i].adopt through to the declared credential, and only when true", () => {
    const credentials = JSON.stringify([
      { name: "taken", provider: "openai", values: { api_key: "k-123456" }, adopt: true },
      { name: "fresh", provider: "openai", values: { api_key: "k-654321" } },
    ]);
    const c = parseConfig("dev", { credentials }, new Set(["credentials"]));
    expect(c.credentials.map((cred) => [cred.name, cred.adopt])).toEqual([
      ["taken", true],
      ["fresh", undefined],
    ]);
    expect(
      problems({ credentials: credentials.replace("true", '"yes"') }, new Set(["credentials"])),
    ).toEqual([
      "litellm-stack:credentials[0].adopt: adopt must be true or false. Fix: pulumi config set --path 'litellm-stack:credentials[0].adopt' <value>",
    ]);
  });

  it("reads a decimal key budget that pulumi config set --path kept as a string, and still refuses a non-number", () => {
    const keys = (k: Record<string, unknown>) => JSON.stringify([{ alias: "app", ...k }]);
    expect(
      parseConfig("dev", { keys: keys({ maxBudget: "25.5" }) }, noSecrets).keys[0],
    ).toMatchObject({
      maxBudget: 25.5,
    });
    expect(problems({ keys: keys({ maxBudget: "lots" }) })).toEqual([
      "litellm-stack:keys[0].maxBudget: maxBudget must be a number. Fix: pulumi config set --path 'litellm-stack:keys[0].maxBudget' <value>",
    ]);
    expect(problems({ keys: keys({ rpmLimit: "1.5" }) })).toEqual([
      "litellm-stack:keys[0].rpmLimit: rpmLimit must be a whole number. Fix: pulumi config set --path 'litellm-stack:keys[0].rpmLimit' <value>",
    ]);
  });

  it("requires credential values to be secret config", () => {
    expect(
      problems({
        credentials: JSON.stringify([
          { name: "o", provider: "openai", values: { api_key: "k-123456" } },
        ]),
      }),
    ).toEqual([
      "litellm-stack:credentials: credential values must be secrets. Fix: pulumi config set --path --secret 'litellm-stack:credentials[0].values.api_key' <key>",
    ]);
  });

  it("masterKeyRotation defaults to 0, takes a whole number, and is refused next to a configured masterKey", () => {
    expect(parseConfig("dev", {}, noSecrets).masterKeyRotation).toBe(0);
    expect(parseConfig("dev", { masterKeyRotation: "3" }, noSecrets).masterKeyRotation).toBe(3);
    expect(problems({ masterKeyRotation: "-1" })).toEqual([
      'litellm-stack:masterKeyRotation: must be 0 or more (got "-1"). Fix: pulumi config set litellm-stack:masterKeyRotation 1',
    ]);
    expect(
      problems(
        { masterKey: "sk-0123456789abcdefXYZ", masterKeyRotation: "1" },
        new Set(["masterKey"]),
      ),
    ).toEqual([
      "litellm-stack:masterKeyRotation: rotates the generated master key, but litellm-stack:masterKey is set. Fix: rotate a configured key by setting a new value (pulumi config set --secret litellm-stack:masterKey 'sk-<new key>'), and pulumi config rm litellm-stack:masterKeyRotation",
    ]);
  });

  it("workers default to 1 and spend logs are kept 30 days, cleaned hourly", () => {
    const c = parseConfig("dev", {}, noSecrets);
    expect([c.workers, c.spendLogRetention, c.spendLogCleanupCron]).toEqual([
      1,
      "30d",
      "17 * * * *",
    ]);
    expect(
      parseConfig("dev", { spendLogRetention: "forever" }, noSecrets).spendLogRetention,
    ).toBeUndefined();
    expect(parseConfig("dev", { workers: "4" }, noSecrets).redisImage).toBe("redis:7");
    expect(parseConfig("dev", { workers: "4", imageSource: "local" }, noSecrets).redisImage).toBe(
      "litellm-stack/redis:7-local",
    );
  });

  it.each([
    [
      { workers: "0" },
      'litellm-stack:workers: must be at least 1 (got "0"). Fix: pulumi config set litellm-stack:workers 2',
    ],
    [
      { workers: "two" },
      'litellm-stack:workers: must be a whole number (got "two"). Fix: pulumi config set litellm-stack:workers 2',
    ],
    [
      { spendLogRetention: "30 days" },
      'litellm-stack:spendLogRetention: must be a duration such as 30d, 12h, 2w, 1mo, or forever (got "30 days"). Fix: pulumi config set litellm-stack:spendLogRetention 30d',
    ],
    [
      { spendLogCleanupCron: "hourly" },
      "litellm-stack:spendLogCleanupCron: must be a cron schedule of five fields, e.g. 17 * * * * (got \"hourly\"). Fix: pulumi config set litellm-stack:spendLogCleanupCron '17 * * * *'",
    ],
  ])("refuses %o naming the key and the fix", (raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });

  it("a production stack with workers > 1 needs the Redis image pinned too", () => {
    const digest = `@sha256:${"d".repeat(64)}`;
    const pinned = {
      production: "true",
      gatewayImage: `ghcr.io/berriai/litellm:v1.108.14${digest}`,
      postgresImage: `postgres:15${digest}`,
    };
    expect(parseConfig("prod", { ...pinned, workers: "1" }, noSecrets).workers).toBe(1);
    expect(problems({ ...pinned, workers: "2" })).toEqual([
      "litellm-stack:redisImage: \"redis:7\" has no digest; a production stack (litellm-stack:production=true) only runs images pinned by digest. Fix: pulumi config set litellm-stack:redisImage 'redis:7@sha256:<digest>'",
    ]);
  });

  it("lists every problem at once", () => {
    expect(
      problems({ bindAddress: "10.0.0.1", production: "true", gatewayImage: "x:1" }),
    ).toHaveLength(4); // loopback, two digests, no version in the tag
  });
});
