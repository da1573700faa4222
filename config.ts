/**
 * The stack's configuration: one zod schema for every `litellm-stack:*` key, read once at the
 * entry point. Every key is declared with a description in Pulumi.yaml and documented in
 * docs/configuration.md. Errors name the key, the problem and the `pulumi config set` that fixes
 * it, and never echo a secret value.
 */
import { isIP } from "node:net";
import { homedir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { CredentialSpec } from "./components/admin/contents";
import {
  gatewayContentsConfigSchema,
  type KeyConfig,
  type ModelConfig,
} from "./components/admin/config-schema";
import { KNOWN_PROVIDERS, closestProvider, normalizeProvider } from "./components/admin/rules";
import imagePins from "./components/images.json";
import {
  IN_CLUSTER_MAX_CONNECTIONS,
  databasePoolLimit,
  defaultNamespace,
  type KubernetesSettings,
} from "./components/kubernetes/settings";
import {
  DEFAULT_LITELLM_VERSION,
  LITELLM_POLICY,
  formatVersion,
  imageVersion,
  parseVersion,
  policyProblem,
  type Version,
} from "./version-policy/policy";
import {
  SERVER_KEY_SETTINGS,
  keyAliasProblem,
  litellmBaseUrl,
  llmProvider,
  modelsList,
  openaiBaseUrl,
  virtualKeyEnvName,
  type LlmProvider,
  type ServerKeySetting,
} from "./server-env/rules";

/** The Pulumi project name: the namespace of every config key. */
export const PROJECT = "litellm-stack";

/** The default LiteLLM version (version-policy/litellm.json, the one place it is set). */
export const LITELLM_VERSION: string = DEFAULT_LITELLM_VERSION;

/** The upstream LiteLLM image of a version (the core image ships Prisma; `litellm-database` is a legacy alias). */
export const upstreamGatewayImage = (version: string): string =>
  `${imagePins.litellm.upstream}:v${version}`;

/** The offline build of a LiteLLM version made by `npm run images` (images/litellm). */
export const localGatewayImage = (version: string): string =>
  `${imagePins.litellm.local}:${version}-local`;

/** Default LiteLLM image: the upstream image of the default version. */
export const DEFAULT_GATEWAY_IMAGE = upstreamGatewayImage(LITELLM_VERSION);

/** The default version built offline by `npm run images` (images/litellm). */
export const LOCAL_GATEWAY_IMAGE = localGatewayImage(LITELLM_VERSION);

/**
 * Default Postgres image: the official image of the pinned major (15). 15 because the offline
 * build takes Postgres from Debian bookworm, which carries 15 (the suite of the LiteLLM image and
 * of these machines), and a data directory does not move across majors: the upstream and the
 * local default must be the same major.
 */
export const DEFAULT_POSTGRES_IMAGE = `${imagePins.postgres.upstream}:${imagePins.postgres.major}`;

/** The same Postgres major built offline from Debian's packages (images/postgres). */
export const LOCAL_POSTGRES_IMAGE = `${imagePins.postgres.local}:${imagePins.postgres.major}-local`;

/** Default Redis image (only with more than one worker): the official image of major 7. */
export const DEFAULT_REDIS_IMAGE = `${imagePins.redis.upstream}:${imagePins.redis.major}`;

/** The same Redis major built offline from Debian's redis-server (images/redis). */
export const LOCAL_REDIS_IMAGE = `${imagePins.redis.local}:${imagePins.redis.major}-local`;

/** Config keys whose values must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = [
  "masterKey",
  "saltKey",
  "uiPassword",
  "databasePassword",
  "databaseUrl",
  "openaiApiKey",
] as const;

const isSecretKey = (key: string): boolean => (SECRET_KEYS as readonly string[]).includes(key);

/** Error thrown for invalid configuration, before any resource is created. */
export class ConfigError extends pulumi.RunError {
  override readonly name = "ConfigError";
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack configuration (nothing was created):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], {
  error: "must be true or false",
});
const int = z.union(
  [
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform((v) => Number(v)),
  ],
  { error: "must be a whole number" },
);

const isLoopback = (address: string): boolean =>
  /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(address) || address === "::1";

/** A Kubernetes name of one DNS label (namespaces). */
const dns1123Label = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes name of DNS labels (StorageClasses). */
const dns1123Subdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** A Kubernetes resource quantity: 500m, 1, 1.5, 512Mi, 4Gi. */
const quantity = z
  .string()
  .trim()
  .regex(
    /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/,
    "must be a Kubernetes quantity such as 500m, 1, 512Mi or 4Gi",
  );

/** The config keys of the server's own key (`serverKeyDuration`…), each with its env's rule. */
function serverKeySettingsShape() {
  return Object.fromEntries(
    Object.entries(SERVER_KEY_SETTINGS).map(([key, s]) => [
      key,
      s.rule.optional().describe(`${s.env} of the server's own virtual key.`),
    ]),
  ) as { [K in ServerKeySetting]: z.ZodOptional<(typeof SERVER_KEY_SETTINGS)[K]["rule"]> };
}

