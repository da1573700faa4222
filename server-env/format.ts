/**
 * Renders the env document that `npm run env` writes for the consuming server, as a dotenv file,
 * a POSIX shell script of `export`s, or JSON. The dotenv rendering is built by verification: every
 * quoted value is parsed back with the `dotenv` package before it is emitted, so what is written
 * is what `dotenv` reads. Values are secrets: no error message here ever holds one.
 */
import dotenv from "dotenv";

/** The formats {@link renderEnv} writes. */
export const ENV_FORMATS = ["dotenv", "shell", "json"] as const;

/** One of {@link ENV_FORMATS}. */
export type EnvFormat = (typeof ENV_FORMATS)[number];

/** An env document that cannot be written in the asked format; the message names the key only. */
export class EnvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvFormatError";
  }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const PLAIN_VALUE = /^[A-Za-z0-9_./:@%+,=-]*$/;
/** Line terminators of either dotenv parser (its fast parser also ends comments at U+2028/9). */
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/;

/**
 * Whether `value` is written unquoted in dotenv format: only `[A-Za-z0-9_./:@%+,=-]`, or empty.
 * Such a line also works with `docker run --env-file`, which takes everything after `=` literally
 * (so a quoted value would reach the container with its quotes).
 */
export function isPlainValue(value: string): boolean {
  return PLAIN_VALUE.test(value);
}

/**
 * Renders `env` in `format`, keys in the order given, ending with a newline.
 *
 * - `dotenv`: `header` lines as `# ...` comments, then `KEY=value` lines; plain values
 *   ({@link isPlainValue}) unquoted, others in the first of single quotes, double quotes (newline
 *   and CR as `\n`/`\r`) or backticks that `dotenv.parse` reads back unchanged, preferring a quote
 *   the value does not contain.
 * - `shell`: `header` lines as comments, then `export KEY='...'` lines, for `. file` in sh/bash.
 * - `json`: `JSON.stringify(env, null, 2)` (no header: JSON has no comments).
 *
 * @throws EnvFormatError for a key that is not an env name, a value that no dotenv quoting
 *   round-trips, or a value holding NUL (which no shell variable can) in shell format.
 */
export function renderEnv(
  env: Readonly<Record<string, string>>,
  format: EnvFormat,
  header: readonly string[] = [],
): string {
  const entries = Object.entries(env);
  for (const [key] of entries) {
    if (!ENV_NAME.test(key)) {
      throw new EnvFormatError(
        `${JSON.stringify(key)} is not an env name (it must match ${ENV_NAME.source})`,
      );
    }
  }
  switch (format) {
    case "dotenv":
      return renderDotenv(env, entries, header);
    case "shell":
      return renderShell(entries, header);
    case "json":
      return `${JSON.stringify(env, null, 2)}\n`;
  }
}

/** `header` as comment lines, each header line split on line breaks so none escapes its `#`. */
function commentLines(header: readonly string[]): string[] {
  return header
    .flatMap((line) => line.split(LINE_BREAKS))
    .map((line) => (line === "" ? "#" : `# ${line}`));
}

/** Whether both of dotenv's parsers (the default and `fast`) read `text` as exactly `expected`. */
function dotenvReads(text: string, expected: Readonly<Record<string, string>>): boolean {
  return [dotenv.parse(text), dotenv.parse(text, { fast: true })].every((parsed) => {
    const keys = Object.keys(parsed);
    return (
      keys.length === Object.keys(expected).length &&
      keys.every((k) => Object.hasOwn(expected, k) && parsed[k] === expected[k])
    );
  });
}

/** The `KEY=...` line for one value: the first candidate that dotenv reads back as `value`. */
function dotenvLine(key: string, value: string): string {
  const doubleQuoted = `"${value.replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
  const candidates = [
    ...(isPlainValue(value) ? [value] : []),
    // Quotes the value does not contain first (a plainly correct line to people and to other
    // dotenv readers); the rest round-trip only through dotenv's strip-one-outer-pair fallback.
    ...[`'${value}'`, doubleQuoted, `\`${value}\``].sort(
      (a, b) => Number(value.includes(a[0] ?? "")) - Number(value.includes(b[0] ?? "")),
    ),
  ];
  for (const candidate of candidates) {
    const line = `${key}=${candidate}`;
    // One line per key (dotenv's multi-line quotes would not survive line-based readers).
    if (!/[\r\n]/.test(line) && dotenvReads(line, { [key]: value })) {
      return line;
    }
  }
  throw new EnvFormatError(
    `the value of ${key} cannot be written in dotenv format (no quoting of it reads back ` +
      `unchanged with dotenv): use --format shell or --format json`,
  );
}

function renderDotenv(
  env: Readonly<Record<string, string>>,
  entries: readonly (readonly [string, string])[],
  header: readonly string[],
): string {
  const lines = [...commentLines(header), ...entries.map(([k, v]) => dotenvLine(k, v))];
  const text = `${lines.join("\n")}\n`;
  // Each line was verified alone; check the whole file too, so lines cannot run into each other.
  if (!dotenvReads(text, env)) {
    const parsed = dotenv.parse(text);
    const wrong = entries.find(([k, v]) => parsed[k] !== v)?.[0] ?? "a key";
    throw new EnvFormatError(
      `the value of ${wrong} cannot be written in dotenv format (the file does not read back ` +
        `unchanged with dotenv): use --format shell or --format json`,
    );
  }
  return text;
}

function renderShell(
  entries: readonly (readonly [string, string])[],
  header: readonly string[],
): string {
  const lines = entries.map(([key, value]) => {
    if (value.includes("\0")) {
      throw new EnvFormatError(
        `the value of ${key} holds a NUL character, which no shell variable can: use --format json`,
      );
    }
    return `export ${key}='${value.replace(/'/g, "'\\''")}'`;
  });
  return `${[...commentLines(header), ...lines].join("\n")}\n`;
}
