/**
 * VirtualKey: create POST /key/generate (caller-chosen raw key), read GET /key/info, update POST
 * /key/update, delete POST /key/delete. No Pulumi imports.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AdminClient, LiteLlmApiError } from "../client";
import { DURATION_PATTERN, RESERVED_KEY_ALIASES } from "../rules";
import {
  connectionShape,
  buildDiff,
  errorMessage,
  nonEmpty,
  nonNegative,
  runCheck,
  same,
  sha256,
  u,
  waitReady,
  withClient,
  type DiffResult,
  type KeyInputs,
  type KeyOutputs,
} from "./shared";

// ---------------------------------------------------------------- VirtualKey

const OWNER_FIELD = "pulumi_owner";

/** Inputs that `/key/update` writes; a change of any of them is an in-place update. */
const KEY_API_FIELDS = [
  "owner",
  "alias",
  "models",
  "duration",
  "maxBudget",
  "rpmLimit",
  "tpmLimit",
  "teamId",
  "metadata",
] as const;

function keyBody(inputs: KeyInputs) {
  return {
    key_alias: inputs.alias,
    models: inputs.models,
    max_budget: inputs.maxBudget ?? null,
    rpm_limit: inputs.rpmLimit ?? null,
    tpm_limit: inputs.tpmLimit ?? null,
    team_id: inputs.teamId ?? null,
    metadata: { ...(inputs.metadata ?? {}), [OWNER_FIELD]: inputs.owner },
  };
}

/**
 * An expiry as ISO-8601 UTC with milliseconds, or null. LiteLLM answers /key/generate with
 * microseconds and `Z`, /key/info with the stored milliseconds and `+00:00`.
 */
function isoOrNull(value: unknown): string | null {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    return null;
  }
  return new Date(value).toISOString();
}

interface KeyRow {
  token?: string;
  key_alias?: string | null;
  metadata?: Record<string, unknown> | null;
}

async function findByAlias(client: AdminClient, alias: string): Promise<KeyRow[]> {
  const res = await client.call<{ keys?: unknown[] }>({
    method: "GET",
    path: `/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true&size=100`,
  });
  return (res.body.keys ?? []).filter((k): k is KeyRow => typeof k === "object" && k !== null);
}

