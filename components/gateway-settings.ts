/**
 * The LiteLLM config file the gateway runs with (`--config`): the settings that LiteLLM takes
 * only from a config file, not from env. Written as JSON, which YAML reads as is; it holds no
 * secret (the Redis password comes from the env, through LiteLLM's `os.environ/` reference).
 */
import { REDIS_PORT } from "./redis";

/** Where the gateway's config file is uploaded in its container. */
export const GATEWAY_CONFIG_PATH = "/app/litellm-stack.yaml";

/**
 * The gateway env variable that holds the Redis password: the config file names it
 * (`os.environ/…`), both gateways (Docker and Kubernetes) set it.
 */
export const REDIS_PASSWORD_ENV = "REDIS_PASSWORD";

/** Inputs of {@link gatewaySettings}. */
export interface GatewaySettingsArgs {
  /**
   * How long spend logs are kept (`30d`, `12h`, `2w`, `1mo`; LiteLLM's
   * `maximum_spend_logs_retention_period`), or undefined to keep them forever.
   */
  spendLogRetention: string | undefined;
  /** When the cleanup runs (cron, UTC; LiteLLM's `maximum_spend_logs_cleanup_cron`). */
  spendLogCleanupCron: string;
  /**
   * Host name of the Redis the workers (and pods) share rate limits, router state and job locks
   * through, on port {@link REDIS_PORT}, if any.
   */
  redisHost: string | undefined;
  /**
   * LiteLLM's `database_connection_pool_limit` (connections of each worker), when the database is
   * shared by several pods (components/kubernetes/settings.ts). @default LiteLLM's own
   */
  databasePoolLimit?: number | undefined;
}

/** The gateway's config file for `args`. */
export function gatewaySettings(args: GatewaySettingsArgs): string {
  const general: Record<string, unknown> = {};
  if (args.spendLogRetention !== undefined) {
    general["maximum_spend_logs_retention_period"] = args.spendLogRetention;
    // A cron schedule, not LiteLLM's interval: the interval counts from each process start, so a
    // gateway restarted more often than the interval would never clean.
    general["maximum_spend_logs_cleanup_cron"] = args.spendLogCleanupCron;
  }
  if (args.redisHost !== undefined) {
    // What LiteLLM's rate limiter, spend buffer and pod locks share across workers.
    general["coordination_redis"] = {
      host: args.redisHost,
      port: REDIS_PORT,
      password: `os.environ/${REDIS_PASSWORD_ENV}`,
    };
  }
  if (args.databasePoolLimit !== undefined) {
    general["database_connection_pool_limit"] = args.databasePoolLimit;
  }
  return `${JSON.stringify({ general_settings: general }, null, 2)}\n`;
}
