/**
 * The check `database-url`: the gateway's DATABASE_URL points at the stack's database and
 * Postgres accepts its password (asked over the network, the password never on a command line),
 * also compared with the output dataSecrets.databasePassword.
 */
import { DB_NAME, DB_USER } from "../../components/database";
import { DB_HOST } from "../../components/naming";
import { PROJECT } from "../../config";
import { npm, type Check } from "../check";
import { containerCheck, envOf, runningContainer, urlPassword } from "../containers";
import type { DoctorContext } from "../context";
import { firstLine } from "../report";

/**
 * Whether Postgres accepts `password` for `litellm`, asked over the container's own network
 * address (loopback is trusted, so it would accept any). The password goes to `docker exec` in
 * its environment (`-e PGPASSWORD`), never on a command line.
 */
async function passwordAccepted(
  ctx: DoctorContext,
  password: string,
): Promise<{ accepted: true } | { accepted: false; refused: boolean; why: string }> {
  const result = await ctx.docker(
    [
      "exec",
      "-e",
      "PGPASSWORD",
      ctx.names.db,
      "sh",
      "-c",
      `psql -h "$(hostname -i | cut -d" " -f1)" -U ${DB_USER} -d ${DB_NAME} -tAc "select 1"`,
    ],
    { env: { PGPASSWORD: password } },
  );
  if (result.code === 0 && result.stdout.trim() === "1") {
    return { accepted: true };
  }
  const why = firstLine(result.stderr) || `psql exited ${result.code}`;
  return {
    accepted: false,
    refused: /password authentication failed/i.test(result.stderr),
    why: why.replace(/^psql: (error: )?/, ""),
  };
}

/**
 * `database-url`: the gateway's DATABASE_URL points at litellm@litellm-db:5432/litellm and
 * Postgres accepts its password (also compared with the output dataSecrets.databasePassword).
 */
export const databaseUrl: Check = containerCheck({
  name: "database-url",
  role: "gateway",
  need: "exists",
  async inspect(ctx, c, gw) {
    const value = envOf(c).get("DATABASE_URL");
    if (value === undefined) {
      return {
        ok: false,
        problem: `the gateway container ${gw} has no DATABASE_URL`,
        fix: `${npm(ctx, "up")} (recreates it)`,
        logsOf: gw,
      };
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return {
        ok: false,
        problem: `the gateway's DATABASE_URL is not a URL`,
        fix: `${npm(ctx, "up")} (recreates it)`,
        logsOf: gw,
      };
    }
    const user = decodeURIComponent(url.username);
    const db = decodeURIComponent(url.pathname.replace(/^\//, ""));
    const port = url.port === "" ? "5432" : url.port;
    const target = `${user}@${url.hostname}:${port}/${db}`;
    const wanted = `${DB_USER}@${DB_HOST}:5432/${DB_NAME}`;
    if (!/^postgres(ql)?:$/.test(url.protocol) || target !== wanted) {
      return {
        ok: false,
        problem: `the gateway's DATABASE_URL points at ${url.protocol}//${target}, not postgresql://${wanted}`,
        fix: `${npm(ctx, "up")} (recreates the gateway with the stack's DATABASE_URL)`,
        logsOf: gw,
      };
    }
    const password = urlPassword(value);
    if (password === undefined) {
      return {
        ok: false,
        problem: `the gateway's DATABASE_URL has no password`,
        fix: `${npm(ctx, "up")} (recreates the gateway with the stack's DATABASE_URL)`,
        logsOf: gw,
      };
    }
    const dbName = ctx.names.db;
    const dbFound = await runningContainer(ctx, "database", dbName, "cannot test the password");
    if ("failed" in dbFound) {
      return dbFound.failed;
    }
    const stackPassword = ctx.dataSecrets?.databasePassword;
    const outputs = `npm run outputs -- ${ctx.stackArgs} --show-secrets`;
    const tested = await passwordAccepted(ctx, password);
    if (!tested.accepted && !tested.refused) {
      return {
        ok: false,
        problem: `cannot test the password in ${dbName}: ${tested.why}`,
        fix: `read the database's log below; ${npm(ctx, "start")}, then ${npm(ctx, "doctor")} again`,
        logsOf: dbName,
      };
    }
    if (!tested.accepted) {
      if (stackPassword !== undefined && stackPassword !== password) {
        const stackTested = await passwordAccepted(ctx, stackPassword);
        if (stackTested.accepted) {
          return {
            ok: false,
            problem: `Postgres refuses the password in the gateway's DATABASE_URL, and accepts the stack's dataSecrets.databasePassword: the gateway container is out of date`,
            fix: `${npm(ctx, "up")} (recreates the gateway with the stack's password)`,
            logsOf: dbName,
          };
        }
      }
      return {
        ok: false,
        problem: `Postgres refuses the password in the gateway's DATABASE_URL (${tested.why}): it was changed inside the database`,
        fix: `set it back to the stack's password: docker exec -it ${dbName} psql -U ${DB_USER} -d ${DB_NAME} -c '\\password ${DB_USER}' and enter dataSecrets.databasePassword from ${outputs}`,
        logsOf: dbName,
      };
    }
    if (stackPassword !== undefined && stackPassword !== password) {
      return {
        ok: false,
        problem: `the password in the gateway's DATABASE_URL works, but the stack output dataSecrets.databasePassword is another one (a kept volume would be reopened with that one)`,
        fix: `make the stack keep the working password: pulumi config set --secret ${PROJECT}:databasePassword <the password in ${gw}'s DATABASE_URL> --stack ${ctx.stack}, then ${npm(ctx, "up")}`,
        logsOf: gw,
      };
    }
    return { ok: true, detail: `${wanted}, password accepted` };
  },
});