/** VirtualKey implementation. */
export const virtualKey = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    const schema = z.object({
      ...connectionShape,
      owner: u(nonEmpty("owner")),
      alias: u(
        nonEmpty("alias").superRefine((a, ctx) => {
          if (RESERVED_KEY_ALIASES.includes(a.trim())) {
            ctx.addIssue({
              code: "custom",
              message: `alias "${a}" is reserved by the consuming server (reserved: ${RESERVED_KEY_ALIASES.join(", ")})`,
            });
          }
        }),
      ),
      models: u(z.array(u(nonEmpty("models[]")), { error: "models must be a list of strings" })),
      duration: u(
        z
          .string({ error: "duration must be a string" })
          .regex(DURATION_PATTERN, "duration must be a number followed by s, m, h, d, w or mo"),
      ).optional(),
      maxBudget: nonNegative("maxBudget"),
      rpmLimit: nonNegative("rpmLimit"),
      tpmLimit: nonNegative("tpmLimit"),
      teamId: u(nonEmpty("teamId")).optional(),
      metadata: u(
        z.record(z.string(), z.unknown(), { error: "metadata must be a map" }),
      ).optional(),
      rotation: u(z.string({ error: "rotation must be a string" })).optional(),
    });
    return runCheck(schema, news);
  },

  async diff(_id: string, olds: KeyOutputs, news: KeyInputs): Promise<DiffResult> {
    const base = buildDiff(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      ["owner", ...KEY_API_FIELDS, "rotation", "adminUrl", "adminKey"],
      // A new rotation value mints a new key before the old one is deleted.
      ["rotation"],
    );
    return base;
  },

  async create(inputs: KeyInputs): Promise<{ id: string; outs: KeyOutputs }> {
    // The provider picks the raw key, so a retried generate can never mint a second key.
    const rawKey = `sk-${randomBytes(24).toString("base64url")}`;
    const token = sha256(rawKey);
    const expires = await withClient(inputs, async (client) => {
      await waitReady(client);
      const body = {
        ...keyBody(inputs),
        key: rawKey,
        ...(inputs.duration !== undefined ? { duration: inputs.duration } : {}),
      };
      for (let round = 0; ; round++) {
        try {
          const res = await client.call<{ expires?: string | null }>({
            method: "POST",
            path: "/key/generate",
            body,
          });
          return isoOrNull(res.body.expires);
        } catch (err) {
          if (!(err instanceof LiteLlmApiError && err.status === 400) || round > 0) {
            throw err;
          }
          const message = errorMessage(err.body);
          if (/key already exists/i.test(message)) {
            break; // our own earlier attempt committed
          }
          if (!/alias .* already exists/i.test(message)) {
            throw err;
          }
          const holders = await findByAlias(client, inputs.alias);
          if (holders.some((h) => h.token === token)) {
            break; // our own earlier attempt committed
          }
          const foreign = holders.filter((h) => h.metadata?.[OWNER_FIELD] !== inputs.owner);
          if (foreign.length > 0) {
            throw new Error(
              `VirtualKey alias "${inputs.alias}" is already used by a key this stack does not manage; pick another alias or delete that key.`,
              { cause: err },
            );
          }
          // Rotation: the previous generation of this resource still holds the alias. Move it
          // aside; it keeps working until the engine deletes it after the switch.
          for (const h of holders) {
            await client.call({
              method: "POST",
              path: "/key/update",
              body: {
                key: h.token,
                key_alias: `${inputs.alias}.rotating.${String(h.token).slice(0, 8)}`,
              },
            });
          }
        }
      }
      const info = await client.call<{ info?: { expires?: string | null } }>({
        method: "GET",
        path: `/key/info?key=${token}`,
      });
      return isoOrNull(info.body.info?.expires);
    });
    return { id: token, outs: { ...inputs, key: rawKey, token, expires } };
  },

  async read(id: string, props: KeyOutputs): Promise<{ id: string; props: KeyOutputs }> {
    return withClient(props, async (client) => {
      let info: Record<string, unknown>;
      try {
        const res = await client.call<{ info?: Record<string, unknown> }>({
          method: "GET",
          path: `/key/info?key=${encodeURIComponent(id)}`,
        });
        info = res.body.info ?? {};
      } catch (err) {
        if (err instanceof LiteLlmApiError && err.status === 404) {
          return { id: "", props };
        }
        throw err;
      }
      if (info["status"] === "deleted") {
        return { id: "", props };
      }
      const metadata = { ...((info["metadata"] ?? {}) as Record<string, unknown>) };
      delete metadata[OWNER_FIELD];
      const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
      const out: KeyOutputs = {
        ...props,
        token: id,
        alias: String(info["key_alias"] ?? ""),
        models: Array.isArray(info["models"]) ? (info["models"] as string[]) : [],
        expires: isoOrNull(info["expires"]),
      };
      const optional: Array<[keyof KeyOutputs, unknown]> = [
        ["maxBudget", num(info["max_budget"])],
        ["rpmLimit", num(info["rpm_limit"])],
        ["tpmLimit", num(info["tpm_limit"])],
        ["teamId", typeof info["team_id"] === "string" ? info["team_id"] : undefined],
        [
          "metadata",
          props.metadata === undefined && Object.keys(metadata).length === 0 ? undefined : metadata,
        ],
      ];
      for (const [k, v] of optional) {
        if (v === undefined) {
          delete out[k];
        } else {
          (out as unknown as Record<string, unknown>)[k] = v;
        }
      }
      return { id, props: out };
    });
  },

  async update(id: string, olds: KeyOutputs, news: KeyInputs): Promise<{ outs: KeyOutputs }> {
    let expires = olds.expires ?? null;
    if (KEY_API_FIELDS.some((f) => !same(olds[f], news[f]))) {
      expires = await withClient(news, async (client) => {
        await waitReady(client);
        const durationChanged = !same(olds.duration, news.duration);
        const res = await client.call<{ expires?: string | null }>({
          method: "POST",
          path: "/key/update",
          body: {
            key: id,
            ...keyBody(news),
            // Sending a duration restarts the expiry clock, so only when it changed.
            ...(durationChanged ? { duration: news.duration ?? null } : {}),
          },
        });
        // The server's answer is the truth, null (never expires) included.
        return typeof res.body === "object" && res.body !== null && "expires" in res.body
          ? isoOrNull(res.body.expires)
          : expires;
      });
    }
    return { outs: { ...news, key: olds.key, token: id, expires } };
  },

  async delete(id: string, props: KeyOutputs): Promise<void> {
    await withClient(props, async (client) => {
      try {
        await client.call({ method: "POST", path: "/key/delete", body: { keys: [id] } });
      } catch (err) {
        if (!(err instanceof LiteLlmApiError && err.status === 404)) {
          throw err;
        }
      }
    });
  },
};
