/**
 * The checks that ask the gateway over HTTP: `readiness` (GET /health/readiness answers 200 with
 * db "connected") and `master-key` (the output LITELLM_MASTER_KEY administers it: GET /key/list).
 */
import { excerpt, npm, parseJson, type Check } from "../check";
import { envOf, inspectContainer } from "../containers";
import type { HttpResponse } from "../context";

/** Why nothing answered, from a rejection of the context's `http` getter (`HttpGet`). */
const httpReason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** `readiness`: GET <baseUrl>/health/readiness answers 200 with db "connected". */
export const readiness: Check = {
  name: "readiness",
  async run(ctx) {
    const url = `${ctx.baseUrl}/health/readiness`;
    let res: HttpResponse;
    try {
      res = await ctx.http(url);
    } catch (err) {
      return {
        ok: false,
        problem: `GET ${url} got no answer (${httpReason(err)})`,
        fix: `${npm(ctx, "start")} (or ${npm(ctx, "up")} if its container is gone)`,
        logsOf: ctx.names.gateway,
      };
    }
    const body = parseJson(res.body) as { db?: unknown } | undefined;
    const db = typeof body?.db === "string" ? body.db : undefined;
    if (res.status === 200 && db === "connected") {
      return { ok: true, detail: `${ctx.baseUrl}: db connected` };
    }
    const dbFix = `the gateway cannot use its database: see the database and database-url lines; ${npm(ctx, "start")} starts a stopped database`;
    if (res.status === 200) {
      return {
        ok: false,
        problem: `GET ${url} answered 200 but db is ${JSON.stringify(db ?? null)}, not "connected"`,
        fix: dbFix,
        logsOf: ctx.names.gateway,
      };
    }
    return {
      ok: false,
      problem: `GET ${url} answered ${res.status}${res.body.trim() === "" ? "" : ` (${excerpt(res.body)})`}`,
      fix: res.status === 503 ? dbFix : `read the gateway's log below; ${npm(ctx, "up")}`,
      logsOf: ctx.names.gateway,
    };
  },
};

/** `master-key`: the output LITELLM_MASTER_KEY administers the gateway (GET /key/list: 200). */
export const masterKey: Check = {
  name: "master-key",
  async run(ctx) {
    const key = ctx.masterKey;
    if (key === undefined) {
      return {
        ok: false,
        problem:
          "the stack has no LITELLM_MASTER_KEY output (never deployed, or its last update failed)",
        fix: npm(ctx, "up"),
      };
    }
    const url = `${ctx.baseUrl}/key/list?page=1&size=1`;
    let res: HttpResponse;
    try {
      res = await ctx.http(url, { authorization: `Bearer ${key}` });
    } catch (err) {
      return {
        ok: false,
        problem: `GET ${ctx.baseUrl}/key/list got no answer (${httpReason(err)})`,
        fix: `${npm(ctx, "start")} (or ${npm(ctx, "up")} if its container is gone)`,
      };
    }
    if (res.status === 200) {
      return { ok: true, detail: "GET /key/list with it: 200" };
    }
    if (res.status === 401 || res.status === 403) {
      const c = await inspectContainer(ctx, ctx.names.gateway);
      const running = c === undefined ? undefined : envOf(c).get("LITELLM_MASTER_KEY");
      const other = running !== undefined && running !== key;
      return {
        ok: false,
        problem: `the gateway refuses the stack's master key (GET /key/list: ${res.status})${other ? `; its container runs with another LITELLM_MASTER_KEY` : ""}`,
        fix: `${npm(ctx, "up")} (recreates the gateway with the stack's LITELLM_MASTER_KEY)`,
      };
    }
    return {
      ok: false,
      problem: `GET ${ctx.baseUrl}/key/list answered ${res.status}${res.body.trim() === "" ? "" : ` (${excerpt(res.body)})`}`,
      fix: `see the readiness and database lines; ${npm(ctx, "start")} if the database is stopped`,
    };
  },
};
