/**
 * ProviderCredential: create POST /credentials, read GET /credentials/by_name/{n}, update PATCH
 * /credentials/{n}, delete DELETE /credentials/{n}. No Pulumi imports.
 *
 * Ownership: create and update write the resource's `owner` into `credential_info.pulumi_owner`.
 * A name that already exists at create is this create's own earlier attempt (a lost response)
 * when it carries that owner; otherwise it is taken over only with `adopt: true`.
 */
import { AdminClient, LiteLlmApiError } from "../client";
import { normalizeProvider, unknownProviderReason } from "../rules";
import { credentialCheckSchema } from "./schema";
import { batchedRow, type Listing } from "../impl/batch";
import {
  UNKNOWN,
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
  type CredentialInputs,
  type CredentialOutputs,
  type DiffResult,
} from "../impl/shared";

// ---------------------------------------------------------------- ProviderCredential

/** `credential_info` field holding the owner tag of the resource that created the credential. */
const OWNER_FIELD = "pulumi_owner";

const EXISTS = /unique constraint|already exists/i;

/** A 2xx answer of PATCH/DELETE without `success: true` is an error (LiteLLM returns, not raises). */
const notSuccess = (body: unknown): boolean =>
  (body as { success?: unknown } | null)?.success !== true;

/** The error `code` LiteLLM put in a body (`"404"`), if any. */
function bodyCode(body: unknown): string | undefined {
  const b = body as { code?: unknown; error?: { code?: unknown } } | null;
  const code = b?.code ?? b?.error?.code;
  return code === undefined || code === null ? undefined : String(code);
}

/** POST /credentials refused the name as taken (HTTP 409; a unique-constraint error before 1.108). */
function isTaken(err: unknown): boolean {
  return (
    err instanceof LiteLlmApiError && (err.status === 409 || EXISTS.test(errorMessage(err.body)))
  );
}

function isGone(err: unknown): boolean {
  return err instanceof LiteLlmApiError && (err.status === 404 || bodyCode(err.body) === "404");
}

function maskCredential(value: string): string {
  return value.length <= 4 ? "*****" : `${value.slice(0, 2)}****${value.slice(-2)}`;
}

function credentialBody(inputs: CredentialInputs) {
  const provider = normalizeProvider(inputs.provider);
  return {
    credential_name: inputs.name,
    // LiteLLM 1.108 replaces credential_info on PATCH (its in-memory copy merges until the next
    // reload), so every write sends all of it, owner tag included.
    credential_info: {
      litellm_provider: provider,
      custom_llm_provider: provider,
      ...(inputs.owner === undefined ? {} : { [OWNER_FIELD]: inputs.owner }),
    },
    credential_values: inputs.values,
  };
}

/** Makes the client scrub the credential values (old and new) from its errors and logs. */
function guardValues(
  client: AdminClient,
  ...values: Array<Record<string, string> | undefined>
): void {
  for (const v of values) {
    client.addSecrets(Object.values(v ?? {}));
  }
}

function credentialPath(name: string): string {
  return `/credentials/${encodeURIComponent(name)}`;
}

async function patchCredential(client: AdminClient, inputs: CredentialInputs): Promise<void> {
  await client.call({
    method: "PATCH",
    path: credentialPath(inputs.name),
    body: credentialBody(inputs),
    errorBody: notSuccess,
  });
}

async function postCredential(client: AdminClient, inputs: CredentialInputs): Promise<void> {
  await client.call({
    method: "POST",
    path: "/credentials",
    body: credentialBody(inputs),
    noRetryWhen: (_s, body) => EXISTS.test(errorMessage(body)),
  });
}

async function deleteCredential(client: AdminClient, name: string): Promise<void> {
  try {
    await client.call({ method: "DELETE", path: credentialPath(name), errorBody: notSuccess });
  } catch (err) {
    // Already gone: LiteLLM 1.108 answers HTTP 404; older releases 200 with code "404".
    if (!isGone(err)) {
      throw err;
    }
  }
}

interface StoredCredential {
  credential_values?: Record<string, unknown>;
  credential_info?: Record<string, unknown>;
}

/**
 * Every credential by name (GET /credentials: the items /credentials/by_name answers, masked
 * alike, in one call). An answer without the list (the endpoint returns some errors as its body)
 * is no listing.
 */
export const CREDENTIAL_LISTING: Listing<StoredCredential> = {
  kind: "credential",
  async list(client) {
    const { body } = await client.call<{
      credentials?: Array<StoredCredential & { credential_name?: unknown }>;
    }>({ method: "GET", path: "/credentials" });
    if (!Array.isArray(body.credentials)) {
      return undefined;
    }
    const rows = new Map<string, StoredCredential>();
    for (const item of body.credentials) {
      if (typeof item.credential_name === "string") {
        rows.set(item.credential_name, item);
      }
    }
    return rows;
  },
};

async function getCredential(
  client: AdminClient,
  name: string,
): Promise<StoredCredential | undefined> {
  try {
    const { body } = await client.call<StoredCredential>({
      method: "GET",
      path: `/credentials/by_name/${encodeURIComponent(name)}`,
    });
    return body;
  } catch (err) {
    if (err instanceof LiteLlmApiError && err.status === 404) {
      return undefined;
    }
    throw err;
  }
}

