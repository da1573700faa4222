/**
 * What every doctor check works on: the {@link DoctorContext}, built once by {@link doctorContext}
 * from the stack's outputs and config, and the `docker` runner and `http` getter it carries (the
 * tests give fakes). It also collects the secrets every printed text is masked with: the secret
 * outputs and config here, the containers' env as the checks read it (doctor/containers.ts).
 */
import type { ConfigMap, OutputMap } from "@pulumi/pulumi/automation";
import { hostUrl, stackNames } from "../components/naming";
import { configSchema, contentSecrets, PROJECT, SECRET_KEYS } from "../config";
import { CliError } from "../cli/report";

/** The result of one `docker` command. */
export interface DockerResult {
  /** Exit code (non-zero also when docker could not be started or timed out). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of one `docker` command. */
export interface DockerOptions {
  /** Written to its standard input (then closed). */
  input?: string;
  /** Added to the docker CLI's environment: how a secret reaches `docker exec -e NAME`. */
  env?: Record<string, string>;
  /** Kills it after this long. @default 60 s */
  timeoutMs?: number;
}

/** Runs `docker <args>`; never rejects on a non-zero exit. */
export type DockerRunner = (
  args: readonly string[],
  options?: DockerOptions,
) => Promise<DockerResult>;

/** An HTTP answer. */
export interface HttpResponse {
  /** Status code. */
  status: number;
  /** Body text. */
  body: string;
}

/** GETs a URL (10 s timeout); rejects with an Error saying why when nothing answers. */
export type HttpGet = (url: string, headers?: Record<string, string>) => Promise<HttpResponse>;

/** The stack output `dataSecrets`, as far as it is there. */
export interface DataSecrets {
  /** The gateway's master key. */
  masterKey?: string | undefined;
  /** The gateway's salt key. */
  saltKey?: string | undefined;
  /** The database password. */
  databasePassword?: string | undefined;
}

/** Everything the checks need, built once ({@link doctorContext}). */
export interface DoctorContext {
  /** The stack name. */
  stack: string;
  /** What a stack command needs after `npm run <cmd> --`: `--stack NAME` (and `--config-dir`). */
  stackArgs: string;
  /** Docker names of the stack's objects (the output `dockerNames`, else the naming rule). */
  names: { network: string; db: string; gateway: string };
  /** The host address the gateway should be published on (config, default 127.0.0.1). */
  bindAddress: string;
  /** The host port it should be published on (config, default 4000). */
  hostPort: number;
  /** The configured `litellmVersion`, if any. */
  litellmVersion: string | undefined;
  /** Whether the config names a `gatewayImage` (which key a version fix names). */
  gatewayImageConfigured: boolean;
  /** The gateway's URL for the HTTP checks (LITELLM_BASE_URL), or undefined when unknown. */
  baseUrl: string | undefined;
  /** The stack output LITELLM_MASTER_KEY. */
  masterKey: string | undefined;
  /** The stack output dataSecrets, when there. */
  dataSecrets: DataSecrets | undefined;
  /** Every secret value known so far; the checks add the containers' secrets as they read them. */
  secrets: Set<string>;
  /** Runs docker. */
  docker: DockerRunner;
  /** GETs a URL. */
  http: HttpGet;
}

/** What {@link doctorContext} is built from. */
export interface ContextInput {
  /** The stack name. */
  stack: string;
  /** The `--config-dir` the command was given, if any (repeated in the fixes). */
  configDir?: string | undefined;
  /** `stack.outputs()` (secrets decrypted). */
  outputs: OutputMap;
  /** `stack.getAllConfig()` (secrets decrypted). */
  config: ConfigMap;
  /** Runs docker. */
  docker: DockerRunner;
  /** GETs a URL. */
  http: HttpGet;
}

/** The config keys the doctor reads, with the config schema's defaults. */
const doctorConfigSchema = configSchema.pick({
  bindAddress: true,
  hostPort: true,
  litellmVersion: true,
  gatewayImage: true,
  serverBaseUrl: true,
});

/** Strings shorter than this in secret outputs or config are not taken as secrets to mask. */
const MIN_COLLECTED_SECRET = 6;

/** Every string inside `value` (objects, arrays, and JSON text of them). */
function stringLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= MIN_COLLECTED_SECRET) {
      into.add(value);
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) {
      stringLeaves(v, into);
    }
  }
}

