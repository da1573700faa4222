/**
 * The provider list the stack config checks before anything is deployed
 * (components/admin/known-providers.json) is exactly what the real gateway of the default
 * LiteLLM release serves on `GET /public/providers`.
 */
import { describe, expect, it } from "vitest";
import { KNOWN_PROVIDERS } from "../../components/admin/rules";
import { LITELLM_VERSION } from "../../config";
import { gateway } from "./helpers";

describe("the known provider list", () => {
  it("is for the default LiteLLM release, the one the contract gateway runs", () => {
    expect(KNOWN_PROVIDERS.litellmVersion).toBe(LITELLM_VERSION);
  });

  it("equals GET /public/providers of the real gateway", async () => {
    const res = await fetch(`${gateway().url}/public/providers`);
    expect(res.status).toBe(200);
    const live = (await res.json()) as string[];
    expect(live.length).toBeGreaterThan(100);
    expect([...KNOWN_PROVIDERS.providers]).toEqual(live);
  });
});
