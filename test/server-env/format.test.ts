/**
 * renderEnv in its three formats against the readers they are for: dotenv files parsed back with
 * the `dotenv` package (both its default and its `fast` parser), shell files sourced by bash and
 * sh and read back from the environment of a child process, JSON with JSON.parse. A table of
 * tricky values (quotes, comments, backslashes, newlines) goes through each format.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import dotenv from "dotenv";
import { afterAll, describe, expect, it } from "vitest";
import {
  ENV_FORMATS,
  EnvFormatError,
  isPlainValue,
  renderEnv,
  type EnvFormat,
} from "../../server-env/format";

/** Values every format must carry unchanged: [what it is, value]. */
const TRICKY: readonly (readonly [string, string])[] = [
  ["empty", ""],
  ["spaces inside", "a b  c"],
  ["leading and trailing spaces", "  padded  "],
  ["leading and trailing tabs", "\tx\t"],
  ["hash", "a#b"],
  ["space hash, not a comment", "value # not a comment"],
  ["dollar variable", "$HOME"],
  ["dollar braces", "${X}"],
  ["single quote", "it's"],
  ["double quotes", 'say "hi"'],
  ["backtick", "a`b"],
  ["backslash", "a\\b"],
  ["trailing backslash", "abc\\"],
  ["backslash n as two characters", "a\\nb"],
  ["real newline", "line1\nline2"],
  ["CRLF", "line1\r\nline2"],
  ["lone CR", "a\rb"],
  ["equals signs", "a=b=c"],
  ["unicode", "héllo ☃ 日本 🔑"],
  ["unicode line separator", "a\u2028b"],
  ["both quote kinds and a newline", 'it\'s "quoted"\nnext line'],
  ["all three quote kinds", "'\"`"],
  ["single quote and a hash", "it's #1"],
  ["backslash before a quote", "a\\'b\\\"c"],
  ["long sk- key", `sk-${"A1b2C3d4".repeat(6)}`],
  ["URL", "http://127.0.0.1:4000"],
  ["URL with a query", "https://example.com/a?b=1&c=%20"],
];

/** Values no dotenv quoting can carry (dotenv has no escape for them): [what it is, value]. */
const NOT_DOTENV: readonly (readonly [string, string])[] = [
  ["backslash n as two characters and a real newline", "a\\nb\nc"],
  ["all three quote kinds and a space hash", "'\"` #"],
];

const keyOf = (i: number): string => `TRICKY_${String(i).padStart(2, "0")}`;
const TABLE_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  TRICKY.map(([, value], i) => [keyOf(i), value]),
);

/** Both of dotenv's parsers on `text`; they must agree. */
function parseDotenv(text: string): Record<string, string> {
  const parsed = dotenv.parse(text);
  expect(dotenv.parse(text, { fast: true })).toEqual(parsed);
  return parsed;
}

function renderError(env: Record<string, string>, format: EnvFormat): EnvFormatError {
  let error: unknown;
  try {
    renderEnv(env, format);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EnvFormatError);
  return error as EnvFormatError;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "server-env-format-"));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("renderEnv dotenv", () => {
  it.each(TRICKY.map(([what, value]) => [what, value] as const))(
    "%s reads back unchanged with dotenv.parse",
    (_what, value) => {
      const text = renderEnv({ SECRET: value }, "dotenv");
      expect(text.endsWith("\n")).toBe(true);
      expect(text.slice(0, -1)).not.toMatch(/[\r\n]/); // one line, whatever the value holds
      expect(parseDotenv(text)).toEqual({ SECRET: value });
    },
  );

  it("the whole table in one file reads back unchanged, keys in the given order", () => {
    const text = renderEnv(TABLE_ENV, "dotenv");
    expect(parseDotenv(text)).toEqual(TABLE_ENV);
    expect(text.split("\n").map((line) => line.split("=")[0])).toEqual([
      ...Object.keys(TABLE_ENV),
      "",
    ]);
  });

  it.each(NOT_DOTENV.map(([what, value]) => [what, value] as const))(
    "%s is refused with an EnvFormatError naming the key, not the value",
    (_what, value) => {
      const error = renderError({ API_SECRET: value }, "dotenv");
      expect(error.name).toBe("EnvFormatError");
      expect(error.message).toContain("API_SECRET");
      expect(error.message).toContain("cannot be written in dotenv format");
      expect(error.message).toContain("--format shell");
      expect(error.message).toContain("--format json");
      expect(error.message).not.toContain(value);
    },
  );

  it("writes plain values unquoted, so docker run --env-file reads them too", () => {
    const text = renderEnv({ LITELLM_BASE_URL: "http://127.0.0.1:4000", EMPTY: "" }, "dotenv");
    expect(text).toBe("LITELLM_BASE_URL=http://127.0.0.1:4000\nEMPTY=\n");
  });

  it("quotes with a quote the value does not hold, newlines and CRs as \\n and \\r", () => {
    expect(renderEnv({ A: "it's" }, "dotenv")).toBe(`A="it's"\n`);
    expect(renderEnv({ A: 'say "hi"' }, "dotenv")).toBe(`A='say "hi"'\n`);
    expect(renderEnv({ A: "a # b" }, "dotenv")).toBe("A='a # b'\n");
    expect(renderEnv({ A: "a\\nb" }, "dotenv")).toBe("A='a\\nb'\n");
    expect(renderEnv({ A: "l1\r\nl2" }, "dotenv")).toBe('A="l1\\r\\nl2"\n');
    expect(renderEnv({ A: `'"x` }, "dotenv")).toBe("A=`'\"x`\n");
  });

  it("writes header lines as comments that do not appear in the parse", () => {
    const header = ["Written by npm run env", "", "stack: dev\nINJECTED=1", "x\u2028ALSO=1"];
    const text = renderEnv({ A: "1" }, "dotenv", header);
    expect(text).toBe(
      "# Written by npm run env\n#\n# stack: dev\n# INJECTED=1\n# x\n# ALSO=1\nA=1\n",
    );
    expect(parseDotenv(text)).toEqual({ A: "1" });
  });
});