/** The raw config keys as they appear in Pulumi.<stack>.yaml (without the project prefix). */
export const configSchema = z
  .object({
    llmProvider: llmProvider
      .default("litellm")
      .describe(
        "How the consuming server reaches its models: litellm (this stack's gateway) or openai (directly; no gateway is provisioned).",
      ),
    openaiBaseUrl: openaiBaseUrl
      .optional()
      .describe("OPENAI_BASE_URL of the direct-OpenAI mode (llmProvider=openai)."),
    serverBaseUrl: litellmBaseUrl
      .optional()
      .describe(
        "LITELLM_BASE_URL as the server reaches the gateway (default: the published host URL).",
      ),
    adminUrl: litellmBaseUrl
      .optional()
      .describe(
        "URL at which up reaches the gateway's admin API (default: the published host URL).",
      ),
    serverModels: z
      .string()
      .optional()
      .describe(
        "LITELLM_MODELS: comma-separated models of the server's key (default: the declared aliases).",
      ),
    ...serverKeySettingsShape(),
    production: bool
      .default(false)
      .describe("Marks a production stack: images must be pinned by digest."),
    bindAddress: z
      .string()
      .trim()
      .refine(
        (a) => isIP(a) !== 0,
        "must be an IP address such as 127.0.0.1 (Docker publishes on addresses, not host names)",
      )
      .default("127.0.0.1")
      .describe("Host address the gateway port is published on."),
    hostPort: int
      .pipe(
        z
          .number()
          .int()
          .min(1, "must be between 1 and 65535")
          .max(65535, "must be between 1 and 65535"),
      )
      .default(4000)
      .describe("Host port the gateway is published on."),
    allowNonLoopbackBind: bool
      .default(false)
      .describe("Acknowledges publishing the gateway on a non-loopback address."),
    imageSource: z
      .enum(["upstream", "local"], { error: "must be upstream or local" })
      .default("upstream")
      .describe(
        "Where the default images come from: the pinned upstream images, or their local builds (`npm run images`).",
      ),
    gatewayImage: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("LiteLLM image reference (overrides imageSource)."),
    litellmVersion: z
      .string()
      .trim()
      .regex(/^\d+\.\d+\.\d+$/, "must be a LiteLLM version X.Y.Z")
      .optional()
      .describe(
        "LiteLLM version: the tag of the default image, and the version of a gatewayImage whose reference names none.",
      ),
    postgresImage: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Postgres image reference (overrides imageSource)."),
    redisImage: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Redis image reference, used with more than one worker (overrides imageSource)."),
    workers: int
      .pipe(z.number().int().min(1, "must be at least 1").max(64, "must be at most 64"))
      .default(1)
      .describe("LiteLLM worker processes; more than one adds Redis."),
    spendLogRetention: z
      .string()
      .trim()
      .regex(
        /^(forever|[1-9]\d*(s|m|h|d|w|mo))$/,
        "must be a duration such as 30d, 12h, 2w, 1mo, or forever",
      )
      .default("30d")
      .describe("How long spend logs are kept (LiteLLM's maximum_spend_logs_retention_period)."),
    spendLogCleanupCron: z
      .string()
      .trim()
      .regex(/^\S+ \S+ \S+ \S+ \S+$/, "must be a cron schedule of five fields, e.g. 17 * * * *")
      .default("17 * * * *")
      .describe("When the spend-log cleanup runs (cron, UTC)."),
    uiUsername: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .default("admin")
      .describe("LiteLLM UI user name."),
    uiPassword: z.string().min(12, "must be at least 12 characters").optional(),
    masterKey: z
      .string()
      .regex(/^sk-\S{16,}$/, "must start with `sk-` followed by at least 16 characters")
      .refine(
        // Only once the shape is right, so a short key gets one message.
        (v) => !/^sk-\S{16,}$/.test(v) || new Set(v.slice(3)).size >= 8,
        "is weak: fewer than 8 different characters after `sk-` (LiteLLM refuses weak master keys such as sk-1234)",
      )
      .optional(),
    masterKeyRotation: int
      .pipe(z.number().int().min(0, "must be 0 or more"))
      .default(0)
      .describe("Rotation counter of the generated master key: increment it to rotate the key."),
    saltKey: z.string().min(16, "must be at least 16 characters").optional(),
    databasePassword: z.string().min(8, "must be at least 8 characters").optional(),
    allowSaltKeyChange: bool
      .default(false)
      .describe("Acknowledges that the salt key changes (stored credentials become unreadable)."),
    existingVolume: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "must be a Docker volume name")
      .optional(),
    deleteDataOnDestroy: bool
      .default(false)
      .describe("Lets `pulumi destroy` delete the data volume."),
    openaiApiKey: z.string().min(8, "must be at least 8 characters").optional(),
    credentials: z.string().optional().describe("JSON list of provider credentials."),
    models: z.string().optional().describe("JSON list of model aliases."),
    keys: z.string().optional().describe("JSON list of virtual keys."),
    target: z
      .enum(["docker", "kubernetes"], { error: "must be docker or kubernetes" })
      .default("docker")
      .describe("Where the gateway runs: docker (this host's engine) or kubernetes."),
    kubeconfig: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe(
        "target=kubernetes: path of the kubeconfig file (default: KUBECONFIG, then ~/.kube/config).",
      ),
    kubeContext: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("target=kubernetes: the kubeconfig context (default: its current context)."),
    kubeNamespace: z
      .string()
      .trim()
      .regex(
        dns1123Label,
        "must be a Kubernetes namespace name (lower-case letters, digits and -, at most 63)",
      )
      .optional()
      .describe("target=kubernetes: the namespace the stack creates and uses."),
    replicas: int
      .pipe(z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"))
      .default(1)
      .describe("target=kubernetes: LiteLLM pods (one worker each); more than one adds Redis."),
    serviceType: z
      .enum(["ClusterIP", "NodePort", "LoadBalancer"], {
        error: "must be ClusterIP, NodePort or LoadBalancer",
      })
      .default("ClusterIP")
      .describe(
        "target=kubernetes: type of the gateway's Service (beyond ClusterIP needs allowNonLoopbackBind).",
      ),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgresql:// URL")
      .optional(),
    databaseMaxConnections: int
      .pipe(z.number().int().min(20, "must be at least 20").max(100000))
      .default(100)
      .describe("target=kubernetes: the database's max_connections (sizes the gateway's pool)."),
    databaseStorage: quantity
      .default("5Gi")
      .describe("target=kubernetes: size of the database's PersistentVolumeClaim."),
    storageClass: z
      .string()
      .trim()
      .regex(dns1123Subdomain, "must be a StorageClass name")
      .optional()
      .describe(
        "target=kubernetes: StorageClass of the database's claim (default: the cluster's default).",
      ),
    gatewayCpuRequest: quantity
      .default("500m")
      .describe("target=kubernetes: CPU request of each LiteLLM pod."),
    gatewayCpuLimit: quantity
      .default("1")
      .describe("target=kubernetes: CPU limit of each LiteLLM pod."),
    gatewayMemoryRequest: quantity
      .default("1Gi")
      .describe("target=kubernetes: memory request of each LiteLLM pod."),
    gatewayMemoryLimit: quantity
      .default("4Gi")
      .describe("target=kubernetes: memory limit of each LiteLLM pod (LiteLLM advises 4Gi)."),
    gatewayWaitTimeout: int
      .pipe(z.number().int().min(30, "must be at least 30 seconds").max(3600))
      .default(600)
      .describe("Seconds to wait for the gateway to become healthy (migrations run first)."),
  })
  .strict();

