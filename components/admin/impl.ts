/**
 * CRUD implementation of the three gateway-content resources (ProviderCredential, ModelAlias,
 * VirtualKey) against LiteLLM's admin API. No Pulumi imports: the serialized dynamic providers
 * (`providers.ts`) load this module by path at deployment time, and the tests call it directly.
 *
 * Verb map:
 * - credential: create POST /credentials, read GET /credentials/by_name/{n}, update PATCH
 *   /credentials/{n}, delete DELETE /credentials/{n}
 * - model: create POST /model/new (caller-chosen model_info.id), read GET
 *   /model/info?litellm_model_id=, update PATCH /model/{id}/update, delete POST /model/delete
 * - key: create POST /key/generate (caller-chosen raw key), read GET /key/info, update POST
 *   /key/update, delete POST /key/delete
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AdminClient, LiteLlmApiError } from "./client";
import {
  DURATION_PATTERN,
  RESERVED_KEY_ALIASES,
  WELL_KNOWN_PROVIDERS,
  closestProvider,
  isSecretParamName,
  normalizeProvider,
  unknownProviderReason,
} from "./rules";

/** The engine's placeholder for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Connection inputs every resource carries; `adminKey` is a secret input. */
export interface AdminConnection {
  adminUrl: string;
  adminKey: string;
}

/** Resolved inputs of a ProviderCredential. */
export interface CredentialInputs extends AdminConnection {
  name: string;
  provider: string;
  values: Record<string, string>;
}
/** Outputs of a ProviderCredential (the inputs, provider canonical). */
export type CredentialOutputs = CredentialInputs;

/** Resolved inputs of a ModelAlias. */
export interface ModelInputs extends AdminConnection {
  modelId: string;
  publicName: string;
  target: string;
  credentialName?: string;
  params?: Record<string, string | number | boolean>;
}
/** Outputs of a ModelAlias. */
export interface ModelOutputs extends ModelInputs {
  /** When the model was created (ISO); bounds the eventual-consistency window of reads. */
  createdAt: string;
}

/** Resolved inputs of a VirtualKey. */
export interface KeyInputs extends AdminConnection {
  /** Stable owner tag stored in the key's metadata (stack + resource name). */
  owner: string;
  alias: string;
  models: string[];
  duration?: string;
  maxBudget?: number;
  rpmLimit?: number;
  tpmLimit?: number;
  teamId?: string;
  metadata?: Record<string, unknown>;
  rotation?: string;
}
/** Outputs of a VirtualKey. */
export interface KeyOutputs extends KeyInputs {
  /** The raw `sk-` key (secret output). */
  key: string;
  /** sha256 hex of the raw key: LiteLLM's token and the resource id. */
  token: string;
  /** Expiry (ISO, UTC) or null when the key never expires. */
  expires: string | null;
}

/** Failure shape of `check`. */
export interface CheckFailure {
  property: string;
  reason: string;
}
/** Result shape of `diff`. */
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Knobs for timeouts and logging; tests shorten them. */
export interface AdminTuning {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  readyTimeoutMs: number;
  readyIntervalMs: number;
  /** How long after create a missing model is taken as "not visible yet" rather than gone. */
  modelVisibilityGraceMs: number;
  modelPollMs: number;
  log: (message: string) => void;
}

const tuning: AdminTuning = {
  timeoutMs: Number(process.env["LITELLM_ADMIN_TIMEOUT_MS"] ?? 15_000),
  maxAttempts: Number(process.env["LITELLM_ADMIN_MAX_ATTEMPTS"] ?? 5),
  backoffMs: 250,
  readyTimeoutMs: Number(process.env["LITELLM_ADMIN_READY_TIMEOUT_MS"] ?? 180_000),
  readyIntervalMs: 1_000,
  modelVisibilityGraceMs: 60_000,
  modelPollMs: 500,
  log: (m) => process.stderr.write(`${m}\n`),
};

