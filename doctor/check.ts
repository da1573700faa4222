/**
 * What one doctor check is ({@link Check}, {@link CheckResult}) and the wording its results share:
 * the `npm run` command a fix names, JSON parsing and body excerpts for a problem's text.
 */
import type { DoctorContext } from "./context";

/** What one check found. `logsOf` names the container whose log tail goes under the line. */
export type CheckResult =
  { ok: true; detail?: string } | { ok: false; problem: string; fix: string; logsOf?: string };

/** One check of the troubleshooting list. */
export interface Check {
  /** Its name in the output (`PASS <name>`). */
  name: string;
  /** When this check fails, every later one is printed as `SKIP <name>: <skipRest>`. */
  skipRest?: string;
  /** Runs it. */
  run(ctx: DoctorContext): Promise<CheckResult>;
}

/** The command line of `npm run <command>` on the context's stack, as a fix names it. */
export const npm = (ctx: DoctorContext, command: "up" | "start" | "doctor"): string =>
  `npm run ${command} -- ${ctx.stackArgs}`;

/** JSON text parsed, or undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short excerpt of a body for an error message. */
export const excerpt = (body: string): string => {
  const one = body.replace(/\s+/g, " ").trim();
  return one.length > 160 ? `${one.slice(0, 160)}…` : one;
};
