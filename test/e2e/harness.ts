/**
 * Shared helpers of the end-to-end suite: real Pulumi CLI runs through scripts/pulumi.sh (the
 * project's toolchain, backend and passphrase handling) and real Docker commands.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { describe, it } from "vitest";
import { stackNames } from "../../components/naming";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "../..");

/** Label put on every Docker object an end-to-end test creates, so cleanup can find it. */
export const TEST_LABEL = "litellm-stack.test";

/** Passphrase of the stacks the tests create (their secrets are test values). */
export const TEST_PASSPHRASE = "litellm-stack-e2e";

/** The local Postgres image built by `npm run images`. */
export { POSTGRES_IMAGE } from "../gateway/real-litellm";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}

/** Runs `pulumi <args>` with the project's toolchain and settings; `cwd` is the Pulumi project. */
export function pulumi(
  args: readonly string[],
  options: { project?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<RunResult> {
  const project = options.project ?? ROOT;
  return run("bash", [path.join(ROOT, "scripts/pulumi.sh"), "-C", project, ...args], {
    env: pulumiEnv(options.env),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** Like {@link pulumi} but throws with the command's output when it exits non-zero. */
export async function pulumiOk(
  args: readonly string[],
  options: { project?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<string> {
  const result = await pulumi(args, options);
  if (result.code !== 0) {
    throw new Error(
      `pulumi ${args.join(" ")} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The env every test-run Pulumi command gets (test passphrase, no passphrase file). */
export function pulumiEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_CONFIG_PASSPHRASE_FILE: "",
    ...extra,
  };
}

/** Runs `npm run <verb> -- --stack <stack> <args>` (scripts/stack.sh) with the test passphrase. */
export function stackCommand(
  verb: "up" | "preview" | "down" | "outputs",
  stack: string,
  args: readonly string[] = [],
): Promise<RunResult> {
  return run("bash", [path.join(ROOT, "scripts/stack.sh"), verb, "--stack", stack, ...args], {
    env: pulumiEnv(),
  });
}

/** A stack output with secrets shown (`pulumi stack output NAME --show-secrets`), trimmed. */
export async function stackOutput(
  name: string,
  stack: string,
  options: { project?: string } = {},
): Promise<string> {
  return (
    await pulumiOk(["stack", "output", name, "--show-secrets", "--stack", stack], options)
  ).trim();
}

/**
 * The generated passwords of a stack (every RandomPassword's `result`), by resource name, read
 * from `pulumi stack export --show-secrets`: what the secret checks look for.
 */
export async function generatedPasswords(
  stack: string,
  options: { project?: string } = {},
): Promise<Map<string, string>> {
  const exported = JSON.parse(
    await pulumiOk(["stack", "export", "--show-secrets", "--stack", stack], options),
  ) as {
    deployment: { resources: { urn: string; type: string; outputs?: Record<string, unknown> }[] };
  };
  const passwords = new Map<string, string>();
  for (const r of exported.deployment.resources) {
    if (r.type !== "random:index/randomPassword:RandomPassword") {
      continue;
    }
    const result = r.outputs?.["result"] as { plaintext?: string } | string;
    const value =
      typeof result === "string" ? result : (JSON.parse(result.plaintext ?? '""') as string);
    passwords.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), value);
  }
  return passwords;
}

/** `pulumi preview --refresh --expect-no-changes`: the result, for asserting code 0 or drift. */
export function previewNoChanges(
  stack: string,
  options: { project?: string; extra?: readonly string[] } = {},
): Promise<RunResult> {
  return pulumi(
    ["preview", "--refresh", "--expect-no-changes", ...(options.extra ?? []), "--stack", stack],
    options.project === undefined ? {} : { project: options.project },
  );
}

/**
 * Removes a test stack and everything it made, whatever state it is in: unprotects and destroys
 * it, removes it, then sweeps Docker objects labelled with the stack name.
 */
export async function removeStack(
  stack: string,
  options: { project?: string } = {},
): Promise<void> {
  await pulumi(["state", "unprotect", "--all", "--yes", "--stack", stack], options);
  await pulumi(["destroy", "--yes", "--stack", stack], options);
  await pulumi(["stack", "rm", "--yes", "--force", stack], options);
  const ids = (
    await run("docker", ["ps", "-aq", "--filter", `label=litellm-stack.stack=${stack}`])
  ).stdout
    .split("\n")
    .filter((id) => id !== "");
  if (ids.length > 0) {
    await run("docker", ["rm", "-f", ...ids]);
  }
  const names = stackNames(stack);
  await run("docker", ["volume", "rm", "-f", names.volume]);
  await run("docker", ["network", "rm", names.network]);
}

/** A JSON call to a gateway's admin API with a bearer key. */
export async function adminApi(
  baseUrl: string,
  method: string,
  route: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
}

/** Runs `docker <args>` and returns stdout; throws on a non-zero exit. */
export async function docker(args: readonly string[]): Promise<string> {
  const result = await run("docker", args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** `docker inspect` of one object, parsed; undefined when it does not exist. */
export async function inspect(
  kind: "container" | "volume" | "network" | "image",
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await run("docker", [kind, "inspect", name]);
  if (result.code !== 0) {
    return undefined;
  }
  const parsed = JSON.parse(result.stdout) as Record<string, unknown>[];
  return parsed[0];
}

/** A short unique suffix for names of stacks and Docker objects. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString("hex");
}

/** Why the end-to-end suite cannot run here, or undefined when it can (checked synchronously). */
export function e2eUnavailableReason(images: readonly string[]): string | undefined {
  const ok = (file: string, args: readonly string[]): boolean =>
    spawnSync(file, args, { cwd: ROOT, stdio: "ignore" }).status === 0;
  if (
    !ok("bash", [
      "-c",
      ". scripts/lib.sh && . scripts/toolchain-env.sh && { toolchain_ready || command -v pulumi >/dev/null; }",
    ])
  ) {
    return "no Pulumi toolchain: run `npm run toolchain`";
  }
  if (!ok("docker", ["info"])) {
    return "no Docker engine answers: run `npm run toolchain`";
  }
  for (const image of images) {
    if (!ok("docker", ["image", "inspect", image])) {
      return `the local image ${image} is missing: run \`npm run images\``;
    }
  }
  return undefined;
}

/**
 * `describe` for an end-to-end suite: skipped with the reason when the toolchain, Docker or an
 * image is missing, unless LITELLM_STACK_E2E=1, which turns that into a failing test.
 */
export function describeE2E(name: string, images: readonly string[], body: () => void): void {
  const reason = e2eUnavailableReason(images);
  if (reason === undefined) {
    describe(name, body);
  } else if (process.env["LITELLM_STACK_E2E"] === "1") {
    describe(name, () => {
      it("has its prerequisites (LITELLM_STACK_E2E=1 requires the end-to-end suite)", () => {
        throw new Error(`end-to-end suite required but cannot run: ${reason}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}