/** Overrides tuning knobs (tests). */
export function configureAdminTuning(overrides: Partial<AdminTuning>): void {
  Object.assign(tuning, overrides);
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withClient<T>(
  conn: AdminConnection,
  fn: (client: AdminClient) => Promise<T>,
): Promise<T> {
  const client = new AdminClient({
    baseUrl: conn.adminUrl,
    masterKey: conn.adminKey,
    timeoutMs: tuning.timeoutMs,
    maxAttempts: tuning.maxAttempts,
    backoffMs: tuning.backoffMs,
    log: tuning.log,
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function waitReady(client: AdminClient): Promise<void> {
  return client.waitReady({
    timeoutMs: tuning.readyTimeoutMs,
    intervalMs: tuning.readyIntervalMs,
  });
}

function errorMessage(body: unknown): string {
  const b = body as { error?: { message?: unknown }; detail?: unknown; message?: unknown } | null;
  const m = b?.error?.message ?? b?.message ?? b?.detail;
  return typeof m === "string" ? m : JSON.stringify(m ?? "");
}

const isKnown = (v: unknown): boolean => v !== UNKNOWN;

// ---------------------------------------------------------------- check helpers

/** A schema that also accepts the engine's "unknown" placeholder (preview). */
function u<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(UNKNOWN), schema]);
}

const nonEmpty = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .refine((s) => s.trim().length > 0, `${what} must not be empty`);

const connectionShape = {
  adminUrl: u(
    z
      .string({ error: "adminUrl must be a string" })
      .regex(/^https?:\/\/[^/]/, "adminUrl must be an http(s) URL"),
  ),
  adminKey: u(nonEmpty("adminKey")),
};

const nonNegative = (what: string) =>
  u(
    z
      .number({ error: `${what} must be a number` })
      .refine((n) => Number.isFinite(n) && n >= 0, `${what} must not be negative`),
  ).optional();

function toFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join(".");
    // A union of UNKNOWN | schema reports the inner issue under `errors`; surface that one.
    const inner = (i as { errors?: z.core.$ZodIssue[][] }).errors?.[1]?.[0];
    return { property: path, reason: inner?.message ?? i.message };
  });
}

function runCheck<T>(schema: z.ZodType<T>, news: unknown): { inputs: T; failures: CheckFailure[] } {
  const parsed = schema.safeParse(news);
  if (!parsed.success) {
    return { inputs: news as T, failures: toFailures(parsed.error) };
  }
  return { inputs: news as T, failures: [] };
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === null) {
      return null;
    }
    if (Array.isArray(v)) {
      return v.map(norm);
    }
    if (typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined && x !== null)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, x]) => [k, norm(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function buildDiff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  fields: readonly string[],
  replaceFields: readonly string[],
  deleteBeforeReplace = false,
): DiffResult {
  const changed = fields.filter((f) => news[f] === UNKNOWN || !same(olds[f], news[f]));
  const replaces = changed.filter((f) => replaceFields.includes(f));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace };
}

// ---------------------------------------------------------------- provider list

