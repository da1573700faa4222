import type { OutputMap } from "@pulumi/pulumi/automation";
import {
  ENV_FORMATS,
  EnvFormatError,
  isPlainValue,
  renderEnv,
  type EnvFormat,
} from "../../server-env/format";
import { envDocumentProblems, isEnvName, SERVER_KEY_SETTINGS } from "../../server-env/rules";
import { EnvFileError, writeEnvFile } from "../../server-env/write";
import type { Command } from "../command";
import { CliError, EXIT, log } from "../report";
import { openStack } from "../workspace";

/** The order of the env document: the server's own variables first, then the virtual keys. */
const ORDER = [
  "LLM_PROVIDER",
  "LITELLM_BASE_URL",
  "LITELLM_MASTER_KEY",
  "LITELLM_MODELS",
  ...Object.values(SERVER_KEY_SETTINGS).map((s) => s.env),
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
];

const rank = (name: string): number => {
  const i = ORDER.indexOf(name);
  return i === -1 ? ORDER.length : i;
};

/**
 * The env document of a stack: its env outputs (upper-case names), secrets decrypted, checked
 * against the server's boot rules with the stack's declared aliases and keys. Problems are
 * errors naming the variable; secret values are never echoed.
 */
export function envDocument(stackName: string, outputs: OutputMap): Record<string, string> {
  if (outputs["LLM_PROVIDER"] === undefined) {
    throw new CliError(
      `stack '${stackName}' has no LLM_PROVIDER output: it was never deployed, or its last update failed. Fix: npm run up -- --stack ${stackName}`,
    );
  }
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const names = Object.keys(outputs)
    .filter(isEnvName)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const name of names) {
    const value = outputs[name]?.value;
    if (typeof value === "string") {
      env[name] = value;
    } else {
      problems.push(
        `${name}: is not a string (an output of an older litellm-stack); npm run up rewrites the outputs`,
      );
    }
  }
  const aliases = outputs["modelAliases"]?.value;
  const keys = outputs["virtualKeys"]?.value;
  problems.push(
    ...envDocumentProblems(env, {
      modelAliases: Array.isArray(aliases) ? aliases.map(String) : [],
      keyAliases: keys !== null && typeof keys === "object" ? Object.keys(keys) : [],
    }),
  );
  if (problems.length > 0) {
    throw new CliError(
      `the env of stack '${stackName}' would not pass the server's boot checks:\n${problems.map((p) => `  - ${p}`).join("\n")}\nFix: correct the stack's config (docs/outputs.md) and run npm run up -- --stack ${stackName}`,
    );
  }
  return env;
}

/** `npm run env`: the consuming server's env document, secrets decrypted. */
export const env: Command = {
  name: "env",
  summary: "Writes the consuming server's env (secrets decrypted) as dotenv, shell or JSON.",
  details: `
The document holds the stack's env outputs (docs/outputs.md), checked against the server's boot
rules first. Without --out it goes to stdout. With --out the file is created with mode 0600 and
replaced atomically; a file that npm run env did not write (or that was changed since) is not
overwritten unless --force is given. The files it wrote are recorded (by hash) in
$XDG_STATE_HOME/litellm-stack/env-files.json (default ~/.local/state).
Formats: dotenv (the default; values that need quotes are quoted so the dotenv parser reads them
back exactly), shell (export lines for '. FILE'), json (one object).`,
  flags: {
    out: { type: "string", value: "FILE", help: "write to FILE (mode 0600) instead of stdout" },
    format: {
      type: "string",
      value: ENV_FORMATS.join("|"),
      help: "the document's format (default dotenv)",
    },
    force: { type: "boolean", help: "with --out: replace a file npm run env did not write" },
  },
  async run(target, flags) {
    const format = (flags["format"] ?? "dotenv") as string;
    if (!(ENV_FORMATS as readonly string[]).includes(format)) {
      throw new CliError(
        `--format: ${JSON.stringify(format)} is not a format (use ${ENV_FORMATS.join(", ")})`,
        EXIT.usage,
      );
    }
    const out = typeof flags["out"] === "string" ? flags["out"] : undefined;
    if (flags["force"] === true && out === undefined) {
      throw new CliError("--force: only applies with --out FILE", EXIT.usage);
    }
    const stack = await openStack(target, { create: false });
    const document = envDocument(stack.name, await stack.outputs());
    let content: string;
    try {
      content = renderEnv(document, format as EnvFormat, [
        `The consuming server's env of the litellm-stack stack '${stack.name}' (npm run env).`,
        "It holds secrets: keep it private, never commit it.",
      ]);
    } catch (err) {
      if (err instanceof EnvFormatError) {
        throw new CliError(err.message);
      }
      throw err;
    }
    if (out === undefined) {
      process.stdout.write(content);
      return EXIT.ok;
    }
    try {
      writeEnvFile(out, content, { force: flags["force"] === true });
    } catch (err) {
      if (err instanceof EnvFileError) {
        throw new CliError(err.message);
      }
      throw err;
    }
    log(`wrote ${Object.keys(document).length} variables to ${out} (mode 0600, ${format})`);
    const quoted = Object.keys(document).filter((name) => !isPlainValue(document[name] ?? ""));
    if (format === "dotenv" && quoted.length > 0) {
      log(
        `${quoted.join(", ")}: quoted in the file; docker run --env-file takes values literally (quotes included), so pass these with -e, or use the file with docker compose's env_file`,
      );
    }
    return EXIT.ok;
  },
};
