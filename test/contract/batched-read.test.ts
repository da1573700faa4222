/**
 * Reads that arrive together (a refresh) are answered by one listing per kind
 * (components/admin/impl/batch.ts), on the real gateway: the outputs are the same as each
 * object's own read, the gateway sees one list call per kind instead of one call per object, and
 * an object deleted by hand is still read as gone (its own call finds it missing).
 */
import { describe, expect, it } from "vitest";
import {
  credential,
  model,
  virtualKey,
  type CredentialInputs,
  type KeyInputs,
} from "../../components/admin/impl";
import { admin, conn, modelInputs, unique, useFaultProxy, useTuning } from "./helpers";

useTuning();
const faults = useFaultProxy();

const COUNT = 4;

function credentialInputs(i: number): CredentialInputs {
  const name = unique(`batch-cred-${i}`);
  return {
    ...conn(faults.proxy.url),
    name,
    provider: "openai",
    owner: `litellm-stack/contract/batch-${name}`,
    values: { api_key: `sk-provider-secret-000${i}`, api_base: "https://api.example.invalid/v1" },
  };
}

function keyInputs(i: number): KeyInputs {
  const alias = unique(`batch-key-${i}`);
  return {
    ...conn(faults.proxy.url),
    owner: `contract/${alias}`,
    alias,
    models: [],
    duration: "30d",
    maxBudget: 10 + i,
    rpmLimit: 60,
    metadata: { team: `t${i}` },
  };
}

/** Reads of `ids` one after the other (each alone: its own call), then all at once (batched). */
async function bothWays<P>(
  ids: string[],
  outs: P[],
  read: (id: string, props: P) => Promise<{ id: string; props: P }>,
): Promise<{ alone: Array<{ id: string; props: P }>; together: Array<{ id: string; props: P }> }> {
  const alone: Array<{ id: string; props: P }> = [];
  for (const [i, id] of ids.entries()) {
    alone.push(await read(id, outs[i] as P));
  }
  faults.proxy.resetRequests();
  const together = await Promise.all(ids.map((id, i) => read(id, outs[i] as P)));
  return { alone, together };
}

/** The admin GETs the proxy saw since the last reset, by path (health probes apart). */
function gets(): string[] {
  return faults.proxy
    .requests()
    .filter((r) => r.method === "GET" && !r.path.startsWith("/health"))
    .map((r) => r.path);
}

/** One kind's provider calls, as the test uses them. */
interface Kind<P> {
  create(i: number): Promise<{ id: string; outs: P }>;
  read(id: string, props: P): Promise<{ id: string; props: P }>;
  delete(id: string, props: P): Promise<void>;
  /** The listing that answers a batch. */
  listing: string;
  /** Deletes the object by hand, as an operator would: the HTTP status. */
  deleteByHand: (id: string) => Promise<number>;
}

const kinds: Array<[string, Kind<never>]> = [
  [
    "virtual keys",
    {
      create: (i) => virtualKey.create(keyInputs(i)),
      read: (id, p) => virtualKey.read(id, p),
      delete: (id, p) => virtualKey.delete(id, p),
      listing: "/key/list",
      deleteByHand: async (id) => (await admin("POST", "/key/delete", { keys: [id] })).status,
    },
  ],
  [
    "model aliases",
    {
      create: (i) =>
        model.create(
          modelInputs(
            `Batch ${i}`,
            { temperature: 0.1 * i, mock_response: "batched" },
            conn(faults.proxy.url),
          ),
        ),
      read: (id, p) => model.read(id, p),
      delete: (id, p) => model.delete(id, p),
      listing: "/model/info",
      // A model this fresh is read as gone after the visibility grace (10 s in this suite).
      deleteByHand: async (id) => (await admin("POST", "/model/delete", { id })).status,
    },
  ],
  [
    "credentials",
    {
      create: (i) => credential.create(credentialInputs(i)),
      read: (id, p) => credential.read(id, p),
      delete: (id, p) => credential.delete(id, p),
      listing: "/credentials",
      deleteByHand: async (id) =>
        (await admin("DELETE", `/credentials/${encodeURIComponent(id)}`)).status,
    },
  ],
] as Array<[string, Kind<never>]>;

describe("reads that arrive together, on the real gateway", () => {
  it.each(kinds)(
    "%s: one listing answers them with the outputs of their own reads, and one deleted by hand still reads as gone",
    async (_name, kind) => {
      const created = await Promise.all(Array.from({ length: COUNT }, (_, i) => kind.create(i)));
      const ids = created.map((c) => c.id);
      const outs = created.map((c) => c.outs);
      try {
        const { alone, together } = await bothWays(ids, outs, (id, p) => kind.read(id, p));
        expect(together).toEqual(alone);
        expect(together.map((r) => r.id)).toEqual(ids);
        expect(gets()).toEqual([kind.listing]);
        expect(await kind.deleteByHand(ids[0] as string)).toBe(200);
        const after = await Promise.all(ids.map((id, i) => kind.read(id, outs[i] as never)));
        expect(after.map((r) => r.id)).toEqual(["", ...ids.slice(1)]);
      } finally {
        await Promise.all(ids.map((id, i) => kind.delete(id, outs[i] as never)));
      }
    },
  );
});
