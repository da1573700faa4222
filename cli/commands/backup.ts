/** `npm run backup` / `npm run restore`: the gateway database of a stack, to a file and back. */
import { mkdirSync, promises as fs } from "node:fs";
import path from "node:path";
import { dumpTo, postgresVersion, restoreFrom, rowCounts } from "../../backup/database";
import {
  MAX_HEADER_BYTES,
  parseHeader,
  saltFingerprint,
  serializeHeader,
  type BackupHeader,
} from "../../backup/format";
import { stackGateway } from "../../backup/gateway";
import { compareVersions, parseVersion } from "../../version-policy/policy";
import type { Command } from "../command";
import { docker, waitHealthy } from "../docker";
import { readinessText, waitReadiness } from "../readiness";
import { CliError, EXIT, log } from "../report";

/** How long restore waits for the restarted gateway's /health/readiness. */
const READY_TIMEOUT_S = 300;

/** `backups/<stack>-<UTC timestamp>.litellm-backup` under the current directory. */
export function defaultBackupFile(stack: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return path.join(process.cwd(), "backups", `${stack}-${stamp}.litellm-backup`);
}

const countsText = (c: BackupHeader["counts"]): string =>
  `${c.LiteLLM_VerificationToken} virtual keys, ${c.LiteLLM_ProxyModelTable} model aliases, ${c.LiteLLM_CredentialsTable} credentials`;

/** Waits until the restarted gateway is ready (its database connected). */
async function waitRestored(baseUrl: string | undefined, name: string): Promise<void> {
  const state =
    baseUrl === undefined ? "down" : await waitReadiness(baseUrl, READY_TIMEOUT_S, 2000);
  if (state !== "ok") {
    throw new CliError(
      `the gateway ${name} was not ready within ${READY_TIMEOUT_S} s after the restore (${baseUrl ?? "no published port"}/health/readiness: it ${readinessText(state)}). Fix: npm run doctor`,
    );
  }
}

/** `npm run backup`. */
export const backup: Command = {
  name: "backup",
  summary: "Writes a consistent pg_dump of the stack's gateway database to a file (mode 0600).",
  details: `
The file is one header line (format version, stack, time, LiteLLM and Postgres versions, row
counts, the sha256 fingerprint of the salt key; no secret) followed by pg_dump --format=custom,
run inside the stack's database container. Credential values in it are encrypted with the
stack's salt key: keep the salt key too (docs/backup.md). Default --out:
backups/<stack>-<UTC time>.litellm-backup under the current directory (created 0700). An
existing file is never overwritten.`,
  flags: {
    out: { type: "string", value: "FILE", help: "the backup file to write (must not exist)" },
  },
  async run(target, flags) {
    const out =
      typeof flags["out"] === "string"
        ? path.resolve(flags["out"])
        : defaultBackupFile(target.stack, new Date());
    if (typeof flags["out"] !== "string") {
      mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
    }
    const gw = await stackGateway(target.stack);
    const counts = await rowCounts(gw.db);
    const header = serializeHeader({
      format: 1,
      stack: target.stack,
      created: new Date().toISOString(),
      litellmVersion: gw.litellmVersion,
      postgresVersion: await postgresVersion(gw.db),
      counts,
      saltFingerprint: saltFingerprint(gw.saltKey),
    });
    await dumpTo(gw.db, out, header);
    log(`wrote ${out} (mode 0600): ${countsText(counts)}`);
    log("restoring it needs this stack's salt key too (docs/backup.md)");
    return EXIT.ok;
  },
};

/** `npm run restore`. */
export const restore: Command = {
  name: "restore",
  summary: "Loads a backup file into the stack's gateway database (salt key and version checked).",
  details: `
Checks before touching the database: the file's header, that the target gateway's salt key is
the one of the backup (else its credentials would not decrypt), and that the target runs the
backup's LiteLLM version or a newer one. Then it stops the gateway, replaces the database's
contents with pg_restore --clean --single-transaction (all or nothing), starts the gateway again
and waits for /health/readiness, also when pg_restore failed. docs/backup.md.`,
  flags: {
    from: { type: "string", value: "FILE", help: "the backup file (written by npm run backup)" },
  },
  async run(target, flags) {
    const from = flags["from"];
    if (typeof from !== "string") {
      throw new CliError("--from FILE is required (npm run restore -- --help)", EXIT.usage);
    }
    const fd = await fs.open(from, "r").catch((err: Error) => {
      throw new CliError(`${from}: cannot be read (${err.message})`);
    });
    const start = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await fd.read(start, 0, MAX_HEADER_BYTES, 0);
    await fd.close();
    const { header, offset } = parseHeader(from, start.subarray(0, bytesRead));
    const gw = await stackGateway(target.stack);
    if (saltFingerprint(gw.saltKey) !== header.saltFingerprint) {
      throw new CliError(
        `${from} was taken from stack '${header.stack}', whose salt key differs from the salt key of stack '${target.stack}': the restored credentials would not decrypt. Nothing was changed. Fix: set the target's salt key to the source's (npm run pulumi -- config set --stack ${target.stack} --secret litellm-stack:saltKey, value from stdin) and npm run pulumi -- config set --stack ${target.stack} litellm-stack:allowSaltKeyChange true, then npm run up -- --stack ${target.stack} and restore again (docs/backup.md)`,
      );
    }
    const have = parseVersion(gw.litellmVersion);
    const want = parseVersion(header.litellmVersion);
    if (have !== undefined && want !== undefined && compareVersions(have, want) < 0) {
      throw new CliError(
        `${from} was taken from LiteLLM ${header.litellmVersion}; stack '${target.stack}' runs the older ${gw.litellmVersion}, which may not read its schema. Nothing was changed. Fix: upgrade the target to ${header.litellmVersion} or newer (docs/upgrade.md), then restore`,
      );
    }
    log(
      `restoring ${from} (stack '${header.stack}', ${header.created}): ${countsText(header.counts)}`,
    );
    log(`stopping ${gw.gateway.name}`);
    const stop = await docker(["stop", gw.gateway.id]);
    if (stop.code !== 0) {
      throw new CliError(`docker stop ${gw.gateway.name} failed: ${stop.stderr.trim()}`);
    }
    try {
      await restoreFrom(gw.db, from, offset);
    } finally {
      const started = await docker(["start", gw.gateway.id]);
      if (started.code !== 0) {
        throw new CliError(`docker start ${gw.gateway.name} failed: ${started.stderr.trim()}`);
      }
      log(`started ${gw.gateway.name}; waiting for /health/readiness`);
      await waitHealthy(gw.gateway, READY_TIMEOUT_S).catch(() => undefined);
      await waitRestored(gw.baseUrl, gw.gateway.name);
    }
    log(`restored into stack '${target.stack}': ${countsText(await rowCounts(gw.db))}`);
    return EXIT.ok;
  },
};
