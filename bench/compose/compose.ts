/**
 * The baseline of the cold-start benchmark (docs/benchmarks.md): what a user would hand-write
 * instead of this stack, a docker-compose file plus a script of curl calls (register.sh). The
 * file is generated from the components' own constants (user, database, PGDATA, ports, the
 * healthchecks, the gateway's settings file), so it runs the same local images with the same env
 * and start order as `npm run up`: Postgres with no host port on a private network, LiteLLM on
 * 127.0.0.1 once the database is healthy. Two ways to migrate: `step`, what the stack does (a
 * one-shot migration service of the same image that the gateway waits for, and the gateway serves
 * with DISABLE_SCHEMA_UPDATE=true: the same env), and `inline`, LiteLLM's own docker-compose way
 * (the gateway migrates at its start).
 *
 * Secrets stay out of the file: compose substitutes them from the environment of its process.
 * Every object is labelled litellm-stack.test, so scripts/e2e-cleanup.sh removes what a crashed
 * run leaves.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseConfig } from "../../config";
import { DB_HEALTHCHECK, DB_NAME, DB_USER, PGDATA } from "../../components/database";
import { GATEWAY_CONFIG_PATH, gatewaySettings } from "../../components/gateway-settings";
import {
  GATEWAY_HEALTHCHECK,
  GATEWAY_HEALTH_TIMING,
  GATEWAY_PORT,
  gatewayCommand,
} from "../../components/gateway";
import { MIGRATE_COMMAND, MIGRATE_ENTRYPOINT } from "../../components/migration";
import { DB_HOST } from "../../components/naming";
import { run, type RunResult } from "../../test/e2e/harness";
import type { SeedObjects } from "../../test/faults/convergence";

/** The label that marks the baseline's Docker objects as test objects. */
const TEST_LABEL = { "litellm-stack.test": "bench-compose" };

/** Inputs of {@link composeFile}. */
export interface ComposeFileArgs {
  /** The Postgres image (the stack's local one). */
  postgresImage: string;
  /** The LiteLLM image (the stack's local one). */
  litellmImage: string;
  /** The host port on 127.0.0.1. */
  port: number;
  /** The gateway settings file on the host (mounted where the stack uploads it). */
  settingsFile: string;
  /** How the database is migrated (see the file's comment). */
  migrations: ComposeMigrations;
}

/** `step`: a one-shot migration service first, as the stack does; `inline`: at the gateway's start. */
export type ComposeMigrations = "step" | "inline";

/** The migration service of the `step` baseline. */
const MIGRATE_SERVICE = "litellm-migrate";

