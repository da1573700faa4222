/**
 * ModelAlias: create POST /model/new (caller-chosen model_info.id), read GET
 * /model/info?litellm_model_id=, update PATCH /model/{id}/update, delete POST /model/delete.
 * No Pulumi imports.
 */
import { AdminClient, LiteLlmApiError } from "../client";
import { modelCheckSchema } from "./schema";
import { batchedRow, type Listing } from "../impl/batch";
import { SERVER_DEFAULT_PARAMS, normalizeProvider, sameParamValue } from "../rules";
import {
  patchWhen,
  buildDiff,
  errorMessage,
  isKnown,
  providerFailure,
  runCheck,
  same,
  sameProvider,
  sleep,
  tuning,
  waitReady,
  withClient,
  type DiffResult,
  type ModelInputs,
  type ModelOutputs,
} from "../impl/shared";

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

/** LiteLLM's answer to GET /model/info when it holds no model at all. */
const NO_MODELS = /model list not loaded/i;

/** `model_info` field holding the owner tag of the resource that created the deployment. */
const OWNER_FIELD = "pulumi_owner";

/**
 * Deployments of `inputs.publicName` this resource did not create: another id, and no owner tag
 * of its own. Ids this stack derives (`pulumi-…`) without a tag are deployments written before
 * tagging (a create-before-delete replacement of this very resource), not foreign ones.
 */
async function foreignDeployments(client: AdminClient, inputs: ModelInputs): Promise<string[]> {
  let rows: Array<Record<string, unknown>>;
  try {
    const res = await client.call<{ data?: Array<Record<string, unknown>> }>({
      method: "GET",
      path: "/model/info",
      // A gateway without any model answers 500 "LLM Model List not loaded in": nothing to clash.
      noRetryWhen: (_s, body) => NO_MODELS.test(errorMessage(body)),
    });
    rows = res.body.data ?? [];
  } catch (err) {
    if (!(err instanceof LiteLlmApiError && NO_MODELS.test(errorMessage(err.body)))) {
      throw err;
    }
    rows = [];
  }
  return rows
    .filter((row) => row["model_name"] === inputs.publicName)
    .map((row) => (row["model_info"] ?? {}) as Record<string, unknown>)
    .filter((info) => {
      const id = String(info["id"] ?? "");
      const owner = info[OWNER_FIELD];
      return (
        id !== inputs.modelId &&
        owner !== inputs.owner &&
        !(owner === undefined && id.startsWith("pulumi-"))
      );
    })
    .map((info) => String(info["id"] ?? ""));
}

/**
 * A public name held by deployments this stack did not create would have LiteLLM balance
 * requests between them and this one: refuse, or with `adopt` delete them first.
 */
async function clearForeignDeployments(client: AdminClient, inputs: ModelInputs): Promise<void> {
  const foreign = await foreignDeployments(client, inputs);
  if (foreign.length === 0) {
    return;
  }
  if (inputs.adopt !== true) {
    throw new Error(
      `ModelAlias "${inputs.publicName}": the gateway already has ${foreign.length === 1 ? "a deployment" : `${foreign.length} deployments`} of this public name that this stack did not create (id ${foreign.join(", ")}); LiteLLM would balance requests between ${foreign.length === 1 ? "it" : "them"} and this one. ` +
        `Fix: set adopt: true on this model (stack config: the "adopt" field of its entry in models) to replace ${foreign.length === 1 ? "it" : "them"}, or rename the declared model.`,
    );
  }
  for (const id of foreign) {
    await client.call({ method: "POST", path: "/model/delete", body: { id } });
  }
}

/** A deployment's row from GET /model/info?litellm_model_id (throws when this pod has none). */
async function modelRow(
  client: AdminClient,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const res = await client.call<{ data?: Array<Record<string, unknown>> }>({
    method: "GET",
    path: `/model/info?litellm_model_id=${encodeURIComponent(id)}`,
  });
  return res.body.data?.[0];
}

/**
 * Every deployment this pod serves by id (GET /model/info without a filter: the rows the filtered
 * call answers, in one call whatever their number).
 */
export const MODEL_LISTING: Listing<Record<string, unknown>> = {
  kind: "model",
  async list(client) {
    const res = await client.call<{ data?: Array<Record<string, unknown>> }>({
      method: "GET",
      path: "/model/info",
    });
    const rows = new Map<string, Record<string, unknown>>();
    for (const row of res.body.data ?? []) {
      const info = row["model_info"];
      const id =
        typeof info === "object" && info !== null ? (info as Record<string, unknown>)["id"] : "";
      if (typeof id === "string" && id !== "") {
        rows.set(id, row);
      }
    }
    return rows;
  },
};

/** ModelAlias implementation. */
export const model = {
  async check(olds: unknown, news: Record<string, unknown>) {
    const result = runCheck(modelCheckSchema, news);
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
    // which must free the id first. Unknown params (preview) cannot tell yet; buildDiff
    // already reports them as a change.
    const oldParams = olds.params;
    const newParams = news.params;
    const droppedParam =
      isKnown(oldParams) &&
      isKnown(newParams) &&
      Object.keys(oldParams ?? {}).some(
        (k) => newParams === undefined || !Object.hasOwn(newParams, k),
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
      await clearForeignDeployments(client, inputs);
      try {
        await client.call({
          method: "POST",
          path: "/model/new",
          body: {
            model_name: inputs.publicName,
            litellm_params: modelParams(inputs, false),
            model_info: {
              id: inputs.modelId,
              ...(inputs.owner === undefined ? {} : { [OWNER_FIELD]: inputs.owner }),
            },
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
      // Read with the others of this refresh when they come together; alone after that.
      let listed = await batchedRow(MODEL_LISTING, props, client, id);
      for (;;) {
        try {
          const row = listed ?? (await modelRow(client, id));
          listed = undefined;
          if (row === undefined) {
            return { id: "", props };
          }
          const params = (row["litellm_params"] ?? {}) as Record<string, unknown>;
          // Every param the deployment holds, but the ones this resource expresses elsewhere
          // and LiteLLM's own defaults: a param added by hand (an api_base sending the key to
          // another host) must show as drift. A declared param that LiteLLM's pydantic model
          // coerced (`rpm: "10"` is served as 10) reads as declared, or it would never converge.
          const seen: Record<string, string | number | boolean> = {};
          for (const [k, v] of Object.entries(params)) {
            const declared =
              props.params !== undefined && Object.hasOwn(props.params, k)
                ? props.params[k]
                : undefined;
            if (
              k === "model" ||
              k === "litellm_credential_name" ||
              v === null ||
              (declared === undefined &&
                k in SERVER_DEFAULT_PARAMS &&
                SERVER_DEFAULT_PARAMS[k] === v)
            ) {
              continue;
            }
            seen[k] =
              declared !== undefined && sameParamValue(declared, v)
                ? declared
                : typeof v === "string" || typeof v === "number" || typeof v === "boolean"
                  ? v
                  : JSON.stringify(v);
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
          if (props.params !== undefined || Object.keys(seen).length > 0) {
            out.params = seen;
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
    await patchWhen(
      news,
      apiFields.some((f) => !same(olds[f], news[f])),
      (client) => patchModel(client, news),
    );
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
