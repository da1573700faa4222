import { describe, expect, it } from "vitest";
import {
  BackupFormatError,
  parseHeader,
  saltFingerprint,
  serializeHeader,
  type BackupHeader,
} from "../../backup/format";

const header: BackupHeader = {
  format: 1,
  stack: "dev",
  created: "2026-12-03T07:00:00.000Z",
  litellmVersion: "1.108.14",
  postgresVersion: "15.8",
  counts: { LiteLLM_VerificationToken: 3, LiteLLM_ProxyModelTable: 1, LiteLLM_CredentialsTable: 1 },
  saltFingerprint: saltFingerprint("a-salt-key-of-sixteen+"),
};

const dump = Buffer.from("PGDMP\x01\x0e\x00rest of the archive", "latin1");
const file = (text: string): Buffer => Buffer.concat([Buffer.from(text), dump]);
const message = (start: Buffer): string => {
  try {
    parseHeader("b.litellm-backup", start);
  } catch (err) {
    expect(err).toBeInstanceOf(BackupFormatError);
    return (err as Error).message;
  }
  throw new Error("parsed");
};

describe("backup header", () => {
  it("round-trips, and the dump starts right after the newline", () => {
    const start = Buffer.concat([serializeHeader(header), dump]);
    const { header: parsed, offset } = parseHeader("b.litellm-backup", start);
    expect(parsed).toEqual(header);
    expect(start.subarray(offset)).toEqual(dump);
    expect(start.toString("utf8").startsWith("litellm-stack-backup {")).toBe(true);
  });

  it("stores the salt key as its sha256 fingerprint only", () => {
    const text = serializeHeader(header).toString("utf8");
    expect(text).not.toContain("a-salt-key-of-sixteen+");
    expect(header.saltFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a file that is not a backup", () => {
    expect(message(Buffer.from("PGDMP..."))).toBe(
      'b.litellm-backup: not a litellm-stack backup (it does not start with "litellm-stack-backup "). Fix: pass a file written by npm run backup (--from FILE)',
    );
  });

  it("refuses a header line without an end", () => {
    expect(message(Buffer.from('litellm-stack-backup {"format":1'))).toBe(
      "b.litellm-backup: the header line has no end within 65536 bytes (the file is truncated or damaged). Fix: pass a file written by npm run backup (--from FILE)",
    );
  });

  it("refuses a header that is not JSON", () => {
    expect(message(file("litellm-stack-backup {nope\n"))).toMatch(
      /^b\.litellm-backup: the header is not JSON \(.+\)\. Fix: pass a file written by npm run backup \(--from FILE\)$/,
    );
  });

  it("refuses another format version", () => {
    expect(
      message(file(`litellm-stack-backup ${JSON.stringify({ ...header, format: 2 })}\n`)),
    ).toBe(
      "b.litellm-backup: backup format 2 is not one this litellm-stack reads (it reads format 1). Fix: restore it with the litellm-stack version that wrote it, or a newer one",
    );
  });

  it("refuses an invalid header, naming the fields", () => {
    const bad = {
      ...header,
      saltFingerprint: "xyz",
      counts: { ...header.counts, LiteLLM_CredentialsTable: -1 },
    };
    expect(message(file(`litellm-stack-backup ${JSON.stringify(bad)}\n`))).toBe(
      "b.litellm-backup: the header is invalid (counts.LiteLLM_CredentialsTable: Too small: expected number to be >=0; saltFingerprint: must be 64 lowercase hex digits). Fix: pass a file written by npm run backup (--from FILE)",
    );
  });

  it("refuses a header without a dump after it", () => {
    expect(message(serializeHeader(header))).toBe(
      "b.litellm-backup: no pg_dump custom-format archive follows the header (the file is truncated or damaged). Fix: pass a file written by npm run backup (--from FILE)",
    );
  });
});
