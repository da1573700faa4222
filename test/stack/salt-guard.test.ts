import { describe, expect, it } from "vitest";
import { saltGuardProviderForTests as provider } from "../../components/salt-guard";

const base = {
  allowChange: false,
  allowKey: "litellm-stack:allowSaltKeyChange",
  saltKey: "litellm-stack:saltKey",
};

describe("SaltGuard provider", () => {
  it("accepts the first salt and an unchanged one", async () => {
    const news = { ...base, saltHash: "aaa" };
    expect((await provider.check?.(undefined as never, news))?.failures).toBeUndefined();
    expect((await provider.check?.({ ...base, saltHash: "aaa" }, news))?.failures).toBeUndefined();
  });

  it("refuses a changed salt with an explanation and the fixes", async () => {
    const result = await provider.check?.(
      { ...base, saltHash: "aaa" },
      { ...base, saltHash: "bbb" },
    );
    expect(result?.failures).toEqual([
      {
        property: "saltHash",
        reason:
          "LITELLM_SALT_KEY would change. LiteLLM encrypts stored provider credentials with it: a new salt makes every stored credential unreadable. If this comes from a config change, restore the previous value (pulumi config set --secret litellm-stack:saltKey <previous salt>) or remove the new one; if the database holds nothing worth keeping, acknowledge with pulumi config set litellm-stack:allowSaltKeyChange true.",
      },
    ]);
  });

  it("lets an acknowledged change through", async () => {
    const result = await provider.check?.(
      { ...base, saltHash: "aaa" },
      { ...base, saltHash: "bbb", allowChange: true },
    );
    expect(result?.failures).toBeUndefined();
  });

  it("records the hash on create and update", async () => {
    const created = await provider.create({ ...base, saltHash: "aaa" });
    expect(created.outs?.saltHash).toBe("aaa");
    const diff = await provider.diff?.(
      created.id,
      { ...base, saltHash: "aaa" },
      { ...base, saltHash: "bbb" },
    );
    expect(diff?.changes).toBe(true);
  });
});
