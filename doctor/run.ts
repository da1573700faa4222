/**
 * `npm run doctor`'s troubleshooting list ({@link CHECKS}, in order) and {@link runDoctor}, which
 * works through it on a {@link DoctorContext}: one line per check, a failed container check's log
 * tail under it, every printed text masked with the secrets the context knows.
 */
import { EXIT } from "../cli/report";
import { npm, type Check, type CheckResult } from "./check";
import { database } from "./checks/database";
import { databaseUrl } from "./checks/database-url";
import { docker, network } from "./checks/docker-network";
import { gateway } from "./checks/gateway";
import { masterKey, readiness } from "./checks/http";
import { saltKey } from "./checks/salt-key";
import { version } from "./checks/version";
import type { DoctorContext } from "./context";
import { firstLine, formatLine, formatLog, LOG_LINES, skipLine } from "./report";

/** The troubleshooting list, in the order it is worked through. */
export const CHECKS: readonly Check[] = [
  docker,
  network,
  database,
  gateway,
  readiness,
  databaseUrl,
  masterKey,
  saltKey,
  version,
];

/** The last log lines of a container, as docker prints them (both streams). */
async function logTail(ctx: DoctorContext, container: string): Promise<string> {
  const result = await ctx.docker(["logs", "--tail", String(LOG_LINES), container]);
  if (result.code !== 0) {
    return `(no log: ${firstLine(result.stderr) || `docker logs exited ${result.code}`})`;
  }
  return `${result.stdout}${result.stderr}`;
}

/**
 * Works through `checks` in order, writing one line per check (and a failed container check's
 * log tail under it), secrets masked; a failed check with `skipRest` turns every later one into
 * a SKIP line. A check that throws is a FAIL naming the error. Resolves with the exit code:
 * {@link EXIT.ok} when every check passed, else {@link EXIT.failed}.
 */
export async function runDoctor(
  ctx: DoctorContext,
  write: (line: string) => void,
  checks: readonly Check[] = CHECKS,
): Promise<number> {
  let code: number = EXIT.ok;
  let skip: string | undefined;
  for (const check of checks) {
    if (skip !== undefined) {
      write(skipLine(check.name, skip));
      continue;
    }
    let result: CheckResult;
    try {
      result = await check.run(ctx);
    } catch (err) {
      result = {
        ok: false,
        problem: `the check itself failed: ${err instanceof Error ? err.message : String(err)}`,
        fix: `check the Docker engine (docker info), then ${npm(ctx, "doctor")} again`,
      };
    }
    write(formatLine(check.name, result, ctx.secrets));
    if (!result.ok) {
      code = EXIT.failed;
      if (result.logsOf !== undefined) {
        for (const line of formatLog(await logTail(ctx, result.logsOf), ctx.secrets)) {
          write(line);
        }
      }
      skip = check.skipRest;
    }
  }
  return code;
}