/** Validated stack settings, with secrets wrapped as secret Outputs. */
export interface StackConfig {
  /** The Pulumi stack name. */
  stack: string;
  /** How the server reaches its models: this stack's gateway, or OpenAI directly (no gateway). */
  llmProvider: LlmProvider;
  /** The consuming server's env settings (docs/outputs.md). */
  server: ServerSettings;
  /** The direct-OpenAI mode's settings (used with `llmProvider` openai). */
  openai: {
    /** `OPENAI_API_KEY` (secret), from `openaiApiKey`. */
    apiKey: pulumi.Output<string> | undefined;
    /** `OPENAI_BASE_URL`, when set. */
    baseUrl: string | undefined;
  };
  /** Production stack: images must be pinned by digest. */
  production: boolean;
  /** Host address of the published gateway port. */
  bindAddress: string;
  /** Host port of the published gateway. */
  hostPort: number;
  /** Where `up` reaches the gateway's admin API; undefined: the published host URL. */
  adminUrl: string | undefined;
  /** LiteLLM image reference. */
  gatewayImage: string;
  /** The LiteLLM version the gateway image is (checked against the version policy). */
  litellmVersion: string;
  /** Postgres image reference. */
  postgresImage: string;
  /** Redis image reference (used when `workers` > 1). */
  redisImage: string;
  /** LiteLLM worker processes; more than one adds Redis. */
  workers: number;
  /** How long spend logs are kept (`30d`), or undefined to keep them forever. */
  spendLogRetention: string | undefined;
  /** When the spend-log cleanup runs (cron, UTC). */
  spendLogCleanupCron: string;
  /** LiteLLM UI user name. */
  uiUsername: string;
  /** UI password given by the operator (secret), else generated. */
  uiPassword: pulumi.Output<string> | undefined;
  /** Existing master key to keep (secret), else generated. */
  masterKey: pulumi.Output<string> | undefined;
  /** Rotation counter of the generated master key (any change rotates it). */
  masterKeyRotation: number;
  /** Existing salt key to keep (secret), else generated once. */
  saltKey: pulumi.Output<string> | undefined;
  /** Existing database password to keep (secret), else generated. */
  databasePassword: pulumi.Output<string> | undefined;
  /** Whether a salt key change is acknowledged. */
  allowSaltKeyChange: boolean;
  /** Existing data volume to adopt instead of creating one. */
  existingVolume: string | undefined;
  /** Whether destroy deletes the data volume. */
  deleteDataOnDestroy: boolean;
  /** Seconds to wait for the gateway to become healthy. */
  gatewayWaitTimeout: number;
  /** Provider credentials to declare in the gateway (values are secret Outputs). */
  credentials: CredentialSpec[];
  /** Model aliases to declare. */
  models: ModelConfig[];
  /** Virtual keys to declare. */
  keys: KeyConfig[];
  /** Where the gateway runs: this host's Docker engine, or a Kubernetes cluster. */
  target: "docker" | "kubernetes";
  /** The Kubernetes target's settings (undefined with target docker). */
  kubernetes: KubernetesSettings | undefined;
  /** Non-fatal notes for the operator (e.g. the non-loopback warning). */
  warnings: string[];
}

/** The server's env beyond what the gateway gives (base URL, master key): from the `server*` keys. */
export interface ServerSettings {
  /** `LITELLM_BASE_URL` as configured (no `/v1`, no trailing slash); default the host URL. */
  baseUrl: string | undefined;
  /** `LITELLM_MODELS` (comma-separated), configured or the declared aliases; undefined when none. */
  models: string | undefined;
  /** The server's key settings as env (`LITELLM_KEY_DURATION` → `30d`), the configured ones only. */
  keyEnv: Record<string, string>;
}

const fixFor = (key: string, secret: boolean, example: string): string =>
  `pulumi config set ${secret ? "--secret " : ""}${PROJECT}:${key} ${example}`;

const EXAMPLES: Record<string, string> = {
  llmProvider: "litellm",
  openaiBaseUrl: "https://api.openai.com/v1",
  serverBaseUrl: "http://127.0.0.1:4000",
  adminUrl: "http://127.0.0.1:4000",
  serverModels: "gpt-4o,gpt-4o-mini",
  ...Object.fromEntries(Object.entries(SERVER_KEY_SETTINGS).map(([k, s]) => [k, s.example])),
  production: "true",
  bindAddress: "127.0.0.1",
  hostPort: "4000",
  allowNonLoopbackBind: "true",
  imageSource: "local",
  gatewayImage: `'${DEFAULT_GATEWAY_IMAGE}@sha256:<digest>'`,
  litellmVersion: LITELLM_VERSION,
  postgresImage: "'postgres:15@sha256:<digest>'",
  redisImage: "'redis:7@sha256:<digest>'",
  workers: "2",
  spendLogRetention: "30d",
  spendLogCleanupCron: "'17 * * * *'",
  uiUsername: "admin",
  uiPassword: "<password>",
  masterKey: "'sk-<key>'",
  masterKeyRotation: "1",
  saltKey: "<salt>",
  databasePassword: "<password>",
  allowSaltKeyChange: "true",
  existingVolume: "litellm_pgdata",
  deleteDataOnDestroy: "true",
  gatewayWaitTimeout: "600",
  openaiApiKey: "<sk-...>",
  target: "kubernetes",
  kubeconfig: "~/.kube/config",
  kubeContext: "<context>",
  kubeNamespace: "litellm",
  replicas: "2",
  serviceType: "ClusterIP",
  databaseUrl: "'postgresql://litellm:<password>@<host>:5432/litellm'",
  databaseMaxConnections: "100",
  databaseStorage: "5Gi",
  storageClass: "<class>",
  gatewayCpuRequest: "500m",
  gatewayCpuLimit: "1",
  gatewayMemoryRequest: "1Gi",
  gatewayMemoryLimit: "4Gi",
};

