/**
 * The model-param rules on their own: which names `check` refuses (secret-like, or masked by
 * LiteLLM when read back) and which served values count as the declared value after LiteLLM's
 * pydantic coercion. The same rules are proven against the real gateway in
 * test/contract/model-params.test.ts.
 */
import { describe, expect, it } from "vitest";
import { maskedParamSegment, paramNameProblem, sameParamValue } from "../../components/admin/rules";

const HINT = "put it in a ProviderCredential and set credentialName";

describe("paramNameProblem", () => {
  it("refuses each name segment LiteLLM masks, naming the param, the segment and the fix", () => {
    expect(paramNameProblem("oci_tenancy", HINT)).toBe(
      'params.oci_tenancy is masked by LiteLLM when read back (name segment "tenancy"), so it would show as changed on every run; put it in a ProviderCredential and set credentialName',
    );
    const masked = {
      tenancy_ocid: "tenancy",
      cert_fingerprint: "fingerprint",
      tls_certificate: "certificate",
      private_link: "private",
      access_level: "access",
      "Auth-Mode": "auth",
      authorization_scheme: "authorization",
      cookie_name: "cookie",
      OCI_TENANCY: "tenancy",
    };
    for (const [name, segment] of Object.entries(masked)) {
      expect(paramNameProblem(name, HINT)).toBe(
        `params.${name} is masked by LiteLLM when read back (name segment "${segment}"), so it would show as changed on every run; ${HINT}`,
      );
    }
  });

  it("refuses secret-looking names with the secret message, also when spelled with hyphens", () => {
    for (const name of [
      "api_key",
      "x-api-key",
      "client_secret",
      "aws_session_token",
      "db_passwd",
      "vertex_credentials",
    ]) {
      expect(paramNameProblem(name, HINT)).toBe(`params.${name} looks like a secret; ${HINT}`);
    }
  });

  it("refuses model and litellm_credential_name, which have their own fields", () => {
    expect(paramNameProblem("model", HINT)).toBe("params.model is not allowed; set target instead");
    expect(paramNameProblem("litellm_credential_name", HINT)).toBe(
      `params.litellm_credential_name is not allowed; declare the credential instead: ${HINT}`,
    );
  });

  it("accepts names LiteLLM returns in clear: pricing (cost) fields, its excluded limits, near misses", () => {
    for (const name of [
      "input_cost_per_token",
      "output_cost_per_token",
      "default_api_key_tpm_limit",
      "default_api_key_rpm_limit",
      "max_tokens",
      "api_base",
      "api_version",
      "aws_region_name",
      "vertex_project",
      "authority_host",
      "tenant_id",
    ]) {
      expect(paramNameProblem(name, HINT)).toBeUndefined();
      expect(maskedParamSegment(name)).toBeUndefined();
    }
  });
});

describe("sameParamValue (LiteLLM's pydantic coercion of litellm_params)", () => {
  it("matches numeric strings to the int or float LiteLLM serves, as Python parses them", () => {
    expect(sameParamValue("10", 10)).toBe(true);
    expect(sameParamValue(" 10 ", 10)).toBe(true);
    expect(sameParamValue("10.0", 10)).toBe(true);
    expect(sameParamValue("+5", 5)).toBe(true);
    expect(sameParamValue("1_000", 1000)).toBe(true);
    expect(sameParamValue("1e-3", 0.001)).toBe(true);
    expect(sameParamValue(".5", 0.5)).toBe(true);
    expect(sameParamValue(true, 1)).toBe(true);
  });

  it("matches pydantic's boolean strings and 0/1 to the boolean LiteLLM serves, case-insensitively", () => {
    for (const s of ["1", "on", "t", "true", "y", "yes", "TRUE", "Yes"]) {
      expect(sameParamValue(s, true)).toBe(true);
      expect(sameParamValue(s, false)).toBe(false);
    }
    for (const s of ["0", "off", "f", "false", "n", "no"]) {
      expect(sameParamValue(s, false)).toBe(true);
    }
    expect(sameParamValue(1, true)).toBe(true);
    expect(sameParamValue(0, false)).toBe(true);
  });

  it("does not match different values, non-numeric strings, or numbers to strings", () => {
    expect(sameParamValue("10", 11)).toBe(false);
    expect(sameParamValue("", 0)).toBe(false);
    expect(sameParamValue("0x10", 16)).toBe(false);
    expect(sameParamValue("1__0", 10)).toBe(false);
    expect(sameParamValue(" true ", true)).toBe(false);
    expect(sameParamValue(2, true)).toBe(false);
    expect(sameParamValue(10, "10")).toBe(false);
    expect(sameParamValue(true, "true")).toBe(false);
    expect(sameParamValue("https://a.invalid", "https://b.invalid")).toBe(false);
  });
});