/** The secret values of the stack config: the secret keys, credential values, adopted keys. */
function configSecrets(raw: Record<string, string>, into: Set<string>): void {
  for (const key of SECRET_KEYS) {
    stringLeaves(raw[key], into);
  }
  for (const [, value] of contentSecrets(raw)) {
    stringLeaves(value, into);
  }
}

const stringOutput = (outputs: OutputMap, name: string): string | undefined => {
  const value: unknown = outputs[name]?.value;
  return typeof value === "string" && value !== "" ? value : undefined;
};

/**
 * The context of one doctor run: names from the output `dockerNames` (else the naming rule),
 * the publish address from the config (the schema's defaults), the secrets to mask from the
 * secret outputs and config. Throws a {@link CliError} naming the key when the config does not
 * parse, and when the stack runs no gateway.
 */
export function doctorContext(input: ContextInput): DoctorContext {
  const { stack, outputs, config } = input;
  if (outputs["LLM_PROVIDER"]?.value === "openai") {
    throw new CliError(
      `stack '${stack}' runs no gateway (llmProvider openai): there is nothing for npm run doctor to check`,
    );
  }
  const raw: Record<string, string> = {};
  for (const [fullKey, entry] of Object.entries(config)) {
    // Pulumi.yaml declares optional keys with an empty default: "" or [] means "not set".
    if (fullKey.startsWith(`${PROJECT}:`) && entry.value !== "" && entry.value !== "[]") {
      raw[fullKey.slice(PROJECT.length + 1)] = entry.value;
    }
  }
  const parsed = doctorConfigSchema.safeParse({
    bindAddress: raw["bindAddress"],
    hostPort: raw["hostPort"],
    litellmVersion: raw["litellmVersion"],
    gatewayImage: raw["gatewayImage"],
    serverBaseUrl: raw["serverBaseUrl"],
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${PROJECT}:${String(i.path[0] ?? "")}: ${i.message}`,
    );
    throw new CliError(
      `the stack's config does not parse (${problems.join("; ")}). Fix: correct it (docs/configuration.md), e.g. pulumi config set ${PROJECT}:hostPort 4000 --stack ${stack}`,
    );
  }
  const c = parsed.data;
  const secrets = new Set<string>();
  for (const output of Object.values(outputs)) {
    if (output.secret) {
      stringLeaves(output.value, secrets);
    }
  }
  configSecrets(raw, secrets);
  const defaults = stackNames(stack);
  const dockerNames = outputs["dockerNames"]?.value as Partial<Record<string, unknown>> | undefined;
  const nameOf = (key: "network" | "db" | "gateway"): string => {
    const v = dockerNames?.[key];
    return typeof v === "string" && v !== "" ? v : defaults[key];
  };
  const data = outputs["dataSecrets"]?.value as Record<string, unknown> | undefined;
  const dataString = (key: string): string | undefined => {
    const v = data?.[key];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  // With serverBaseUrl, LITELLM_BASE_URL is how the consuming server reaches the gateway (maybe
  // not from this host): the doctor then asks the published address instead.
  const baseUrl =
    c.serverBaseUrl === undefined
      ? (stringOutput(outputs, "LITELLM_BASE_URL") ?? hostUrl(c.bindAddress, c.hostPort))
      : hostUrl(c.bindAddress, c.hostPort);
  return {
    stack,
    stackArgs: `--stack ${stack}${input.configDir === undefined ? "" : ` --config-dir ${input.configDir}`}`,
    names: { network: nameOf("network"), db: nameOf("db"), gateway: nameOf("gateway") },
    bindAddress: c.bindAddress,
    hostPort: c.hostPort,
    litellmVersion: c.litellmVersion,
    gatewayImageConfigured: c.gatewayImage !== undefined,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    masterKey: stringOutput(outputs, "LITELLM_MASTER_KEY"),
    dataSecrets:
      data === undefined
        ? undefined
        : {
            masterKey: dataString("masterKey"),
            saltKey: dataString("saltKey"),
            databasePassword: dataString("databasePassword"),
          },
    secrets,
    docker: input.docker,
    http: input.http,
  };
}