/** Models the `openaiApiKey` shortcut declares when no models are configured. */
export const DEFAULT_OPENAI_MODELS: readonly ModelConfig[] = [
  { name: "gpt-4o", target: "openai/gpt-4o", credential: "openai", params: {} },
  { name: "gpt-4o-mini", target: "openai/gpt-4o-mini", credential: "openai", params: {} },
];

const LIST_EXAMPLES: Record<string, string> = {
  credentials: "--secret 'litellm-stack:credentials[0].values.api_key' <key>",
  models: "'litellm-stack:models[0].target' openai/gpt-4o",
  keys: "'litellm-stack:keys[0].alias' my-app",
};

/**
 * Credentials and model targets whose provider the gateway's LiteLLM release does not know
 * (KNOWN_PROVIDERS, when the gateway runs that release): each names its config path and the
 * closest known provider, if one is close.
 */
function providerProblems(
  contents: { credentials: { provider: string }[]; models: { target: string }[] },
  litellmVersion: string,
): string[] {
  if (litellmVersion !== KNOWN_PROVIDERS.litellmVersion) {
    return [];
  }
  const known = KNOWN_PROVIDERS.providers;
  const problem = (where: string, provider: string, fix: (hint: string) => string): string[] => {
    const canonical = normalizeProvider(provider);
    if (known.includes(canonical)) {
      return [];
    }
    const hint = closestProvider(canonical, known);
    return [
      `${PROJECT}:${where}: unknown provider "${canonical}": LiteLLM ${litellmVersion} does not serve it (${hint === undefined ? `GET /public/providers lists the ${known.length} it does` : `did you mean ${hint}?`}). Fix: pulumi config set --path '${PROJECT}:${where}' ${fix(hint ?? "<provider>")}`,
    ];
  };
  return [
    ...contents.credentials.flatMap((c, i) =>
      problem(`credentials[${i}].provider`, c.provider, (hint) => hint),
    ),
    ...contents.models.flatMap((m, i) => {
      const slash = m.target.indexOf("/");
      return problem(
        `models[${i}].target`,
        m.target.slice(0, slash),
        (hint) => `${hint}${m.target.slice(slash)}`,
      );
    }),
  ];
}

