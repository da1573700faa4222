/** Health and public routes: liveliness, readiness, `/public/providers`, `/login`. */
import { randomBytes } from "node:crypto";
import type { Route } from "../context";
import { ProxyError } from "../errors";
import { json } from "../http";
import { PROVIDERS } from "../providers";

/** Health and public routes. */
export const healthRoutes: Route[] = [
  ...["/health/liveliness", "/health/liveness"].map((path): Route => ({
    method: "GET",
    path,
    access: "public",
    handler: async () => json("I'm alive!"),
  })),
  {
    method: "GET",
    path: "/health/readiness",
    access: "public",
    handler: async (_req, ctx) => {
      try {
        await ctx.store.ping();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return json({ detail: `Service Unhealthy (${reason})` }, 503);
      }
      return json({
        // ≤ 1.80.x: `**db_health_status` overwrote "healthy" with "connected".
        status: ctx.compat === "1.80" ? "connected" : "healthy",
        db: "connected",
        cache: null,
        litellm_version: ctx.litellmVersion,
        success_callbacks: [],
        use_aiohttp_transport: true,
        license: { has_license: false, expiration_date: null },
        last_updated: new Date().toISOString(),
      });
    },
  },
  {
    method: "GET",
    path: "/public/providers",
    access: "public",
    handler: async () => json([...PROVIDERS]),
  },
  {
    method: "POST",
    path: "/login",
    access: "public",
    handler: async (req, ctx) => {
      const form = parseForm(req.rawBody, req.headers["content-type"]);
      const username = form.get("username");
      const password = form.get("password");
      if (username === undefined || password === undefined) {
        return json(
          {
            detail: [
              ...(username === undefined
                ? [
                    {
                      type: "missing",
                      loc: ["body", "username"],
                      msg: "Field required",
                      input: null,
                    },
                  ]
                : []),
              ...(password === undefined
                ? [
                    {
                      type: "missing",
                      loc: ["body", "password"],
                      msg: "Field required",
                      input: null,
                    },
                  ]
                : []),
            ],
          },
          422,
        );
      }
      if (ctx.masterKey === undefined || ctx.uiPassword === undefined) {
        throw new ProxyError(
          500,
          "Master Key not set for Proxy. Please set Master Key to use Admin UI.",
          "auth_error",
          "master_key",
        );
      }
      if (username !== ctx.uiUsername || password !== ctx.uiPassword) {
        throw new ProxyError(
          401,
          `Invalid credentials used to access UI.\nNot valid credentials for ${username}`,
          "auth_error",
          "invalid_credentials",
        );
      }
      // LiteLLM redirects to the UI with a JWT cookie; the emulator's token is opaque.
      return {
        status: 303,
        body: null,
        headers: {
          location: "/ui/?login=success",
          "set-cookie": `token=${randomBytes(24).toString("base64url")}; Path=/; SameSite=Lax`,
        },
      };
    },
  },
];

function parseForm(raw: string, contentType: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (contentType?.startsWith("multipart/form-data") === true) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
    if (boundary === undefined) {
      return out;
    }
    for (const part of raw.split(`--${boundary}`)) {
      const m = /name="([^"]+)"\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n?$/.exec(part);
      if (m?.[1] !== undefined && m[2] !== undefined) {
        out.set(m[1], m[2]);
      }
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(raw)) {
    out.set(k, v);
  }
  return out;
}