/** The create-time refusal to touch a credential this stack did not create. */
function foreignCredentialMessage(name: string, foundOwner: unknown): string {
  const tag =
    typeof foundOwner === "string"
      ? `its ${OWNER_FIELD} tag is "${foundOwner}"`
      : `it has no ${OWNER_FIELD} tag`;
  return (
    `ProviderCredential "${name}": a credential named "${name}" already exists on the gateway and was not created by this stack (${tag}). ` +
    `Fix: set adopt: true on this credential (stack config: the "adopt" field of its entry in credentials) to take it over (the stack then overwrites its values and deletes it on destroy), or rename the declared credential.`
  );
}

/**
 * The credential POST just called taken. LiteLLM answers reads from an in-memory list that its
 * periodic reload (every 30 s, PROXY_CONFIG_RELOAD_INTERVAL_SECONDS) rebuilds from the database,
 * and a reload that read the table before a create committed drops the created credential from
 * that list until the next one: the database holds it, the reads say 404. So a 404 here means
 * "not visible yet" until `credentialVisibilityGraceMs` has passed, then "deleted in between".
 */
async function storedAfterConflict(
  client: AdminClient,
  name: string,
): Promise<StoredCredential | undefined> {
  const graceEnds = Date.now() + tuning.credentialVisibilityGraceMs;
  let logged = false;
  for (;;) {
    const stored = await getCredential(client, name);
    if (stored !== undefined || Date.now() >= graceEnds) {
      return stored;
    }
    if (!logged) {
      logged = true;
      tuning.log(
        `ProviderCredential "${name}": the gateway says it exists but does not list it yet (LiteLLM reloads its credentials from the database every 30 s); waiting up to ${Math.round(tuning.credentialVisibilityGraceMs / 1000)} s`,
      );
    }
    await sleep(tuning.credentialPollMs);
  }
}

/**
 * POST answered "already exists": converge when the credential is this resource's own (an earlier
 * attempt whose response was lost, or one the gateway does not list yet) or adopted; refuse
 * anyone else's. The result holds exactly the declared values: PATCH merges values, so a stored
 * key that is not declared (e.g. an `api_base` set by hand) needs a fresh credential under the
 * same name.
 */
async function takeOver(client: AdminClient, inputs: CredentialInputs): Promise<void> {
  const stored = await storedAfterConflict(client, inputs.name);
  if (stored === undefined) {
    // Deleted in between: create it after all.
    try {
      await postCredential(client, inputs);
    } catch (err) {
      if (isTaken(err)) {
        throw new Error(
          `ProviderCredential "${inputs.name}": the gateway's database holds a credential of this name (POST /credentials calls it taken) but its API has not shown it for ${Math.round(tuning.credentialVisibilityGraceMs / 1000)} s. ` +
            `Fix: run up again; if this persists, restart the gateway so that it reloads its credentials (Docker: npm run stop, then npm run start; Kubernetes: kubectl rollout restart deployment/litellm).`,
        );
      }
      throw err;
    }
    return;
  }
  const owner = stored.credential_info?.[OWNER_FIELD];
  const own = inputs.owner !== undefined && owner === inputs.owner;
  if (!own && inputs.adopt !== true) {
    throw new Error(foreignCredentialMessage(inputs.name, owner));
  }
  const undeclared = Object.keys(stored.credential_values ?? {}).filter(
    (k) => !(k in inputs.values),
  );
  if (undeclared.length === 0) {
    await patchCredential(client, inputs);
    return;
  }
  await deleteCredential(client, inputs.name);
  await postCredential(client, inputs);
}

/** ProviderCredential implementation. */
export const credential = {
  async check(olds: unknown, news: Record<string, unknown>) {
    const result = runCheck(credentialCheckSchema, news);
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
      ["name", "provider", "values", "owner", "adminUrl", "adminKey"],
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
      guardValues(client, inputs.values);
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
        await postCredential(client, outs);
      } catch (err) {
        if (!isTaken(err)) {
          throw err;
        }
        await takeOver(client, outs);
      }
    });
    return { id: inputs.name, outs };
  },

  async read(
    id: string,
    props: CredentialOutputs,
  ): Promise<{ id: string; props: CredentialOutputs }> {
    return withClient(props, async (client) => {
      guardValues(client, props.values);
      const body =
        (await batchedRow(CREDENTIAL_LISTING, props, client, id)) ??
        (await getCredential(client, id));
      if (body === undefined) {
        return { id: "", props };
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
    const changed =
      !same(_olds.values, news.values) ||
      !same(_olds.provider, outs.provider) ||
      !same(_olds.owner, news.owner);
    if (changed) {
      await withClient(news, async (client) => {
        guardValues(client, _olds.values, news.values);
        await waitReady(client);
        await patchCredential(client, outs);
      });
    }
    return { outs };
  },

  async delete(id: string, props: CredentialOutputs): Promise<void> {
    await withClient(props, async (client) => {
      guardValues(client, props.values);
      await deleteCredential(client, id);
    });
  },
};
