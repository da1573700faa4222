/**
 * What `npm run doctor` prints: one line per check (`PASS <check>`, `FAIL <check>: <problem>.
 * Fix: <fix>`, `SKIP <check>: <reason>`), a failed container's last log lines indented under its
 * line, and every known secret replaced by `[secret]` in all of it. Pure functions: no I/O.
 */

/** What replaces a secret in printed text. */
export const MASK = "[secret]";

/** Log lines printed under a failed check about a container. */
export const LOG_LINES = 20;

/** Indentation of those log lines. */
const INDENT = "    ";

/** Secrets shorter than this are not masked (every secret of a stack is longer; "" never is). */
const MIN_SECRET_LENGTH = 4;

/** Terminal colour and cursor sequences (LiteLLM colours its log). */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;

/** Control characters other than tab (a log line could move the cursor or clear the screen). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * `text` with every occurrence of each secret (and of its URL-encoded form, as in a
 * DATABASE_URL) replaced by {@link MASK}; the longest secrets first, so a secret that contains
 * another is masked whole.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) {
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
    }
  }
  let masked = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    masked = masked.split(form).join(MASK);
  }
  return masked;
}

/** The outcome of one check, as {@link formatLine} prints it. */
export type LineResult =
  { ok: true; detail?: string | undefined } | { ok: false; problem: string; fix: string };

/**
 * The line of one check, secrets masked: `PASS <check>`, `PASS <check> (<detail>)`, or
 * `FAIL <check>: <problem>. Fix: <fix>`.
 */
export function formatLine(check: string, result: LineResult, secrets: Iterable<string>): string {
  const line = result.ok
    ? `PASS ${check}${result.detail === undefined ? "" : ` (${result.detail})`}`
    : `FAIL ${check}: ${result.problem}. Fix: ${result.fix}`;
  return maskSecrets(oneLine(line), secrets);
}

/** The line of a check that did not run: `SKIP <check>: <reason>`. */
export function skipLine(check: string, reason: string): string {
  return `SKIP ${check}: ${oneLine(reason)}`;
}

/**
 * A container's log as printed under a failed check: its last {@link LOG_LINES} lines, colour
 * codes and control characters removed, each indented by 4 spaces, secrets masked.
 */
export function formatLog(log: string, secrets: Iterable<string>): string[] {
  const lines = log
    .replace(ANSI, "")
    .split(/\r?\n/)
    .map((l) => l.replace(CONTROL, "").trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === "") {
    lines.pop();
  }
  const tail = lines.slice(-LOG_LINES);
  if (tail.length === 0) {
    return [`${INDENT}(its log is empty)`];
  }
  return tail.map((l) => maskSecrets(`${INDENT}${l}`, secrets));
}

/** The first non-empty line of a command's output, trimmed (for an error message), or "". */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? ""
  );
}

/** `text` on one line: line breaks and control characters become spaces. */
function oneLine(text: string): string {
  return text
    .replace(ANSI, "")
    .replace(/[\r\n]+/g, " ")
    .replace(CONTROL, " ");
}
