/**
 * The gateway's readiness as the stack commands see it from the host: `GET <url>/health/readiness`
 * answers 200 with `db: "connected"` (LiteLLM serves requests and reaches its database). One rule
 * for drift, restore and up (the admin client's `waitReady` applies the same rule to the admin
 * resources' calls).
 */

/** `ok`: ready; `down`: no answer; `no-db`: it answers without a database connection. */
export type Readiness = "ok" | "down" | "no-db";

/** One probe of `GET <baseUrl>/health/readiness` (5 s timeout). */
export async function readiness(baseUrl: string): Promise<Readiness> {
  try {
    const res = await fetch(`${baseUrl}/health/readiness`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json().catch(() => ({}))) as { db?: unknown };
    return res.ok && body.db === "connected" ? "ok" : "no-db";
  } catch {
    return "down";
  }
}

/**
 * Probes every `intervalMs` until the gateway is ready or `timeoutSeconds` have passed; returns
 * the last state (`ok` when it became ready).
 */
export async function waitReadiness(
  baseUrl: string,
  timeoutSeconds: number,
  intervalMs = 1000,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const state = await readiness(baseUrl);
    if (state === "ok" || Date.now() + intervalMs > deadline) {
      return state;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** How a state that is not `ok` reads in a message. */
export function readinessText(state: Readiness): string {
  return state === "down" ? "does not answer" : "has no database connection";
}