/** Parses the credentials/models/keys lists; problems name the config path and the fix. */
function parseContents(
  c: {
    credentials?: string | undefined;
    models?: string | undefined;
    keys?: string | undefined;
    openaiApiKey?: string | undefined;
  },
  secretKeys: ReadonlySet<string>,
  problems: string[],
  litellmVersion: string,
): { credentials: CredentialSpec[]; models: ModelConfig[]; keys: KeyConfig[] } {
  const lists: Record<string, unknown> = {};
  for (const key of ["credentials", "models", "keys"] as const) {
    const text = c[key];
    if (text === undefined) {
      continue;
    }
    try {
      lists[key] = JSON.parse(text);
    } catch {
      problems.push(
        `${PROJECT}:${key}: must be a list (set its items with --path). Fix: pulumi config set --path ${LIST_EXAMPLES[key]}`,
      );
    }
  }
  if (c.credentials !== undefined && !secretKeys.has("credentials")) {
    problems.push(
      `${PROJECT}:credentials: credential values must be secrets. Fix: pulumi config set --path ${LIST_EXAMPLES["credentials"]}`,
    );
  }
  if (c.openaiApiKey !== undefined) {
    lists["credentials"] ??= [
      { name: "openai", provider: "openai", values: { api_key: c.openaiApiKey } },
    ];
    lists["models"] ??= DEFAULT_OPENAI_MODELS;
  }
  const parsed = gatewayContentsConfigSchema.safeParse(lists);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [list, ...rest] = issue.path;
      if (rest.length === 0 && issue.code === "invalid_type" && typeof list === "string") {
        problems.push(
          `${PROJECT}:${list}: must be a list (set its items with --path). Fix: pulumi config set --path ${LIST_EXAMPLES[list] ?? `'${PROJECT}:${list}[0]' <value>`}`,
        );
        continue;
      }
      const where = `${String(list)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
      const secret =
        (list === "credentials" && rest.includes("values")) ||
        (list === "keys" && rest.includes("adoptKey"));
      problems.push(
        `${PROJECT}:${where}: ${issue.message}. Fix: pulumi config set --path ${secret ? "--secret " : ""}'${PROJECT}:${where}' <value>`,
      );
    }
    return { credentials: [], models: [], keys: [] };
  }
  problems.push(...providerProblems(parsed.data, litellmVersion));
  if (!secretKeys.has("keys")) {
    parsed.data.keys.forEach((k, i) => {
      if (k.adoptKey !== undefined) {
        problems.push(
          `${PROJECT}:keys[${i}].adoptKey: is a raw key stored in plaintext; it must be a secret. Fix: pulumi config set --secret --path 'litellm-stack:keys[${i}].adoptKey' <sk-...>`,
        );
      }
    });
  }
  return {
    credentials: parsed.data.credentials.map((cred) => ({
      name: cred.name,
      provider: cred.provider,
      values: pulumi.secret(cred.values),
      ...(cred.adopt === true ? { adopt: true } : {}),
    })),
    models: parsed.data.models,
    keys: parsed.data.keys,
  };
}

/** The image settings of a stack, as in its config (undefined: not set). */
export interface ImageSettings {
  /** `upstream` or `local` (default upstream). */
  imageSource?: string | undefined;
  /** The configured LiteLLM image, if any. */
  gatewayImage?: string | undefined;
  /** The configured LiteLLM version, if any (the default image's tag). */
  litellmVersion?: string | undefined;
  /** The configured Postgres image, if any. */
  postgresImage?: string | undefined;
  /** The configured Redis image, if any. */
  redisImage?: string | undefined;
}

/**
 * The images a stack runs: each configured image, else the default of its `imageSource` (the
 * upstream image of `litellmVersion`, default the policy's version, or its local build). The one
 * place this rule is stated; the stack commands' image preflight uses it too.
 */
export function effectiveImages(settings: ImageSettings): {
  gatewayImage: string;
  postgresImage: string;
  redisImage: string;
} {
  const local = settings.imageSource === "local";
  const version = settings.litellmVersion || LITELLM_VERSION;
  return {
    gatewayImage:
      settings.gatewayImage || (local ? localGatewayImage(version) : upstreamGatewayImage(version)),
    postgresImage:
      settings.postgresImage || (local ? LOCAL_POSTGRES_IMAGE : DEFAULT_POSTGRES_IMAGE),
    redisImage: settings.redisImage || (local ? LOCAL_REDIS_IMAGE : DEFAULT_REDIS_IMAGE),
  };
}

/** The config keys of the images a stack can run. */
export const IMAGE_KEYS = ["gatewayImage", "postgresImage", "redisImage"] as const;

/** One of {@link IMAGE_KEYS}. */
export type ImageKey = (typeof IMAGE_KEYS)[number];

/**
 * The image keys a stack runs with `workers` LiteLLM workers (a number, or its config text;
 * default 1): Redis only with more than one worker, and none in the direct-OpenAI mode
 * (`llmProvider` openai: no gateway). The one place this rule is stated.
 */
export function imageKeysInUse(settings: {
  workers?: number | string | undefined;
  llmProvider?: string | undefined;
  target?: string | undefined;
  replicas?: number | string | undefined;
  databaseUrl?: string | undefined;
}): ImageKey[] {
  if (settings.llmProvider === "openai") {
    return [];
  }
  const kubernetes = settings.target === "kubernetes";
  const redis = Number((kubernetes ? settings.replicas : settings.workers) ?? 1) > 1;
  const postgres = !(
    kubernetes &&
    settings.databaseUrl !== undefined &&
    settings.databaseUrl !== ""
  );
  return IMAGE_KEYS.filter(
    (key) => (redis || key !== "redisImage") && (postgres || key !== "postgresImage"),
  );
}

const hasDigest = (image: string): boolean => /@sha256:[a-f0-9]{64}$/.test(image);

/**
 * Validates raw config values (keys without the project prefix, values as Pulumi passes them:
 * strings) and returns typed settings. Throws {@link ConfigError} listing every problem.
 */
export function parseConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: ReadonlySet<string>,
): StackConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    // Pulumi.yaml declares optional keys with an empty default: "" or [] means "not set".
    if (value === "" || value === "[]") {
      continue;
    }
    values[key] = value;
    if (isSecretKey(key) && !secretKeys.has(key)) {
      problems.push(
        `${PROJECT}:${key}: is stored in plaintext; it must be a secret. Fix: ${fixFor(key, true, "<value>")}`,
      );
    }
  }
  const parsed = configSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push(
            `${PROJECT}:${key}: unknown key (known keys: ${Object.keys(configSchema.shape).join(", ")}). Fix: pulumi config rm ${PROJECT}:${key}`,
          );
        }
        continue;
      }
      const key = String(issue.path[0] ?? "");
      const secret = isSecretKey(key);
      const got = secret || raw[key] === undefined ? "" : ` (got ${JSON.stringify(raw[key])})`;
      problems.push(
        `${PROJECT}:${key}: ${issue.message}${got}. Fix: ${fixFor(key, secret, EXAMPLES[key] ?? "<value>")}`,
      );
    }
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  const warnings: string[] = [];

  const gateway = c.llmProvider === "litellm";
  if (gateway && !isLoopback(c.bindAddress)) {
    if (!c.allowNonLoopbackBind) {
      problems.push(
        `${PROJECT}:bindAddress: ${JSON.stringify(c.bindAddress)} is not a loopback address; the gateway's admin API would be reachable from other hosts without TLS. ` +
          `Fix: ${fixFor("bindAddress", false, "127.0.0.1")}, or acknowledge with ${fixFor("allowNonLoopbackBind", false, "true")} and put a TLS-terminating reverse proxy in front`,
      );
    } else {
      warnings.push(
        `The gateway is published on ${c.bindAddress}:${c.hostPort}, beyond loopback. It serves plain HTTP (no TLS) and its admin API accepts the master key: put a TLS-terminating, Host-normalising reverse proxy in front and restrict access.`,
      );
    }
  }
  const images = effectiveImages(c);
  for (const key of imageKeysInUse(c)) {
    if (c.production && !hasDigest(images[key])) {
      problems.push(
        `${PROJECT}:${key}: ${JSON.stringify(images[key])} has no digest; a production stack (${PROJECT}:production=true) only runs images pinned by digest. Fix: ${fixFor(key, false, EXAMPLES[key] ?? "")}`,
      );
    }
  }
  // The direct-OpenAI mode runs no gateway: its image, version and key settings are not checked.
  const version = gateway
    ? gatewayVersion(c.gatewayImage, images.gatewayImage, c.litellmVersion, problems)
    : (c.litellmVersion ?? LITELLM_VERSION);
  if (gateway && c.masterKey !== undefined && c.masterKeyRotation !== 0) {
    problems.push(
      `${PROJECT}:masterKeyRotation: rotates the generated master key, but ${PROJECT}:masterKey is set. Fix: rotate a configured key by setting a new value (${fixFor("masterKey", true, "'sk-<new key>'")}), and pulumi config rm ${PROJECT}:masterKeyRotation`,
    );
  }
  // In the direct mode the OpenAI key is the server's own, not a gateway credential.
  const contents = parseContents(
    { ...c, openaiApiKey: gateway ? c.openaiApiKey : undefined },
    secretKeys,
    problems,
    version,
  );
  const server = serverSettings(c, contents, problems);
  if (!gateway) {
    directModeChecks(c, values, problems, warnings);
  } else if (c.openaiBaseUrl !== undefined) {
    warnings.push(
      `${PROJECT}:openaiBaseUrl: is only used with ${PROJECT}:llmProvider=openai; this stack runs the gateway, so it is ignored`,
    );
  }
  problems.push(...reusedSaltProblems(c, contentSecrets(c)));
  const kubernetes = gateway ? targetSettings(stack, c, values, problems, warnings) : undefined;
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const secret = (v: string | undefined): pulumi.Output<string> | undefined =>
    v === undefined ? undefined : pulumi.secret(v);
  return {
    stack,
    llmProvider: c.llmProvider,
    server,
    openai: { apiKey: secret(c.openaiApiKey), baseUrl: c.openaiBaseUrl },
    production: c.production,
    bindAddress: c.bindAddress,
    hostPort: c.hostPort,
    adminUrl: c.adminUrl,
    ...images,
    litellmVersion: version,
    workers: c.workers,
    spendLogRetention: c.spendLogRetention === "forever" ? undefined : c.spendLogRetention,
    spendLogCleanupCron: c.spendLogCleanupCron,
    uiUsername: c.uiUsername,
    uiPassword: secret(c.uiPassword),
    masterKey: secret(c.masterKey),
    masterKeyRotation: c.masterKeyRotation,
    saltKey: secret(c.saltKey),
    databasePassword: secret(c.databasePassword),
    allowSaltKeyChange: c.allowSaltKeyChange,
    existingVolume: c.existingVolume,
    deleteDataOnDestroy: c.deleteDataOnDestroy,
    gatewayWaitTimeout: c.gatewayWaitTimeout,
    ...contents,
    target: c.target,
    kubernetes,
    warnings,
  };
}

