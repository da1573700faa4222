/**
 * ModelAlias params against the real LiteLLM: the names `check` refuses because LiteLLM masks
 * them in `/model/info` are exactly the ones it masks, and params LiteLLM's pydantic model
 * coerces (`rpm: "10"` is stored as 10) read back as declared, so they never diff.
 */
import { describe, expect, it } from "vitest";
import { OUTPUT_SCHEMA_VERSION, model, type ModelInputs } from "../../components/admin/impl";
import { paramNameProblem } from "../../components/admin/rules";
import { IN_PLACE_UPDATE, admin, conn, unique, useTuning } from "./helpers";

useTuning();

const HINT = "put it in a ProviderCredential and set credentialName";
const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };

/** `litellm_params` of one deployment as `/model/info` serves it to the master key. */
async function servedParams(id: string): Promise<Record<string, unknown>> {
  const res = await admin("GET", `/model/info?litellm_model_id=${encodeURIComponent(id)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = res.body["data"] as Array<{ litellm_params: Record<string, unknown> }>;
  expect(rows).toHaveLength(1);
  return (rows[0] as { litellm_params: Record<string, unknown> }).litellm_params;
}

/** A deployment created by hand, bypassing `check` (what an operator or the UI could do). */
async function createByHand(params: Record<string, unknown>): Promise<string> {
  const id = unique("litellm-contract-by-hand");
  const res = await admin("POST", "/model/new", {
    model_name: unique("by-hand"),
    litellm_params: { model: "openai/gpt-4o-mini", ...params },
    model_info: { id },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return id;
}

describe("ModelAlias param names LiteLLM masks", () => {
  // Values longer than 8 characters: LiteLLM keeps 4 + 4 of them, so a masked value differs.
  const maskedBySegment: Record<string, string> = {
    oci_tenancy: "tenancy",
    oci_fingerprint: "fingerprint",
    client_certificate: "certificate",
    private_endpoint: "private",
    access_mode: "access",
    auth_mode: "auth",
    authorization_header: "authorization",
    session_cookie: "cookie",
    "x-auth-mode": "auth",
  };
  const clear: Record<string, string | number> = {
    input_cost_per_token: 0.000001,
    default_api_key_tpm_limit: 5,
    authority_host: "https://login.example.invalid",
    tenant_id: "tenant-0123456789",
    api_base: "https://api.example.invalid/v1",
  };

  it("masks in /model/info every name check refuses for masking, and serves the accepted near misses in clear", async () => {
    const sent = Object.fromEntries(
      Object.keys(maskedBySegment).map((k) => [k, `value-of-${k}-0123456789`]),
    );
    const id = await createByHand({ ...sent, ...clear });
    const served = await servedParams(id);
    for (const [name, segment] of Object.entries(maskedBySegment)) {
      const value = sent[name] as string;
      expect(served[name], name).toBe(
        `${value.slice(0, 4)}${"*".repeat(value.length - 8)}${value.slice(-4)}`,
      );
      expect(paramNameProblem(name, HINT)).toBe(
        `params.${name} is masked by LiteLLM when read back (name segment "${segment}"), so it would show as changed on every run; ${HINT}`,
      );
    }
    for (const [name, value] of Object.entries(clear)) {
      expect(served[name], name).toBe(value);
      expect(paramNameProblem(name, HINT), name).toBeUndefined();
    }
  });

  it("check refuses a masked param and the credential reference in params, naming each and the fix", async () => {
    const r = await model.check(
      {},
      {
        ...conn(),
        modelId: "m",
        publicName: "p",
        target: "openai/gpt-4o",
        params: { oci_tenancy: "ocid1.tenancy.oc1..aaaa", litellm_credential_name: "c", rpm: 10 },
      },
    );
    expect(r.failures).toEqual([
      {
        property: "params.oci_tenancy",
        reason: `params.oci_tenancy is masked by LiteLLM when read back (name segment "tenancy"), so it would show as changed on every run; ${HINT}`,
      },
      {
        property: "params.litellm_credential_name",
        reason: `params.litellm_credential_name is not allowed; declare the credential instead: ${HINT}`,
      },
    ]);
  });
});

/** Every kind of param check accepts: strings, ints, floats, booleans, and coerced ones. */
const EVERY_KIND: Record<string, string | number | boolean> = {
  mock_response: "hello from the coercion test",
  api_version: "2024-06-01",
  timeout: "30",
  temperature: 0.2,
  max_tokens: 64,
  tpm: 1000,
  stream_timeout: 15,
  drop_params: true,
  use_in_pass_through: false,
  rpm: "10",
  max_retries: "2",
  max_budget: "3.5",
  input_cost_per_token: "0.000001",
  use_litellm_proxy: "no",
  merge_reasoning_content_in_choices: 0,
};

/** Inputs of a fresh ModelAlias with these params. */
function withParams(params: Record<string, string | number | boolean>): ModelInputs {
  return {
    ...conn(),
    modelId: unique("litellm-contract-model"),
    publicName: unique("Coerced"),
    target: "openai/gpt-4o-mini",
    params,
  };
}

describe("ModelAlias params LiteLLM coerces", () => {
  const every = (): ModelInputs => withParams({ ...EVERY_KIND });

  it("check accepts every kind of param the round trip declares, pricing (cost) fields included", async () => {
    const first = every();
    expect(await model.check({}, { ...first })).toEqual({ inputs: first, failures: [] });
  });

  it("reads a model with string, int, float, boolean and coerced params back as declared three times, with no diff", async () => {
    const first = every();
    const { id, outs } = await model.create(first);
    // LiteLLM did coerce: the declared strings are served as numbers and booleans.
    expect(await servedParams(id)).toMatchObject({
      timeout: "30",
      rpm: 10,
      max_retries: 2,
      max_budget: 3.5,
      input_cost_per_token: 0.000001,
      use_litellm_proxy: false,
      merge_reasoning_content_in_choices: false,
    });
    let state = outs;
    for (let i = 0; i < 3; i++) {
      const read = await model.read(id, state);
      expect(read.id).toBe(id);
      expect(read.props).toEqual({
        ...first,
        createdAt: outs.createdAt,
        schemaVersion: OUTPUT_SCHEMA_VERSION,
      });
      expect(await model.diff(id, read.props, first)).toEqual(NO_CHANGE);
      state = read.props;
    }
  });

  it("reads coerced params back as declared after an in-place update", async () => {
    const first = withParams({ mock_response: "before", rpm: 10, use_in_pass_through: false });
    const { id, outs } = await model.create(first);
    const news: ModelInputs = {
      ...first,
      params: { mock_response: "after", rpm: "20", use_in_pass_through: "yes" },
    };
    const { outs: updated } = await model.update(id, outs, news);
    expect(await servedParams(id)).toMatchObject({ rpm: 20, use_in_pass_through: true });
    const read = await model.read(id, updated);
    expect(read.props).toEqual(updated);
    expect((await model.diff(id, read.props, news)).changes).toBe(false);
  });

  it("reports a coerced param changed by hand to another value as a change", async () => {
    const first = withParams({ mock_response: "hello", rpm: "10" });
    const { id, outs } = await model.create(first);
    const res = await admin("PATCH", `/model/${encodeURIComponent(id)}/update`, {
      litellm_params: { rpm: 11 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const read = await model.read(id, outs);
    expect(read.props.params).toEqual({ mock_response: "hello", rpm: 11 });
    expect(await model.diff(id, read.props, first)).toEqual(IN_PLACE_UPDATE);
  });
});
