/**
 * Shared set-up of the contract suite: the real LiteLLM gateway started by the global set-up
 * (test/gateway/global-setup.ts), direct admin calls to it, fast tuning with a per-test log, and
 * a fault proxy in front of the gateway for the fault cases.
 */
import { afterAll, afterEach, beforeAll, beforeEach, inject, type ProvidedContext } from "vitest";
import { configureAdminTuning, type ModelInputs } from "../../components/admin/impl";
import { startFaultProxy, type FaultProxy } from "../faults/proxy";
import { databaseSql } from "../gateway/real-litellm";

/** The contract suite's real gateway. */
export function gateway(): ProvidedContext["gateway"] {
  return inject("gateway");
}

/** Connection inputs of the providers for the real gateway (or a proxy in front of it). */
export function conn(url = gateway().url): { adminUrl: string; adminKey: string } {
  return { adminUrl: url, adminKey: gateway().masterKey };
}

/** One SQL statement in the gateway's database (test/gateway/real-litellm.ts `databaseSql`). */
export function gatewaySql(sql: string): Promise<string> {
  return databaseSql(gateway().db, sql);
}

/** A JSON call straight to the real gateway with the master key (what an operator would do). */
export async function admin(
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & { [k: string]: unknown } }> {
  const res = await fetch(`${gateway().url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${gateway().masterKey}`,
      "content-type": "application/json",
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}

/** What `diff` answers for a change LiteLLM can make in place (no replacement). */
export const IN_PLACE_UPDATE = { changes: true, replaces: [], deleteBeforeReplace: false } as const;

/** A name unique to this run, so files and reruns never collide on the shared gateway. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Fast tuning with a log that belongs to the current test only (cleared before each test), so
 * no assertion can pass on another test's lines.
 */
export function useTuning(): { lines: string[] } {
  const log = { lines: [] as string[] };
  beforeEach(() => {
    log.lines = [];
    configureAdminTuning({
      timeoutMs: 5_000,
      maxAttempts: 4,
      backoffMs: 20,
      readyTimeoutMs: 10_000,
      readyIntervalMs: 100,
      modelVisibilityGraceMs: 10_000,
      modelPollMs: 100,
      // The real gateway's reload (every 30 s) is what makes a hidden credential visible.
      credentialVisibilityGraceMs: 45_000,
      credentialPollMs: 250,
      log: (m) => log.lines.push(m),
    });
  });
  return log;
}

/** A fault proxy in front of the real gateway for a test file; faults and counts reset per test. */
export function useFaultProxy(): { proxy: FaultProxy } {
  const shared = {} as { proxy: FaultProxy };
  beforeAll(async () => {
    shared.proxy = await startFaultProxy({ target: gateway().url });
  });
  afterAll(() => shared.proxy.close());
  afterEach(() => {
    shared.proxy.setFaults(undefined);
    shared.proxy.resetRequests();
  });
  return shared;
}

/** Inputs of a fresh ModelAlias on the contract gateway: a unique id and name, `mock_response`. */
export function modelInputs(
  name: string,
  params: Record<string, string | number | boolean>,
  overrides: Partial<ModelInputs> = {},
): ModelInputs {
  return {
    ...conn(),
    modelId: unique("litellm-contract-model"),
    publicName: unique(name),
    target: "openai/gpt-4o-mini",
    params,
    ...overrides,
  };
}