/** The compose file (JSON, which compose reads as YAML) of the baseline. */
export function composeFile(args: ComposeFileArgs): string {
  const databaseUrl = `postgresql://${DB_USER}:\${DB_PASSWORD:?}@${DB_HOST}:5432/${DB_NAME}`;
  const dbHealthy = { [DB_HOST]: { condition: "service_healthy" } };
  const step = args.migrations === "step";
  const file = {
    services: {
      [DB_HOST]: {
        image: args.postgresImage,
        environment: {
          POSTGRES_USER: DB_USER,
          POSTGRES_DB: DB_NAME,
          POSTGRES_PASSWORD: "${DB_PASSWORD:?}",
        },
        volumes: [`pgdata:${PGDATA}`],
        healthcheck: {
          test: DB_HEALTHCHECK.tests,
          interval: DB_HEALTHCHECK.interval,
          timeout: DB_HEALTHCHECK.timeout,
          retries: DB_HEALTHCHECK.retries,
          start_period: DB_HEALTHCHECK.startPeriod,
        },
        restart: "unless-stopped",
        labels: TEST_LABEL,
      },
      ...(step
        ? {
            [MIGRATE_SERVICE]: {
              image: args.litellmImage,
              depends_on: dbHealthy,
              environment: { DATABASE_URL: databaseUrl },
              entrypoint: [MIGRATE_ENTRYPOINT],
              command: [...MIGRATE_COMMAND],
              restart: "no",
              labels: TEST_LABEL,
            },
          }
        : {}),
      litellm: {
        image: args.litellmImage,
        depends_on: step
          ? { ...dbHealthy, [MIGRATE_SERVICE]: { condition: "service_completed_successfully" } }
          : dbHealthy,
        environment: {
          DATABASE_URL: databaseUrl,
          LITELLM_MASTER_KEY: "${LITELLM_MASTER_KEY:?}",
          LITELLM_SALT_KEY: "${LITELLM_SALT_KEY:?}",
          STORE_MODEL_IN_DB: "True",
          ...(step ? { DISABLE_SCHEMA_UPDATE: "true" } : {}),
          UI_USERNAME: "admin",
          UI_PASSWORD: "${UI_PASSWORD:?}",
          LITELLM_LOCAL_MODEL_COST_MAP: "True",
        },
        command: gatewayCommand(1),
        volumes: [`${args.settingsFile}:${GATEWAY_CONFIG_PATH}:ro`],
        ports: [`127.0.0.1:${args.port}:${GATEWAY_PORT}`],
        healthcheck: {
          test: GATEWAY_HEALTHCHECK,
          ...GATEWAY_HEALTH_TIMING,
          start_period: "600s",
        },
        restart: "unless-stopped",
        labels: TEST_LABEL,
      },
    },
    volumes: { pgdata: { labels: TEST_LABEL } },
    networks: { default: { labels: TEST_LABEL } },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** One compose project of the baseline, in its own temporary directory. */
export interface ComposeProject {
  /** The compose project name. */
  name: string;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Its generated master key. */
  masterKey: string;
  /** `docker-compose up -d`, then register.sh with `objects`; returns each step's result. */
  start(objects: SeedObjects): Promise<{ compose: RunResult; register: RunResult }>;
  /** `docker-compose down -v` and the temporary directory. */
  remove(): Promise<void>;
}

const secret = (prefix = ""): string => `${prefix}${randomBytes(18).toString("base64url")}`;

/** A new baseline project on `port` (nothing runs until {@link ComposeProject.start}). */
export function composeProject(
  name: string,
  images: { postgres: string; litellm: string },
  port: number,
  migrations: ComposeMigrations,
): ComposeProject {
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-compose-"));
  const settingsFile = path.join(dir, "litellm-stack.yaml");
  // The settings file of a stack with the default config.
  const defaults = parseConfig(name, {}, new Set());
  writeFileSync(
    settingsFile,
    gatewaySettings({
      spendLogRetention: defaults.spendLogRetention,
      spendLogCleanupCron: defaults.spendLogCleanupCron,
      redisHost: undefined,
    }),
  );
  const file = path.join(dir, "docker-compose.yml");
  writeFileSync(
    file,
    composeFile({
      postgresImage: images.postgres,
      litellmImage: images.litellm,
      port,
      settingsFile,
      migrations,
    }),
  );
  const masterKey = secret("sk-");
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DB_PASSWORD: secret(),
    LITELLM_MASTER_KEY: masterKey,
    LITELLM_SALT_KEY: secret(),
    UI_PASSWORD: secret(),
    LITELLM_BASE_URL: baseUrl,
  };
  const compose = (args: readonly string[]): Promise<RunResult> =>
    run("docker-compose", ["-p", name, "-f", file, ...args], { cwd: dir, env });
  return {
    name,
    baseUrl,
    masterKey,
    async start(objects) {
      const objectsFile = path.join(dir, "objects.json");
      writeFileSync(objectsFile, JSON.stringify(objects));
      const up = await compose(["up", "-d"]);
      if (up.code !== 0) {
        return { compose: up, register: up };
      }
      const register = await run("bash", [path.join(__dirname, "register.sh"), objectsFile], {
        env,
      });
      return { compose: up, register };
    },
    async remove() {
      await compose(["down", "-v", "--remove-orphans", "--timeout", "5"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
