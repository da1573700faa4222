/**
 * Read and delete use the admin connection of the current program (the stack config the
 * provider host is configured with) as well as the one each resource stored: a delete whose
 * stored port is dead or whose stored key was replaced still reaches the gateway, and a read
 * falls back the same way. Against the real LiteLLM.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configure, credential, type CredentialInputs } from "../../components/admin/impl";
import { freePort } from "../support/net";
import { admin, conn, gateway, unique, useTuning } from "./helpers";

useTuning();

/** The provider config of a stack of this project whose gateway is the contract gateway. */
function currentConfig(extra: Record<string, string> = {}): {
  get(key: string): string | undefined;
} {
  const values: Record<string, string> = {
    "litellm-stack:bindAddress": "127.0.0.1",
    "litellm-stack:hostPort": new URL(gateway().url).port,
    ...extra,
  };
  return { get: (key) => values[key] };
}

function inputs(): CredentialInputs {
  return {
    ...conn(),
    name: unique("conn-cred"),
    provider: "openai",
    values: { api_key: "sk-connection-test-0123456789" },
    owner: "litellm-stack/contract/connection",
  };
}

async function exists(name: string): Promise<boolean> {
  const res = await admin("GET", `/credentials/by_name/${encodeURIComponent(name)}`);
  return res.status === 200;
}

afterEach(async () => {
  await configure({ get: () => undefined });
});

describe("admin connection of the current program", () => {
  it("deletes through the current address when the stored port is dead", async () => {
    const { id, outs } = await credential.create(inputs());
    expect(await exists(id)).toBe(true);
    await configure(currentConfig());
    const dead = `http://127.0.0.1:${await freePort()}`;
    await credential.delete(id, { ...outs, adminUrl: dead });
    expect(await exists(id)).toBe(false);
  });

  it("deletes with the current master key when the stored one is refused", async () => {
    const { id, outs } = await credential.create(inputs());
    await configure(currentConfig({ "litellm-stack:masterKey": gateway().masterKey }));
    await credential.delete(id, { ...outs, adminKey: "sk-a-key-the-gateway-refuses-0000" });
    expect(await exists(id)).toBe(false);
  });

  it("reads through the current address when the stored port is dead, and the stored one first otherwise", async () => {
    const { id, outs } = await credential.create(inputs());
    try {
      await configure(currentConfig());
      const dead = `http://127.0.0.1:${await freePort()}`;
      const read = await credential.read(id, { ...outs, adminUrl: dead });
      expect(read.id).toBe(id);
      expect(read.props.adminUrl).toBe(gateway().url);
    } finally {
      await credential.delete(id, outs);
    }
  });

  it("without a current connection (no config, e.g. a library project) a dead stored port fails with the one-line message", async () => {
    const { id, outs } = await credential.create(inputs());
    try {
      const dead = `http://127.0.0.1:${await freePort()}`;
      await expect(credential.delete(id, { ...outs, adminUrl: dead })).rejects.toThrow(
        `LiteLLM gateway at ${dead} does not answer`,
      );
      expect(await exists(id)).toBe(true);
    } finally {
      await credential.delete(id, outs);
    }
  });
});
