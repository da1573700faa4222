/**
 * The backup file: one header line `litellm-stack-backup <json>\n` (what restoring needs to
 * check first) followed by the raw bytes of `pg_dump --format=custom` of the gateway database.
 * The header holds no secret: the salt key is there only as its sha256 fingerprint.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

/** The first word of every backup file. */
export const MAGIC = "litellm-stack-backup";

/** The longest header line read before giving up (the header is a few hundred bytes). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The tables whose row counts the header records (and restore prints). */
export const COUNTED_TABLES = [
  "LiteLLM_VerificationToken",
  "LiteLLM_ProxyModelTable",
  "LiteLLM_CredentialsTable",
] as const;

const count = z.number().int().nonnegative();

/** The header of a backup file (format version 1). */
export const headerSchema = z.object({
  format: z.literal(1),
  stack: z.string().min(1),
  created: z.iso.datetime(),
  litellmVersion: z.string().min(1),
  postgresVersion: z.string().min(1),
  counts: z.object({
    LiteLLM_VerificationToken: count,
    LiteLLM_ProxyModelTable: count,
    LiteLLM_CredentialsTable: count,
  }),
  saltFingerprint: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
});

/** The parsed header. */
export type BackupHeader = z.output<typeof headerSchema>;

/** A backup file that cannot be read: names the file, the problem and the fix. */
export class BackupFormatError extends Error {
  readonly code = "BACKUP_FORMAT";
  constructor(message: string) {
    super(message);
    this.name = "BackupFormatError";
  }
}

/** The sha256 hex fingerprint of a salt key (what the header stores instead of the key). */
export const saltFingerprint = (saltKey: string): string =>
  createHash("sha256").update(saltKey, "utf8").digest("hex");

/** The header line, newline included. */
export function serializeHeader(header: BackupHeader): Buffer {
  return Buffer.from(`${MAGIC} ${JSON.stringify(headerSchema.parse(header))}\n`, "utf8");
}

const FIX = "Fix: pass a file written by npm run backup (--from FILE)";

/**
 * Parses the start of a backup file (`file` names it in errors): the header and the offset of
 * the dump's first byte.
 */
export function parseHeader(file: string, start: Buffer): { header: BackupHeader; offset: number } {
  const newline = start.indexOf(0x0a);
  if (!start.subarray(0, MAGIC.length + 1).equals(Buffer.from(`${MAGIC} `))) {
    throw new BackupFormatError(
      `${file}: not a litellm-stack backup (it does not start with "${MAGIC} "). ${FIX}`,
    );
  }
  if (newline < 0) {
    throw new BackupFormatError(
      `${file}: the header line has no end within ${MAX_HEADER_BYTES} bytes (the file is truncated or damaged). ${FIX}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(start.subarray(MAGIC.length + 1, newline).toString("utf8"));
  } catch (err) {
    throw new BackupFormatError(
      `${file}: the header is not JSON (${(err as Error).message}). ${FIX}`,
    );
  }
  const version = (json as { format?: unknown } | null)?.format;
  if (typeof version === "number" && version !== 1) {
    throw new BackupFormatError(
      `${file}: backup format ${version} is not one this litellm-stack reads (it reads format 1). Fix: restore it with the litellm-stack version that wrote it, or a newer one`,
    );
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(header)"}: ${i.message}`)
      .join("; ");
    throw new BackupFormatError(`${file}: the header is invalid (${problems}). ${FIX}`);
  }
  if (!start.subarray(newline + 1, newline + 6).equals(Buffer.from("PGDMP"))) {
    throw new BackupFormatError(
      `${file}: no pg_dump custom-format archive follows the header (the file is truncated or damaged). ${FIX}`,
    );
  }
  return { header: parsed.data, offset: newline + 1 };
}
