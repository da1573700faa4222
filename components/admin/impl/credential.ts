/**
 * ProviderCredential: create POST /credentials, read GET /credentials/by_name/{n}, update PATCH
 * /credentials/{n}, delete DELETE /credentials/{n}. No Pulumi imports.
 */
import { z } from "zod";
import { AdminClient, LiteLlmApiError } from "../client";
import { normalizeProvider, unknownProviderReason } from "../rules";
import {
  connectionShape,
  patchWhen,
  UNKNOWN,
  buildDiff,
  errorMessage,
  isKnown,
  nonEmpty,
  providerFailure,
  runCheck,
  same,
  sameProvider,
  u,
  waitReady,
  withClient,
  type CredentialInputs,
  type CredentialOutputs,
  type DiffResult,
} from "./shared";

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
  return `/credentials/${encodeURIComponent(name)}`;
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
          path: `/credentials/by_name/${encodeURIComponent(id)}`,
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
    await patchWhen(
      news,
      !same(_olds.values, news.values) || !same(_olds.provider, outs.provider),
      (client) => patchCredential(client, outs),
    );
    return { outs };
  },

  async delete(id: string, props: CredentialOutputs): Promise<void> {
    await withClient(props, async (client) => {
      let res: { body: { success?: unknown; code?: unknown; message?: unknown } | null };
      try {
        res = await client.call<{ success?: unknown; code?: unknown; message?: unknown }>({
          method: "DELETE",
          path: credentialPath(id),
        });
      } catch (err) {
        // Already gone: LiteLLM 1.108 answers HTTP 404; older releases 200 with code "404".
        if (err instanceof LiteLlmApiError && err.status === 404) {
          return;
        }
        throw err;
      }
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