/** Keys that only configure the Kubernetes target. */
const KUBERNETES_KEYS = [
  "kubeconfig",
  "kubeContext",
  "kubeNamespace",
  "replicas",
  "serviceType",
  "databaseUrl",
  "databaseMaxConnections",
  "databaseStorage",
  "storageClass",
  "gatewayCpuRequest",
  "gatewayCpuLimit",
  "gatewayMemoryRequest",
  "gatewayMemoryLimit",
] as const;

/**
 * The target's rules: on Docker the Kubernetes keys are refused (replicas, databaseUrl) or unused;
 * on Kubernetes one worker per pod (replicas scale), no Docker volume, exposure beyond the
 * cluster only acknowledged, and a database pool of at least one connection per worker.
 */
function targetSettings(
  stack: string,
  c: z.infer<typeof configSchema>,
  values: Record<string, unknown>,
  problems: string[],
  warnings: string[],
): KubernetesSettings | undefined {
  if (c.target === "docker") {
    if (c.replicas > 1) {
      problems.push(
        `${PROJECT}:replicas: ${c.replicas} pods need target=kubernetes; on Docker the gateway is one container (scale it with ${PROJECT}:workers). Fix: pulumi config rm ${PROJECT}:replicas, or ${fixFor("target", false, "kubernetes")}`,
      );
    }
    if (c.databaseUrl !== undefined) {
      problems.push(
        `${PROJECT}:databaseUrl: an external database is only used with target=kubernetes; on Docker the stack runs litellm-db. Fix: pulumi config rm ${PROJECT}:databaseUrl, or ${fixFor("target", false, "kubernetes")}`,
      );
    }
    const unused = KUBERNETES_KEYS.filter(
      (key) => key !== "replicas" && key !== "databaseUrl" && values[key] !== undefined,
    );
    if (unused.length > 0) {
      warnings.push(
        `${unused.map((k) => `${PROJECT}:${k}`).join(", ")} ${unused.length === 1 ? "is" : "are"} only used with ${PROJECT}:target=kubernetes; this stack runs on Docker`,
      );
    }
    return undefined;
  }
  if (c.workers > 1) {
    problems.push(
      `${PROJECT}:workers: ${c.workers} workers in one pod; on Kubernetes each pod runs one worker (LiteLLM's advice) and replicas scale. Fix: pulumi config rm ${PROJECT}:workers, and ${fixFor("replicas", false, String(c.workers))}`,
    );
  }
  if (c.existingVolume !== undefined) {
    problems.push(
      `${PROJECT}:existingVolume: is a Docker volume; on Kubernetes the database keeps its data in a PersistentVolumeClaim. Fix: pulumi config rm ${PROJECT}:existingVolume`,
    );
  }
  if (c.serviceType !== "ClusterIP") {
    if (!c.allowNonLoopbackBind) {
      problems.push(
        `${PROJECT}:serviceType: ${c.serviceType} exposes the gateway beyond the cluster; its admin API would be reachable without TLS. ` +
          `Fix: ${fixFor("serviceType", false, "ClusterIP")}, or acknowledge with ${fixFor("allowNonLoopbackBind", false, "true")} and put a TLS-terminating proxy or Ingress in front`,
      );
    } else {
      warnings.push(
        `The gateway's Service is of type ${c.serviceType}: it is reachable beyond the cluster, over plain HTTP (no TLS), and its admin API accepts the master key. Put a TLS-terminating proxy or Ingress in front and restrict access.`,
      );
    }
  }
  if (
    c.databaseUrl === undefined &&
    values["databaseMaxConnections"] !== undefined &&
    c.databaseMaxConnections !== IN_CLUSTER_MAX_CONNECTIONS
  ) {
    problems.push(
      `${PROJECT}:databaseMaxConnections: describes an external database (databaseUrl); the stack's own Postgres allows ${IN_CLUSTER_MAX_CONNECTIONS} connections. Fix: pulumi config rm ${PROJECT}:databaseMaxConnections, or use an external database (${fixFor("databaseUrl", true, EXAMPLES["databaseUrl"] ?? "")})`,
    );
  }
  const pool = databasePoolLimit(c.databaseMaxConnections, c.replicas);
  if (pool < 1) {
    problems.push(
      `${PROJECT}:replicas: ${c.replicas} pods (and one more during a rollout) cannot share a database of ${c.databaseMaxConnections} connections (databaseMaxConnections, 10 kept free): each would get less than one. Fix: ${fixFor("replicas", false, "2")}, or raise the database's max_connections and ${fixFor("databaseMaxConnections", false, "200")}`,
    );
  }
  return {
    // kubectl and the provider get the path as it is: no shell expands a leading ~.
    kubeconfig: c.kubeconfig?.replace(/^~(?=\/|$)/, homedir()),
    context: c.kubeContext,
    namespace: c.kubeNamespace ?? defaultNamespace(stack),
    replicas: c.replicas,
    serviceType: c.serviceType,
    databaseUrl: c.databaseUrl === undefined ? undefined : pulumi.secret(c.databaseUrl),
    databaseMaxConnections: c.databaseMaxConnections,
    databaseStorage: c.databaseStorage,
    storageClass: c.storageClass,
    resources: {
      requests: { cpu: c.gatewayCpuRequest, memory: c.gatewayMemoryRequest },
      limits: { cpu: c.gatewayCpuLimit, memory: c.gatewayMemoryLimit },
    },
  };
}