async function fetchProviders(conn: AdminConnection): Promise<string[] | undefined> {
  if (!isKnown(conn.adminUrl)) {
    return undefined;
  }
  try {
    const client = new AdminClient({
      baseUrl: conn.adminUrl,
      masterKey: conn.adminKey,
      timeoutMs: Math.min(tuning.timeoutMs, 5_000),
      maxAttempts: 2,
      backoffMs: tuning.backoffMs,
    });
    try {
      const res = await client.call<unknown>({
        method: "GET",
        path: "/public/providers",
        anonymous: true,
      });
      return Array.isArray(res.body)
        ? res.body.filter((p): p is string => typeof p === "string")
        : undefined;
    } finally {
      await client.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether the old inputs already named this (canonical) provider, in `provider` or as the prefix
 * of `target`: then it was checked when it was set, and `check` makes no API call.
 */
function sameProvider(olds: unknown, field: "provider" | "target", canonical: string): boolean {
  const old = (olds as Record<string, unknown> | undefined)?.[field];
  if (typeof old !== "string") {
    return false;
  }
  const oldProvider = field === "target" ? (old.split("/")[0] ?? "") : old;
  return normalizeProvider(oldProvider) === canonical;
}

/** Provider check: the live list when reachable; else only near-misses of well-known names fail. */
async function providerFailure(
  conn: AdminConnection,
  canonical: string,
): Promise<string | undefined> {
  const live = await fetchProviders(conn);
  if (live !== undefined) {
    return unknownProviderReason(canonical, live);
  }
  if (WELL_KNOWN_PROVIDERS.includes(canonical)) {
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9_\-]*$/.test(canonical)) {
    return `unknown provider "${canonical}" (see GET /public/providers)`;
  }
  const hint = closestProvider(canonical, WELL_KNOWN_PROVIDERS);
  return hint === undefined
    ? undefined
    : `unknown provider "${canonical}"; did you mean ${hint}? (see GET /public/providers)`;
}

// ---------------------------------------------------------------- ProviderCredential

function maskCredential(value: string): string {
  return value.length <= 4 ? "*****" : `${value.slice(0, 2)}****${value.slice(-2)}`;
}

function credentialBody(inputs: CredentialInputs) {
  const provider = normalizeProvider(inputs.provider);
  return {
    credential_name: inputs.name,
    credential_info: { litellm_provider: provider, custom_llm_provider: provider },
    credential_values: inputs.values,
  };
}

function credentialPath(name: string): string {
  return `/credentials/${encodeURI(name)}`;
}

async function patchCredential(client: AdminClient, inputs: CredentialInputs): Promise<void> {
  const res = await client.call<{ success?: unknown; code?: unknown; message?: unknown }>({
    method: "PATCH",
    path: credentialPath(inputs.name),
    body: credentialBody(inputs),
  });
  // LiteLLM returns (not raises) errors here with HTTP 200: check `success`.
  if (res.body?.success !== true) {
    throw new LiteLlmApiError(
      "PATCH",
      "/credentials/{name}",
      Number(res.body?.code ?? 200),
      `credential "${inputs.name}" was not updated: ${errorMessage(res.body)}`,
    );
  }
}

/** ProviderCredential implementation. */
export const credential = {
  async check(olds: unknown, news: Record<string, unknown>) {
    const schema = z.object({
      ...connectionShape,
      name: u(nonEmpty("name")),
      provider: u(nonEmpty("provider")),
      values: u(
        z
          .record(z.string(), z.string({ error: "values must map names to strings" }), {
            error: "values must be a map of strings",
          })
          .refine((v) => Object.keys(v).length > 0, "values must not be empty"),
      ),
    });
    const result = runCheck(schema, news);
    if (result.failures.length > 0) {
      return result;
    }
    const inputs = { ...(news as unknown as CredentialInputs) };
    if (isKnown(inputs.provider)) {
      inputs.provider = normalizeProvider(inputs.provider);
      // Ask the proxy only when the provider is new or changed: a no-op `up` makes no API call.
      const reason = sameProvider(olds, "provider", inputs.provider)
        ? undefined
        : await providerFailure(inputs, inputs.provider);
      if (reason !== undefined) {
        return { inputs, failures: [{ property: "provider", reason }] };
      }
    }
    return { inputs, failures: [] };
  },

  async diff(_id: string, olds: CredentialOutputs, news: CredentialInputs): Promise<DiffResult> {
    const base = buildDiff(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      ["name", "provider", "values", "adminUrl", "adminKey"],
      ["name"],
    );
    // PATCH merges values per key and cannot drop one: a removed value key needs a fresh
    // credential under the same name, so the old one must go first.
    const oldKeys = Object.keys(olds.values ?? {});
    const newValues = news.values;
    if (newValues !== (UNKNOWN as unknown) && oldKeys.some((k) => !(k in (newValues ?? {})))) {
      return { changes: true, replaces: [...base.replaces, "values"], deleteBeforeReplace: true };
    }
    return base;
  },

  async create(inputs: CredentialInputs): Promise<{ id: string; outs: CredentialOutputs }> {
    const outs = { ...inputs, provider: normalizeProvider(inputs.provider) };
    await withClient(inputs, async (client) => {
      await waitReady(client);
      const live = await client.call<unknown>({
        method: "GET",
        path: "/public/providers",
        anonymous: true,
      });
      if (Array.isArray(live.body)) {
        const reason = unknownProviderReason(outs.provider, live.body as string[]);
        if (reason !== undefined) {
          throw new Error(`ProviderCredential "${inputs.name}": provider: ${reason}`);
        }
      }
      try {
        await client.call({
          method: "POST",
          path: "/credentials",
          body: credentialBody(outs),
          noRetryWhen: (_s, body) => /unique constraint|already exists/i.test(errorMessage(body)),
        });
      } catch (err) {
        const exists =
          err instanceof LiteLlmApiError &&
          (err.status === 409 || /unique constraint|already exists/i.test(errorMessage(err.body)));
        if (!exists) {
          throw err;
        }
        // A retried create whose first attempt committed, or a leftover: converge by PATCH.
        await patchCredential(client, outs);
      }
    });
    return { id: inputs.name, outs };
  },

  async read(
    id: string,
    props: CredentialOutputs,
  ): Promise<{ id: string; props: CredentialOutputs }> {
    return withClient(props, async (client) => {
      let body: {
        credential_values?: Record<string, unknown>;
        credential_info?: Record<string, unknown>;
      };
      try {
        ({ body } = await client.call({
          method: "GET",
          path: `/credentials/by_name/${encodeURI(id)}`,
        }));
      } catch (err) {
        if (err instanceof LiteLlmApiError && err.status === 404) {
          return { id: "", props };
        }
        throw err;
      }
      const info = body.credential_info ?? {};
      const provider = info["litellm_provider"] ?? info["custom_llm_provider"];
      const values: Record<string, string> = {};
      for (const [k, seen] of Object.entries(body.credential_values ?? {})) {
        const desired = props.values?.[k];
        const seenText = typeof seen === "string" ? seen : JSON.stringify(seen);
        // LiteLLM never returns a secret in clear: compare masked forms.
        values[k] =
          desired !== undefined && (seenText === desired || seenText === maskCredential(desired))
            ? desired
            : seenText;
      }
      return {
        id,
        props: {
          ...props,
          name: id,
          provider: typeof provider === "string" ? provider : "",
          values,
        },
      };
    });
  },

  async update(
    _id: string,
    _olds: CredentialOutputs,
    news: CredentialInputs,
  ): Promise<{ outs: CredentialOutputs }> {
    const outs = { ...news, provider: normalizeProvider(news.provider) };
    if (!same(_olds.values, news.values) || !same(_olds.provider, outs.provider)) {
      await withClient(news, async (client) => {
        await waitReady(client);
        await patchCredential(client, outs);
      });
    }
    return { outs };
  },

  async delete(id: string, props: CredentialOutputs): Promise<void> {
    await withClient(props, async (client) => {
      const res = await client.call<{ success?: unknown; code?: unknown; message?: unknown }>({
        method: "DELETE",
        path: credentialPath(id),
      });
      if (res.body?.success !== true && String(res.body?.code) !== "404") {
        throw new LiteLlmApiError(
          "DELETE",
          "/credentials/{name}",
          Number(res.body?.code ?? 200),
          `credential "${id}" was not deleted: ${errorMessage(res.body)}`,
        );
      }
    });
  },
};

// ---------------------------------------------------------------- ModelAlias

function modelParams(inputs: ModelInputs, clear: boolean): Record<string, unknown> {
  return {
    ...(inputs.params ?? {}),
    model: inputs.target,
    ...(inputs.credentialName !== undefined
      ? { litellm_credential_name: inputs.credentialName }
      : clear
        ? { litellm_credential_name: null }
        : {}),
  };
}

function isModelMissing(err: unknown): boolean {
  return (
    err instanceof LiteLlmApiError &&
    (err.status === 404 || err.status === 400) &&
    /not found/i.test(errorMessage(err.body))
  );
}

async function patchModel(client: AdminClient, inputs: ModelInputs): Promise<void> {
  await client.call({
    method: "PATCH",
    path: `/model/${encodeURIComponent(inputs.modelId)}/update`,
    body: { model_name: inputs.publicName, litellm_params: modelParams(inputs, false) },
  });
}

/** ModelAlias implementation. */
export const model = {
  async check(olds: unknown, news: Record<string, unknown>) {
    const schema = z.object({
      ...connectionShape,
      modelId: u(nonEmpty("modelId")),
      publicName: u(nonEmpty("publicName")),
      target: u(
        z
          .string({ error: "target must be a string" })
          .regex(/^[^/\s]+\/\S+/, 'target must be "<provider>/<model>", e.g. "openai/gpt-4o"'),
      ),
      credentialName: u(nonEmpty("credentialName")).optional(),
      params: u(
        z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
            error: "params must map names to strings, numbers or booleans",
          })
          .superRefine((p, ctx) => {
            for (const k of Object.keys(p)) {
              if (isSecretParamName(k) || k === "model") {
                ctx.addIssue({
                  code: "custom",
                  path: [k],
                  message:
                    k === "model"
                      ? "params.model is not allowed; set target instead"
                      : `params.${k} looks like a secret; put it in a ProviderCredential and set credentialName`,
                });
              }
            }
          }),
      ).optional(),
    });
    const result = runCheck(schema, news);
    if (result.failures.length > 0 || !isKnown(news["target"])) {
      return result;
    }
    const inputs = { ...(news as unknown as ModelInputs) };
    const [prefix, ...rest] = inputs.target.split("/");
    const canonical = normalizeProvider(prefix ?? "");
    const reason = sameProvider(olds, "target", canonical)
      ? undefined
      : await providerFailure(inputs, canonical);
    if (reason !== undefined) {
      return { inputs, failures: [{ property: "target", reason }] };
    }
    inputs.target = [canonical, ...rest].join("/");
    return { inputs, failures: [] };
  },

  async diff(_id: string, olds: ModelOutputs, news: ModelInputs): Promise<DiffResult> {
    const base = buildDiff(
      olds as unknown as Record<string, unknown>,
      news as unknown as Record<string, unknown>,
      ["modelId", "publicName", "target", "credentialName", "params", "adminUrl", "adminKey"],
      ["modelId"],
    );
    // Detaching a credential or dropping a param cannot be expressed as a PATCH on every
    // supported release (null is ignored before newest main): re-create under the same id,
    // which must free the id first.
    const droppedParam = Object.keys(olds.params ?? {}).some(
      (k) => news.params === undefined || !(k in news.params),
    );
    const detached = olds.credentialName !== undefined && news.credentialName === undefined;
    if (droppedParam || detached || base.replaces.length > 0) {
      const replaces = [
        ...base.replaces,
        ...(droppedParam ? ["params"] : []),
        ...(detached ? ["credentialName"] : []),
      ];
      return { changes: true, replaces, deleteBeforeReplace: !base.replaces.includes("modelId") };
    }
    return base;
  },

  async create(inputs: ModelInputs): Promise<{ id: string; outs: ModelOutputs }> {
    await withClient(inputs, async (client) => {
      await waitReady(client);
      try {
        await client.call({
          method: "POST",
          path: "/model/new",
          body: {
            model_name: inputs.publicName,
            litellm_params: modelParams(inputs, false),
            model_info: { id: inputs.modelId },
          },
          noRetryWhen: (_s, body) => /failed to add model to db/i.test(errorMessage(body)),
        });
      } catch (err) {
        if (!(
          err instanceof LiteLlmApiError && /failed to add model/i.test(errorMessage(err.body))
        )) {
          throw err;
        }
        // Duplicate id: an earlier attempt committed. PATCH (DB-backed, no visibility lag)
        // converges it; a 404 there means the 500 had another cause.
        try {
          await patchModel(client, inputs);
        } catch (patchErr) {
          throw isModelMissing(patchErr) ? err : patchErr;
        }
      }
    });
    return { id: inputs.modelId, outs: { ...inputs, createdAt: new Date().toISOString() } };
  },

  async read(id: string, props: ModelOutputs): Promise<{ id: string; props: ModelOutputs }> {
    return withClient(props, async (client) => {
      const createdAt = Date.parse(props.createdAt ?? "");
      const graceEnds = (Number.isNaN(createdAt) ? 0 : createdAt) + tuning.modelVisibilityGraceMs;
      for (;;) {
        try {
          const res = await client.call<{ data?: Array<Record<string, unknown>> }>({
            method: "GET",
            path: `/model/info?litellm_model_id=${encodeURIComponent(id)}`,
          });
          const row = res.body.data?.[0];
          if (row === undefined) {
            return { id: "", props };
          }
          const params = (row["litellm_params"] ?? {}) as Record<string, unknown>;
          const managed: Record<string, string | number | boolean> = {};
          for (const k of Object.keys(props.params ?? {})) {
            const v = params[k];
            if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
              managed[k] = v;
            }
          }
          const cred = params["litellm_credential_name"];
          const out: ModelOutputs = {
            ...props,
            modelId: id,
            publicName: String(row["model_name"] ?? ""),
            target: String(params["model"] ?? ""),
          };
          delete out.credentialName;
          delete out.params;
          if (typeof cred === "string") {
            out.credentialName = cred;
          }
          if (props.params !== undefined) {
            out.params = managed;
          }
          return { id, props: out };
        } catch (err) {
          if (!isModelMissing(err)) {
            throw err;
          }
          // Another pod (or this one before its reload) may not show a fresh model yet.
          if (Date.now() >= graceEnds) {
            return { id: "", props };
          }
          await sleep(tuning.modelPollMs);
        }
      }
    });
  },

  async update(
    _id: string,
    olds: ModelOutputs,
    news: ModelInputs,
  ): Promise<{ outs: ModelOutputs }> {
    const outs: ModelOutputs = { ...news, createdAt: olds.createdAt };
    const apiFields = ["publicName", "target", "credentialName", "params"] as const;
    if (apiFields.some((f) => !same(olds[f], news[f]))) {
      await withClient(news, async (client) => {
        await waitReady(client);
        await patchModel(client, news);
      });
    }
    return { outs };
  },

  async delete(id: string, props: ModelOutputs): Promise<void> {
    await withClient(props, async (client) => {
      try {
        await client.call({ method: "POST", path: "/model/delete", body: { id } });
      } catch (err) {
        if (!isModelMissing(err)) {
          throw err;
        }
      }
    });
  },
};

// ---------------------------------------------------------------- VirtualKey

const OWNER_FIELD = "pulumi_owner";

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
      [
        "owner",
        "alias",
        "models",
        "duration",
        "maxBudget",
        "rpmLimit",
        "tpmLimit",
        "teamId",
        "metadata",
        "rotation",
        "adminUrl",
        "adminKey",
      ],
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
          return res.body.expires ?? null;
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
      return info.body.info?.expires ?? null;
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
        expires: typeof info["expires"] === "string" ? info["expires"] : null,
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
    const apiFields = [
      "alias",
      "models",
      "duration",
      "maxBudget",
      "rpmLimit",
      "tpmLimit",
      "teamId",
      "metadata",
    ] as const;
    let expires = olds.expires ?? null;
    if (apiFields.some((f) => !same(olds[f], news[f]))) {
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
        return res.body.expires ?? expires;
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
