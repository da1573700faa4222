/**
 * The check `salt-key`: the gateway's LITELLM_SALT_KEY decrypts every stored credential value,
 * by {@link DECRYPT_SCRIPT} (LiteLLM's own helper) in the gateway container; also compared with
 * the output dataSecrets.saltKey.
 */
import { PROJECT } from "../../config";
import { excerpt, npm, parseJson, type Check } from "../check";
import { envOf, psql, runningContainer } from "../containers";
import { firstLine } from "../report";

/** What the decrypt script prints before its counts. */
export const DECRYPT_MARKER = "litellm-stack-doctor-decrypt ";

/**
 * Runs in the gateway container: reads a JSON list of stored (encrypted) values on stdin and
 * decrypts each with LiteLLM's own helper, which takes the key from the container's
 * LITELLM_SALT_KEY (the master key when unset); prints only the counts.
 */
export const DECRYPT_SCRIPT = [
  "import json, sys",
  "values = json.load(sys.stdin)",
  "from litellm.proxy.common_utils.encrypt_decrypt_utils import decrypt_value_helper",
  'failed = sum(1 for v in values if decrypt_value_helper(v, key="credential", return_original_value=False) is None)',
  `print(${JSON.stringify(DECRYPT_MARKER)} + json.dumps({"values": len(values), "failed": failed}), flush=True)`,
].join("\n");

/** The stored credential values (each encrypted), from `credential_values::text` rows. */
function storedValues(rows: string): string[] | undefined {
  const values: string[] = [];
  for (const row of rows.split("\n").map((r) => r.trim())) {
    if (row === "") {
      continue;
    }
    const parsed = parseJson(row);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return undefined;
    }
    values.push(...Object.values(parsed).filter((v): v is string => typeof v === "string"));
  }
  return values;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * `salt-key`: the gateway's LITELLM_SALT_KEY decrypts every stored credential value (also
 * compared with the output dataSecrets.saltKey).
 */
export const saltKey: Check = {
  name: "salt-key",
  async run(ctx) {
    const gw = ctx.names.gateway;
    const dbName = ctx.names.db;
    const found = await runningContainer(ctx, "gateway", gw, "cannot check");
    if ("failed" in found) {
      return found.failed;
    }
    const salt = envOf(found.container).get("LITELLM_SALT_KEY");
    if (salt === undefined || salt === "") {
      return {
        ok: false,
        problem: `the gateway container ${gw} has no LITELLM_SALT_KEY (LiteLLM then encrypts with the master key)`,
        fix: `${npm(ctx, "up")} (recreates it with the stack's salt key)`,
        logsOf: gw,
      };
    }
    const stackSalt = ctx.dataSecrets?.saltKey;
    const differs = stackSalt !== undefined && stackSalt !== salt;
    const rows = await psql(ctx, `select credential_values::text from "LiteLLM_CredentialsTable"`);
    if (rows.code !== 0) {
      const why = firstLine(rows.stderr) || `psql exited ${rows.code}`;
      const noTable =
        /does not exist/i.test(rows.stderr) && /LiteLLM_CredentialsTable/.test(rows.stderr);
      return {
        ok: false,
        problem: noTable
          ? `the database has no "LiteLLM_CredentialsTable" (LiteLLM's migrations did not run)`
          : `cannot read the stored credentials from ${dbName}: ${why}`,
        fix: noTable ? npm(ctx, "up") : `${npm(ctx, "start")}, then ${npm(ctx, "doctor")} again`,
        logsOf: dbName,
      };
    }
    const values = storedValues(rows.stdout);
    if (values === undefined) {
      return {
        ok: false,
        problem: `a row of "LiteLLM_CredentialsTable" holds no JSON object of credential values`,
        fix: `re-create the stack's credentials: ${npm(ctx, "up")}`,
        logsOf: dbName,
      };
    }
    const saltFix = `npm run up -- ${ctx.stackArgs} gives the gateway the stack's salt key; if the stored credentials were written with the container's key instead, keep that one: pulumi config set --secret ${PROJECT}:saltKey <${gw}'s LITELLM_SALT_KEY> --stack ${ctx.stack}`;
    let failed = 0;
    if (values.length > 0) {
      const result = await ctx.docker(["exec", "-i", gw, "python3", "-c", DECRYPT_SCRIPT], {
        input: JSON.stringify(values),
        timeoutMs: 180_000,
      });
      const line = result.stdout
        .split("\n")
        .reverse()
        .find((l) => l.startsWith(DECRYPT_MARKER));
      const counts = parseJson(line?.slice(DECRYPT_MARKER.length) ?? "") as
        { values?: unknown; failed?: unknown } | undefined;
      if (result.code !== 0 || typeof counts?.failed !== "number") {
        const stderr = result.stderr.trim().split("\n");
        const last = (stderr[stderr.length - 1] ?? "").trim();
        return {
          ok: false,
          problem: `the decrypt check could not run in ${gw} (python3 exited ${result.code}${last === "" ? "" : `: ${excerpt(last)}`})`,
          fix: `check that the gateway's LiteLLM has the helper: docker exec ${gw} python3 -c 'from litellm.proxy.common_utils.encrypt_decrypt_utils import decrypt_value_helper'`,
          logsOf: gw,
        };
      }
      failed = counts.failed;
    }
    if (failed > 0) {
      return {
        ok: false,
        problem: `${failed} of ${plural(values.length, "stored credential value does", "stored credential values do")} not decrypt with the gateway's LITELLM_SALT_KEY${differs ? ", which differs from the stack's dataSecrets.saltKey" : ""}`,
        fix: differs
          ? saltFix
          : `the salt key changed after the credentials were stored: put the previous one back (pulumi config set --secret ${PROJECT}:saltKey <previous salt key> --stack ${ctx.stack}, then ${npm(ctx, "up")}), or delete and re-create the affected credentials`,
        logsOf: gw,
      };
    }
    if (differs) {
      return {
        ok: false,
        problem: `the gateway's LITELLM_SALT_KEY differs from the stack's dataSecrets.saltKey`,
        fix: saltFix,
        logsOf: gw,
      };
    }
    return {
      ok: true,
      detail:
        values.length === 0
          ? "no stored credentials"
          : `${plural(values.length, "stored credential value decrypts", "stored credential values decrypt")}`,
    };
  },
};
