import { describe, expect, test } from "vitest";
import { optionsFromEnv } from "./options";

describe("optionsFromEnv", () => {
  test("reads LiteLLM's variables and the CLI defaults (port 4000, all interfaces)", () => {
    const options = optionsFromEnv({
      LITELLM_MASTER_KEY: "sk-m",
      LITELLM_SALT_KEY: "salt",
      DATABASE_URL: "postgres://u:p@db:5432/litellm",
      STORE_MODEL_IN_DB: "True",
      UI_USERNAME: "root",
      UI_PASSWORD: "pw",
    });
    expect(options).toMatchObject({
      masterKey: "sk-m",
      saltKey: "salt",
      databaseUrl: "postgres://u:p@db:5432/litellm",
      storeModelInDb: true,
      uiUsername: "root",
      uiPassword: "pw",
      port: 4000,
      host: "0.0.0.0",
    });
  });

  test("PORT overrides; empty values count as unset; STORE_MODEL_IN_DB defaults to false", () => {
    const options = optionsFromEnv({
      PORT: "4100",
      LITELLM_SALT_KEY: "",
      STORE_MODEL_IN_DB: "False",
    });
    expect(options.port).toBe(4100);
    expect(options.saltKey).toBeUndefined();
    expect(options.storeModelInDb).toBe(false);
    expect(optionsFromEnv({}).storeModelInDb).toBe(false);
  });

  test("a bad PORT names the variable", () => {
    expect(() => optionsFromEnv({ PORT: "http" })).toThrow("check PORT");
  });
});

describe("main.ts", () => {
  test("importing it has no side effects (nothing listens)", async () => {
    const mod = await import("./main");
    expect(typeof mod.main).toBe("function");
  });
});
