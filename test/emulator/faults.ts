/**
 * Fault injection (off by default): added latency, 5xx answers (random share or "the next N"),
 * connection resets, "commit, then drop the response", and a visibility delay for /model/info
 * after /model/new. Set with `EMULATOR_FAULTS` (JSON), the `faults` option, `setFaults()`, or
 * `POST /__emulator/faults` (master key).
 */
import { z } from "zod";

/** One fault rule. A rule applies to requests matching `method` and `path`. */
export const faultRuleSchema = z.object({
  /** HTTP method to match (case-insensitive); any when unset. */
  method: z.string().min(1).optional(),
  /** Path to match: exact (`/key/generate`), or a prefix when it ends with `*` (`/key/*`); any when unset. */
  path: z.string().min(1).optional(),
  /**
   * - `latency`: wait `latencyMs` before handling.
   * - `error`: answer `status` without handling (nothing is stored).
   * - `reset`: destroy the connection without handling (nothing is stored).
   * - `drop_after_commit`: handle the request (the change is stored), then destroy the connection.
   */
  action: z.enum(["latency", "error", "reset", "drop_after_commit"]),
  /** Delay for `latency`, in ms. */
  latencyMs: z.number().int().min(0).optional(),
  /** Status for `error`. @default 500 */
  status: z.number().int().min(500).max(599).optional(),
  /** Share of matching requests the rule fires on, 0..1. @default 1 */
  probability: z.number().min(0).max(1).optional(),
  /** Fire on the next `times` matching requests only, then expire (deterministic). Unlimited when unset. */
  times: z.number().int().min(1).optional(),
});

/** The whole fault configuration. `{}` means no faults. */
export const faultConfigSchema = z.object({
  /** Latency added to every request (except `/__emulator/*`), in ms. */
  latencyMs: z.number().int().min(0).optional(),
  /** Rules, checked in order; latencies add up, the first firing error/reset/drop wins. */
  rules: z.array(faultRuleSchema).optional(),
  /** After /model/new, hide the new model from /model/info for this long (eventual consistency), in ms. */
  modelInfoDelayMs: z.number().int().min(0).optional(),
  /** Seed for `probability`, for reproducible runs. Math.random when unset. */
  seed: z.number().int().optional(),
});

/** A fault rule. */
export type FaultRule = z.infer<typeof faultRuleSchema>;
/** A fault configuration. */
export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** What to do with one request. */
export interface FaultDecision {
  /** Total delay before handling, in ms. */
  latencyMs: number;
  /** The terminal action, if any fires. */
  terminal?:
    { action: "error"; status: number } | { action: "reset" } | { action: "drop_after_commit" };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) {
    return true;
  }
  return pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

interface LiveRule {
  rule: FaultRule;
  remaining: number | undefined;
}

/** Holds the current fault configuration and decides per request. */
export class FaultInjector {
  private config: FaultConfig = {};
  private rules: LiveRule[] = [];
  private random: () => number = Math.random;

  /** @param initial Starting configuration (validated). */
  constructor(initial?: FaultConfig) {
    this.set(initial);
  }

  /** Replaces the configuration; `undefined` clears it. @throws ZodError on an invalid config. */
  set(config: FaultConfig | undefined): void {
    this.config = faultConfigSchema.parse(config ?? {});
    this.rules = (this.config.rules ?? []).map((rule) => ({ rule, remaining: rule.times }));
    this.random = this.config.seed === undefined ? Math.random : mulberry32(this.config.seed);
  }

  /** The current configuration, with each rule's remaining `times`. */
  get(): FaultConfig {
    const rules = this.rules
      .filter((r) => r.remaining === undefined || r.remaining > 0)
      .map((r) => (r.remaining === undefined ? r.rule : { ...r.rule, times: r.remaining }));
    return { ...this.config, rules };
  }

  /** Visibility delay for new models in /model/info, in ms. */
  get modelInfoDelayMs(): number {
    return this.config.modelInfoDelayMs ?? 0;
  }

  /** Decides what happens to one request, consuming `times` of the rules that fire. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: this.config.latencyMs ?? 0 };
    for (const live of this.rules) {
      const { rule } = live;
      if (live.remaining !== undefined && live.remaining <= 0) {
        continue;
      }
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) {
        continue;
      }
      if (!pathMatches(rule.path, path)) {
        continue;
      }
      if (rule.action !== "latency" && decision.terminal !== undefined) {
        continue;
      }
      if (rule.probability !== undefined && this.random() >= rule.probability) {
        continue;
      }
      if (live.remaining !== undefined) {
        live.remaining -= 1;
      }
      switch (rule.action) {
        case "latency":
          decision.latencyMs += rule.latencyMs ?? 0;
          break;
        case "error":
          decision.terminal = { action: "error", status: rule.status ?? 500 };
          break;
        case "reset":
          decision.terminal = { action: "reset" };
          break;
        case "drop_after_commit":
          decision.terminal = { action: "drop_after_commit" };
          break;
      }
    }
    return decision;
  }
}
