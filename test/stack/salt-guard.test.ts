import { describe, expect, it } from "vitest";
import { saltGuardProviderForTests as provider } from "../../components/salt-guard";

const base = {
  allowChange: false,
  allowKey: "litellm-stack:allowSaltKeyChange",
  saltKey: "litellm-stack:saltKey",
};

const check = (olds: unknown, news: typeof base & { saltHash: string }) => {
  if (provider.check === undefined || provider.diff === undefined) {
    throw new Error("the SaltGuard provider has no check or diff");
  }
  return provider.check(olds as never, news);
};

describe("SaltGuard provider", () => {
  it("accepts the first salt and an unchanged one, without failures", async () => {
    const news = { ...base, saltHash: "aaa" };
    expect(await check(undefined, news)).toEqual({ inputs: news });
    expect(await check({ ...base, saltHash: "aaa" }, news)).toEqual({ inputs: news });
  });

  it("refuses a changed salt with an explanation and the fixes", async () => {
    const result = await check({ ...base, saltHash: "aaa" }, { ...base, saltHash: "bbb" });
    expect(result.failures).toEqual([
      {
        property: "saltHash",
        reason:
          "LITELLM_SALT_KEY would change. LiteLLM encrypts stored provider credentials with it: a new salt makes every stored credential unreadable. If this comes from a config change, restore the previous value (pulumi config set --secret litellm-stack:saltKey <previous salt>) or remove the new one; if the database holds nothing worth keeping, acknowledge with pulumi config set litellm-stack:allowSaltKeyChange true.",
      },
    ]);
  });

  it("lets an acknowledged change through", async () => {
    const news = { ...base, saltHash: "bbb", allowChange: true };
    expect(await check({ ...base, saltHash: "aaa" }, news)).toEqual({ inputs: news });
  });

  it("records the hash on create and update", async () => {
    const created = await provider.create({ ...base, saltHash: "aaa" });
    expect(created).toEqual({ id: "litellm-salt-guard", outs: { ...base, saltHash: "aaa" } });
    const diff = provider.diff!;
    expect(
      await diff(created.id, { ...base, saltHash: "aaa" }, { ...base, saltHash: "bbb" }),
    ).toEqual({
      changes: true,
    });
    expect(
      await diff(created.id, { ...base, saltHash: "aaa" }, { ...base, saltHash: "aaa" }),
    ).toEqual({
      changes: false,
    });
  });
});