/** Keys that only configure the gateway and its contents: unused in the direct-OpenAI mode. */
const GATEWAY_CONTENT_KEYS = [
  "credentials",
  "models",
  "keys",
  "serverBaseUrl",
  "adminUrl",
  "serverModels",
  ...(Object.keys(SERVER_KEY_SETTINGS) as ServerKeySetting[]),
] as const;

/**
 * The direct-OpenAI mode needs the OpenAI key (the server's `OPENAI_API_KEY`); the gateway's
 * contents and the server's key settings are kept in config for a switch back, with a warning.
 */
function directModeChecks(
  c: { openaiApiKey?: string | undefined },
  values: Record<string, unknown>,
  problems: string[],
  warnings: string[],
): void {
  if (c.openaiApiKey === undefined) {
    problems.push(
      `${PROJECT}:openaiApiKey: is required with ${PROJECT}:llmProvider=openai (it is the server's OPENAI_API_KEY). Fix: ${fixFor("openaiApiKey", true, "<sk-...>")}, or ${fixFor("llmProvider", false, "litellm")}`,
    );
  }
  const unused = [...GATEWAY_CONTENT_KEYS, "target", ...KUBERNETES_KEYS].filter(
    (key) => values[key] !== undefined,
  );
  if (unused.length > 0) {
    warnings.push(
      `${PROJECT}:llmProvider=openai provisions no gateway, so ${unused.map((k) => `${PROJECT}:${k}`).join(", ")} ${unused.length === 1 ? "is" : "are"} not used (kept for a switch back to llmProvider=litellm)`,
    );
  }
}

/**
 * The server's env settings, checked against its boot rules with the declared contents: the
 * models list names declared aliases or provider-prefixed ids, no declared key uses the server's
 * own alias, and no two keys share an env name.
 */
function serverSettings(
  c: { serverBaseUrl?: string | undefined; serverModels?: string | undefined } & {
    [K in ServerKeySetting]?: string | undefined;
  },
  contents: { models: readonly ModelConfig[]; keys: readonly KeyConfig[] },
  problems: string[],
): ServerSettings {
  const declared = contents.models.map((m) => m.name);
  let models: string | undefined;
  if (c.serverModels !== undefined) {
    const parsed = modelsList(declared).safeParse(c.serverModels);
    if (parsed.success) {
      models = parsed.data;
    } else {
      const example = declared.length > 0 ? declared.join(",") : (EXAMPLES["serverModels"] ?? "");
      for (const issue of parsed.error.issues) {
        problems.push(
          `${PROJECT}:serverModels: ${issue.message}. Fix: ${fixFor("serverModels", false, example)}, or pulumi config rm ${PROJECT}:serverModels for the declared aliases`,
        );
      }
    }
  } else if (declared.length > 0) {
    declared.forEach((name, i) => {
      if (name.includes(",")) {
        problems.push(
          `${PROJECT}:models[${i}].name: "${name}" contains a comma, so LITELLM_MODELS (a comma-separated list) cannot name it. Fix: pulumi config set --path '${PROJECT}:models[${i}].name' <a name without commas>`,
        );
      }
    });
    models = declared.join(",");
  }
  const keyEnv: Record<string, string> = {};
  for (const key of Object.keys(SERVER_KEY_SETTINGS) as ServerKeySetting[]) {
    const v = c[key];
    if (v !== undefined) {
      keyEnv[SERVER_KEY_SETTINGS[key].env] = v;
    }
  }
  const envNames = new Map<string, string>();
  contents.keys.forEach((k, i) => {
    const fix = `Fix: pulumi config set --path '${PROJECT}:keys[${i}].alias' <another alias>`;
    if (c.serverKeyAlias !== undefined && k.alias === c.serverKeyAlias) {
      problems.push(
        `${PROJECT}:keys[${i}].alias: ${keyAliasProblem(k.alias, c.serverKeyAlias)}. ${fix}`,
      );
    }
    const env = virtualKeyEnvName(k.alias);
    const other = envNames.get(env);
    if (other !== undefined) {
      problems.push(
        `${PROJECT}:keys[${i}].alias: "${k.alias}" and "${other}" would both be exported as ${env}. ${fix}`,
      );
    }
    envNames.set(env, k.alias);
  });
  return { baseUrl: c.serverBaseUrl, models, keyEnv };
}

