/**
 * batchedRow (components/admin/impl/batch.ts): reads that arrive together share one listing;
 * a read alone, a row the listing lacks, a failed or refused listing leave each read to its own
 * call (undefined). A stand-in listing counts its calls; no gateway.
 */
import { describe, expect, it } from "vitest";
import type { AdminClient } from "../../components/admin/client";
import {
  BATCH_MAX_WAIT_MS,
  BATCH_MIN,
  BATCH_QUIET_MS,
  batchedRow,
  type Listing,
} from "../../components/admin/impl/batch";

const client = {} as AdminClient;
const conn = { adminUrl: "http://127.0.0.1:9", adminKey: "sk-test" };

/** A listing of `rows` that counts its calls and remembers how many reads each one served. */
function counting(
  rows: Record<string, string>,
  behaviour: "list" | "fail" | "refuse" = "list",
  kind = "key",
): Listing<string> & { calls: number[] } {
  const calls: number[] = [];
  return {
    kind,
    calls,
    async list(_client, wanted) {
      calls.push(wanted);
      if (behaviour === "fail") {
        throw new Error("listing failed");
      }
      return behaviour === "refuse" ? undefined : new Map(Object.entries(rows));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `id-${i}`);

describe("batchedRow", () => {
  it("answers reads that arrive together from one listing", async () => {
    const listing = counting(Object.fromEntries(ids(5).map((id) => [id, `row of ${id}`])));
    const rows = await Promise.all(ids(5).map((id) => batchedRow(listing, conn, client, id)));
    expect(rows).toEqual(ids(5).map((id) => `row of ${id}`));
    expect(listing.calls).toEqual([5]);
  });

  it(`leaves fewer than ${BATCH_MIN} reads to their own calls (no listing)`, async () => {
    const listing = counting({ "id-0": "row" });
    const rows = await Promise.all(
      ids(BATCH_MIN - 1).map((id) => batchedRow(listing, conn, client, id)),
    );
    expect(rows).toEqual(ids(BATCH_MIN - 1).map(() => undefined));
    expect(listing.calls).toEqual([]);
  });

  it("leaves a row the listing lacks (deleted by hand) to its own read", async () => {
    const listing = counting({ "id-0": "a", "id-1": "b" });
    const rows = await Promise.all(ids(3).map((id) => batchedRow(listing, conn, client, id)));
    expect(rows).toEqual(["a", "b", undefined]);
  });

  it.each([
    ["fails", "fail"],
    ["is not worth it", "refuse"],
  ] as const)("leaves every read to its own call when the listing %s", async (_what, how) => {
    const listing = counting({ "id-0": "a" }, how);
    const rows = await Promise.all(ids(4).map((id) => batchedRow(listing, conn, client, id)));
    expect(rows).toEqual([undefined, undefined, undefined, undefined]);
    expect(listing.calls).toEqual([4]);
  });

  it("lists again for a later batch (nothing outlives its batch)", async () => {
    const rows: Record<string, string> = { "id-0": "a", "id-1": "b", "id-2": "c" };
    const listing = counting(rows);
    await Promise.all(ids(3).map((id) => batchedRow(listing, conn, client, id)));
    const later = await Promise.all(ids(3).map((id) => batchedRow(listing, conn, client, id)));
    expect(later).toEqual(["a", "b", "c"]);
    expect(listing.calls).toEqual([3, 3]);
  });

  it("takes in reads that follow each other closely (the engine hands them over a few at a time)", async () => {
    const listing = counting(Object.fromEntries(ids(6).map((id) => [id, id])));
    const reads: Array<Promise<string | undefined>> = [];
    for (const id of ids(6)) {
      reads.push(batchedRow(listing, conn, client, id));
      await sleep(BATCH_QUIET_MS / 4);
    }
    expect(await Promise.all(reads)).toEqual(ids(6));
    expect(listing.calls).toEqual([6]);
  });

  it("starts a new batch after a quiet gap, and closes a batch that keeps growing at the latest wait", async () => {
    const listing = counting(Object.fromEntries(ids(200).map((id) => [id, id])));
    const first = ids(3).map((id) => batchedRow(listing, conn, client, id));
    await sleep(BATCH_QUIET_MS * 3);
    const second = ids(3).map((id) => batchedRow(listing, conn, client, id));
    await Promise.all([...first, ...second]);
    expect(listing.calls).toEqual([3, 3]);

    const stream = counting(Object.fromEntries(ids(200).map((id) => [id, id])));
    const started = Date.now();
    const reads: Array<Promise<string | undefined>> = [];
    for (let i = 0; Date.now() - started < BATCH_MAX_WAIT_MS * 1.6; i++) {
      reads.push(batchedRow(stream, conn, client, `id-${i % 200}`));
      await sleep(BATCH_QUIET_MS / 4);
    }
    await Promise.all(reads);
    expect(stream.calls.length).toBeGreaterThanOrEqual(2);
    expect(stream.calls.reduce((a, b) => a + b, 0)).toBe(reads.length);
  });

  it("keeps kinds and gateways apart", async () => {
    const keys = counting({ "id-0": "key" }, "list", "key");
    const models = counting({ "id-0": "model" }, "list", "model");
    const other = { adminUrl: "http://127.0.0.1:10", adminKey: "sk-test" };
    await Promise.all([
      ...ids(3).map((id) => batchedRow(keys, conn, client, id)),
      ...ids(3).map((id) => batchedRow(models, conn, client, id)),
      ...ids(3).map((id) => batchedRow(keys, other, client, id)),
    ]);
    expect(keys.calls).toEqual([3, 3]);
    expect(models.calls).toEqual([3]);
  });
});
