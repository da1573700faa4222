/**
 * The client's pure redaction helpers: secret-named JSON fields, the forms of a secret value that
 * scrubbing looks for, and the generic `sk-` rule.
 */
import { describe, expect, it } from "vitest";
import { redactBody, scrubSecrets, secretForms } from "../../components/admin/client";

describe("redactBody", () => {
  it("replaces secret-named fields (api_key, master_key, credential_values, token, password) and keeps key_alias", () => {
    expect(
      redactBody({ error: { message: "x" }, api_key: "abc", master_key: "m", key_alias: "k" }),
    ).toBe(
      '{"error":{"message":"x"},"api_key":"[REDACTED]","master_key":"[REDACTED]","key_alias":"k"}',
    );
    expect(redactBody({ credential_values: { api_base: "u" }, token: "t", password: "p" })).toBe(
      '{"credential_values":"[REDACTED]","token":"[REDACTED]","password":"[REDACTED]"}',
    );
  });

  it("scrubs a given secret inside a message string, also when quoted and escaped", () => {
    const secret = `ab"c\\d'ef-0123`;
    const body = {
      detail: `{'error': 'bad value ${secret.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'}`,
    };
    expect(redactBody(body, [secret])).toBe(`{"detail":"{'error': 'bad value [REDACTED]'}"}`);
  });
});

describe("secretForms", () => {
  it("lists an api_base URL as is, URL-encoded, and its user name, password and query values", () => {
    expect(secretForms("https://user1:p%40ss9@gw.example.invalid/v1?api-key=tok-0001&v=1")).toEqual(
      [
        "https%3A%2F%2Fuser1%3Ap%2540ss9%40gw.example.invalid%2Fv1%3Fapi-key%3Dtok-0001%26v%3D1",
        "https://user1:p%2540ss9@gw.example.invalid/v1?api-key=tok-0001&v=1",
        "https://user1:p%40ss9@gw.example.invalid/v1?api-key=tok-0001&v=1",
        "p%2540ss9",
        "tok-0001",
        "p%40ss9",
        "user1",
        "p@ss9",
      ],
    );
  });

  it("leaves out forms shorter than 4 characters", () => {
    expect(secretForms("abc")).toEqual([]);
  });
});

describe("scrubSecrets", () => {
  it("replaces a given value and any sk- looking string", () => {
    expect(scrubSecrets("Received API Key = sk-abc123XYZ_-, master mk-1234", ["mk-1234"])).toBe(
      "Received API Key = sk-[REDACTED], master [REDACTED]",
    );
  });
});
