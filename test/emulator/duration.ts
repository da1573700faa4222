/** LiteLLM's `duration_parser`: `<n><unit>` with unit s|m|h|d|w|mo, matched as a prefix of the rest. */
import { ProxyError } from "./errors";

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Adds `duration` to `now`. `mo` adds calendar months (UTC). `30days` reads as 30d because only
 * the unit's prefix is checked, as in LiteLLM.
 *
 * @throws ProxyError 500 for a missing or unknown unit (LiteLLM ≥ 1.80.12: the ValueError becomes a 500),
 *   unless `legacyMidnight`, where (≤ 1.80.11) the result is the next midnight UTC.
 */
export function addDuration(now: Date, duration: string, legacyMidnight: boolean): Date {
  const match = /^(\d+)(mo|[smhdw])/.exec(duration);
  if (match === null || match[1] === undefined || match[2] === undefined) {
    if (legacyMidnight) {
      const d = new Date(now);
      d.setUTCHours(24, 0, 0, 0);
      return d;
    }
    throw new ProxyError(
      500,
      `Unsupported duration unit, passed duration: ${duration}`,
      "internal_server_error",
    );
  }
  const n = Number(match[1]);
  if (match[2] === "mo") {
    const d = new Date(now);
    d.setUTCMonth(d.getUTCMonth() + n);
    return d;
  }
  const unitMs = UNIT_MS[match[2]];
  if (unitMs === undefined) {
    throw new Error(`unreachable unit ${match[2]}`);
  }
  return new Date(now.getTime() + n * unitMs);
}