/**
 * A configured salt key must be used for nothing else: LiteLLM derives its encryption key from it,
 * and up to 1.100.4 reused it across crypto domains (CVE-2026-114612), so a salt equal to the
 * master key, a password, the OpenAI key, a credential value or an adopted key hands that
 * secret's holder the encrypted data. Each problem names the two keys, never the value.
 */
function reusedSaltProblems(
  c: {
    saltKey?: string | undefined;
    masterKey?: string | undefined;
    uiPassword?: string | undefined;
    databasePassword?: string | undefined;
    openaiApiKey?: string | undefined;
  },
  contents: Array<[string, string]>,
): string[] {
  const salt = c.saltKey;
  if (salt === undefined || salt === "") {
    return [];
  }
  const fix = `Fix: ${fixFor("saltKey", true, '"$(openssl rand -hex 32)"')} on a new stack (an existing stack must keep its salt: change the other secret instead)`;
  const others: Array<[string, string | undefined]> = [
    ["masterKey", c.masterKey],
    ["uiPassword", c.uiPassword],
    ["databasePassword", c.databasePassword],
    ["openaiApiKey", c.openaiApiKey],
    ...contents,
  ];
  return others
    .filter(([, v]) => v === salt)
    .map(
      ([key]) =>
        `${PROJECT}:saltKey: is the same value as ${PROJECT}:${key}; the salt key must be used for nothing else (CVE-2026-114612). ${fix}`,
    );
}

/**
 * The secret values of the gateway contents, by config path (`credentials[0].values.api_key`,
 * `keys[1].adoptKey`), read from the raw lists; a list that does not parse gives none (its
 * problem is reported by parseContents).
 */
export function contentSecrets(c: {
  credentials?: string | undefined;
  keys?: string | undefined;
}): Array<[string, string]> {
  const list = (text: string | undefined): unknown[] => {
    try {
      const v: unknown = text === undefined ? [] : JSON.parse(text);
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  };
  const found: Array<[string, string]> = [];
  list(c.credentials).forEach((cred, i) => {
    const values = (cred as { values?: unknown } | null)?.values;
    if (values !== null && typeof values === "object") {
      for (const [name, v] of Object.entries(values)) {
        if (typeof v === "string") {
          found.push([`credentials[${i}].values.${name}`, v]);
        }
      }
    }
  });
  list(c.keys).forEach((key, i) => {
    const adopt = (key as { adoptKey?: unknown } | null)?.adoptKey;
    if (typeof adopt === "string") {
      found.push([`keys[${i}].adoptKey`, adopt]);
    }
  });
  return found;
}

/**
 * The LiteLLM version the gateway image is, checked against the version policy: from the image's
 * tag, else from `litellmVersion` (which a digest-only or `latest` reference needs, since it hides
 * the version). Problems name the key the version came from, the version, the advisory and the fix.
 */
function gatewayVersion(
  configuredImage: string | undefined,
  image: string,
  configuredVersion: string | undefined,
  problems: string[],
): string {
  const tagged = imageVersion(image);
  const stated = configuredVersion === undefined ? undefined : parseVersion(configuredVersion);
  const supported = `${LITELLM_POLICY.default} (the default) or another version the policy allows (docs/version-policy.md)`;
  if (tagged === undefined && stated === undefined) {
    problems.push(
      `${PROJECT}:gatewayImage: ${JSON.stringify(image)} names no LiteLLM version (a digest only, or a tag such as latest), so the version policy cannot check it. Fix: ${fixFor("litellmVersion", false, "<the version it is>")}, or use a versioned tag`,
    );
    return configuredVersion ?? LITELLM_VERSION;
  }
  if (
    tagged !== undefined &&
    stated !== undefined &&
    formatVersion(tagged) !== formatVersion(stated)
  ) {
    problems.push(
      `${PROJECT}:litellmVersion: ${formatVersion(stated)} disagrees with the version in ${PROJECT}:gatewayImage's tag (${formatVersion(tagged)}). Fix: pulumi config rm ${PROJECT}:litellmVersion, or set the image and the version alike`,
    );
  }
  const version: Version = tagged ?? (stated as Version);
  const problem = policyProblem(LITELLM_POLICY, version);
  if (problem !== undefined) {
    const key =
      tagged !== undefined && configuredImage !== undefined ? "gatewayImage" : "litellmVersion";
    const example =
      key === "gatewayImage"
        ? `'${upstreamGatewayImage(LITELLM_POLICY.default)}@sha256:<digest>'`
        : LITELLM_POLICY.default;
    problems.push(
      `${PROJECT}:${key}: ${problem}. Fix: ${fixFor(key, false, example)} (${supported})`,
    );
  }
  return formatVersion(version);
}

/**
 * Whether a config key (`project:key`) holds a secret, as the SDK knows it: from the language
 * host's PULUMI_CONFIG_SECRET_KEYS in a CLI run, from the run request in an Automation API inline
 * program (both land in the SDK's config store). `isConfigSecret` is the SDK's own check; its
 * typings mark it internal, so its absence after an SDK upgrade fails loudly here.
 */
function sdkIsConfigSecret(): (key: string) => boolean {
  const runtime = pulumi.runtime as typeof pulumi.runtime & {
    isConfigSecret?: (key: string) => boolean;
  };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer provides runtime.isConfigSecret: litellm-stack cannot tell secret config from plaintext (pin @pulumi/pulumi to the version in package.json)",
    );
  }
  return runtime.isConfigSecret;
}

/** Reads this project's config once through the Pulumi SDK and validates it. */
export function loadConfig(): StackConfig {
  const raw: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const isSecret = sdkIsConfigSecret();
  const config = new pulumi.Config(PROJECT);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${PROJECT}:`)) {
      continue;
    }
    const key = fullKey.slice(PROJECT.length + 1);
    const value = config.get(key);
    if (value !== undefined) {
      raw[key] = value;
    }
    if (isSecret(fullKey)) {
      secretKeys.add(key);
    }
  }
  return parseConfig(pulumi.getStack(), raw, secretKeys);
}