describe("isPlainValue", () => {
  it.each(["", "abc", "http://127.0.0.1:4000", "a=b", "x@y%z+1,2-3_4.5/6:7"])(
    "%j is plain",
    (value) => {
      expect(isPlainValue(value)).toBe(true);
    },
  );

  it.each([" ", "a b", "#", "it's", '"', "`", "$HOME", "a\\b", "a\nb", "é", "?", "&"])(
    "%j is not plain",
    (value) => {
      expect(isPlainValue(value)).toBe(false);
    },
  );
});

describe("renderEnv shell", () => {
  /** Sources `text` with `shell` and returns the env of a child process started from it. */
  function sourced(shell: string, text: string): NodeJS.ProcessEnv {
    const file = path.join(tmp, `env-${shell}.sh`);
    fs.writeFileSync(file, text);
    const script = "process.stdout.write(JSON.stringify(process.env))";
    const out = execFileSync(
      shell,
      ["-c", '. "$1" && exec "$2" -e "$3"', shell, file, process.execPath, script],
      {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"], // stdin a socket would make bash read ~/.bashrc
      },
    );
    return JSON.parse(out) as NodeJS.ProcessEnv;
  }

  it.each(["bash", "sh"])(
    "every table value round-trips exactly through `. file` in %s",
    (shell) => {
      const text = renderEnv(TABLE_ENV, "shell", ["header: not a command; $(false)", "x\ny"]);
      const env = sourced(shell, text);
      for (const [key, value] of Object.entries(TABLE_ENV)) {
        expect({ key, value: env[key] }).toEqual({ key, value });
      }
    },
  );

  it("also carries the values dotenv cannot", () => {
    const env = Object.fromEntries(NOT_DOTENV.map(([, value], i) => [keyOf(i), value]));
    const sourcedEnv = sourced("bash", renderEnv(env, "shell"));
    for (const [key, value] of Object.entries(env)) {
      expect(sourcedEnv[key]).toBe(value);
    }
  });

  it("writes header lines as comments (split at newlines), then export KEY='...' with ' as '\\''", () => {
    expect(renderEnv({ A: "it's", B: "" }, "shell", ["hello", "two\nlines"])).toBe(
      "# hello\n# two\n# lines\nexport A='it'\\''s'\nexport B=''\n",
    );
  });

  it("refuses a value holding NUL, naming the key but not the value", () => {
    const error = renderError({ NUL_SECRET: "top\0secret" }, "shell");
    expect(error.message).toContain("NUL_SECRET");
    expect(error.message).not.toContain("secret\0");
    expect(error.message).not.toContain("top");
  });
});

describe("renderEnv json", () => {
  it("round-trips the table and the values dotenv cannot with JSON.parse, ignoring the header", () => {
    const env = {
      ...TABLE_ENV,
      ...Object.fromEntries(NOT_DOTENV.map(([, v], i) => [`NOT_${i}`, v])),
    };
    const text = renderEnv(env, "json", ["no comments in JSON"]);
    expect(text).toBe(`${JSON.stringify(env, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(env);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(env));
  });
});

describe("renderEnv key names", () => {
  it("ENV_FORMATS lists the three formats", () => {
    expect(ENV_FORMATS).toEqual(["dotenv", "shell", "json"]);
  });

  const badKeys = ["lower", "Mixed_Case", "1LEADING_DIGIT", "A-B", "A B", "A=B", "", "A\nB", "É"];
  it.each(ENV_FORMATS.flatMap((format) => badKeys.map((key) => [format, key] as const)))(
    "%s refuses the key %j with an EnvFormatError naming it",
    (format, key) => {
      const error = renderError({ GOOD: "x", [key]: "secret-value" }, format);
      expect(error.message).toContain(JSON.stringify(key));
      expect(error.message).not.toContain("secret-value");
    },
  );

  it.each(ENV_FORMATS)("%s accepts names with digits and underscores", (format) => {
    expect(() => renderEnv({ _A1: "x", A_B_2: "y" }, format)).not.toThrow();
  });
});
