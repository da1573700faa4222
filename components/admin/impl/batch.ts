/**
 * Reads that arrive together are answered by one listing. A refresh (`npm run up`, `npm run
 * drift`, `npm run preview`) reads every admin object of the stack; the engine hands the reads
 * to the provider as many at a time as its parallelism allows (`up`: Pulumi's default, 8 here;
 * `drift` and `preview`: cli/command.ts PREVIEW_PARALLEL, all of them). Reads of one kind at one
 * gateway that follow each other by less than {@link BATCH_QUIET_MS} (for at most
 * {@link BATCH_MAX_WAIT_MS}), when there are at least {@link BATCH_MIN} of them, are answered
 * from a listing of that kind made after the last of them arrived, so that it is as recent as
 * the reads it replaces. A row the listing does not hold, a listing that fails, or one that
 * would cost more calls than the reads themselves, leaves each read to its own call, which keeps
 * every rule of the single read (a key deleted, a model not yet visible on this pod, an error to
 * report). No caching: nothing outlives the batch. Measured at N=300 admin objects: a drift made
 * 35 to 58 gateway reads instead of 304, a no-op up 71 to 84 instead of 300 (docs/benchmarks.md).
 */
import type { AdminClient } from "../client";
import { sha256 } from "./shared";

/** A batch closes when no read joined it for this long. */
export const BATCH_QUIET_MS = 10;

/** A batch closes at the latest this long after its first read. */
export const BATCH_MAX_WAIT_MS = 250;

/** The fewest reads of one kind at one gateway that a listing answers. */
export const BATCH_MIN = 3;

/** How one kind is listed: every row by its id, or undefined when listing is not worth it. */
export interface Listing<Row> {
  /** The kind, for the batch key (`key`, `model`, `credential`). */
  kind: string;
  /**
   * Every row by id, for `wanted` reads; undefined when the listing would take more calls than
   * `wanted` single reads (a gateway holding far more objects than the stack reads).
   */
  list(client: AdminClient, wanted: number): Promise<Map<string, Row> | undefined>;
}

interface Waiting<Row> {
  id: string;
  client: AdminClient;
  resolve(row: Row | undefined): void;
}

interface Batch<Row> {
  listing: Listing<Row>;
  waiting: Array<Waiting<Row>>;
  /** When its first read arrived (ms since the epoch). */
  opened: number;
  timer?: NodeJS.Timeout;
}

const open = new Map<string, Batch<unknown>>();

/** What a batched read found: the listed row, or `undefined` to read the object on its own. */
async function listed<Row>(batch: Batch<Row>): Promise<Map<string, Row> | undefined> {
  const first = batch.waiting[0];
  if (first === undefined || batch.waiting.length < BATCH_MIN) {
    return undefined;
  }
  try {
    return await batch.listing.list(first.client, batch.waiting.length);
  } catch {
    // Each read then makes its own call, and reports its own error.
    return undefined;
  }
}

/**
 * The row of `id` from a listing shared with the reads of the same kind at the same gateway that
 * arrive with it; undefined when no listing answered it (the caller then reads it on its own).
 */
export function batchedRow<Row>(
  listing: Listing<Row>,
  conn: { adminUrl: string; adminKey: string },
  client: AdminClient,
  id: string,
): Promise<Row | undefined> {
  const key = `${listing.kind}\n${conn.adminUrl}\n${sha256(conn.adminKey)}`;
  return new Promise((resolve) => {
    let batch = open.get(key) as Batch<Row> | undefined;
    if (batch === undefined) {
      batch = { listing, waiting: [], opened: Date.now() };
      open.set(key, batch as Batch<unknown>);
    }
    const current = batch;
    current.waiting.push({ id, client, resolve });
    clearTimeout(current.timer);
    const wait = Math.min(BATCH_QUIET_MS, current.opened + BATCH_MAX_WAIT_MS - Date.now());
    current.timer = setTimeout(
      () => {
        open.delete(key);
        void listed(current).then((rows) => {
          for (const w of current.waiting) {
            w.resolve(rows?.get(w.id));
          }
        });
      },
      Math.max(0, wait),
    );
  });
}
