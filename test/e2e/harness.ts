/**
 * Shared helpers of the end-to-end suite. Every test stack lives in a temporary directory of its
 * own: a file backend, its Pulumi.<stack>.yaml and passphrase, never the user's `.pulumi-state`
 * or a tracked file. Its gateway gets a free host port, so two suites can run at once. Stack
 * commands run as users run them (scripts/cli.sh, the program behind `npm run up` etc.);
 * results are read through the Automation API (outputs, config, change summaries, engine
 * events), not from printed text, except where the printed text is the contract.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ConfigMap, DestroyResult, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { LITELLM_VERSION, PROJECT } from "../../config";
import { DB_NAME, DB_USER } from "../../components/database";
import { stackNames, type StackNames } from "../../components/naming";
import { ensureBuilt } from "../../cli/build";
import { STACK_NAME_ENV } from "../../components/admin/impl/shared";
import { unprotectAll } from "../../cli/data";
import { exportState, plainValue, type ExportedResource } from "../../cli/exported";
import { openStack, pulumiExecutable } from "../../cli/workspace";
import { freePort } from "../support/net";
import {
  auditSecrets,
  serializedProviders,
  stringLeaves,
  type AuditPlace,
  type AuditReport,
  type AuditSecret,
} from "./secrets-audit";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "../..");

/** Label put on every Docker object an end-to-end test creates outside a stack. */
export const TEST_LABEL = "litellm-stack.test";

/**
 * Every test stack's name starts with this, and so does its `litellm-stack.stack` label: what
 * scripts/e2e-cleanup.sh sweeps after a crashed run.
 */
export const E2E_STACK_PREFIX = "e2e-";

/** Passphrase of the stacks the tests create (their secrets are test values). */
export const TEST_PASSPHRASE = "litellm-stack-e2e";

/** The local images built by `npm run images`. */
export { LITELLM_IMAGE, POSTGRES_IMAGE } from "../gateway/real-litellm";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The Pulumi CLI and plugin settings of this checkout (scripts/toolchain-env.sh), put into this
 * process's env once so the Automation API finds them even when vitest runs without `npm test`.
 */
export function useToolchainEnv(): void {
  if (process.env["PULUMI_CLI"] !== undefined && process.env["PULUMI_CLI"] !== "") {
    return;
  }
  const result = spawnSync(
    "bash",
    [
      "-c",
      '. scripts/lib.sh && . scripts/toolchain-env.sh && pulumi_toolchain_env >/dev/null 2>&1 && printf "%s\\n%s\\n%s\\n%s" "$PULUMI_CLI" "${PULUMI_HOME:-}" "$PATH" "${LITELLM_STACK_KUBECTL:-}"',
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  const [cli, home, pathVar, kubectl] = result.stdout.split("\n");
  if (result.status !== 0 || cli === undefined || cli === "") {
    return;
  }
  process.env["PULUMI_CLI"] = cli;
  process.env["PATH"] = pathVar ?? process.env["PATH"];
  process.env["PULUMI_SKIP_UPDATE_CHECK"] = "true";
  process.env["PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK"] = "true";
  process.env["PULUMI_NODEJS_TRANSPILE_ONLY"] ??= "true";
  if (kubectl !== undefined && kubectl !== "") {
    process.env["LITELLM_STACK_KUBECTL"] ??= kubectl;
  }
  if (home !== undefined && home !== "") {
    process.env["PULUMI_HOME"] = home;
    process.env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true";
    process.env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true";
  }
}

/**
 * The LiteLLM version upgrades are tested from: the other version with pins in
 * images/litellm/versions/ (1.108.13, a supported patch of the LTS line), which the test set-up
 * builds.
 */
export function previousLitellmVersion(): string {
  const others = readdirSync(path.join(ROOT, "images/litellm/versions")).filter(
    (v) => v !== LITELLM_VERSION,
  );
  if (others.length !== 1) {
    throw new Error(
      `expected one LiteLLM version besides ${LITELLM_VERSION} with pins, got ${others.join(", ")}`,
    );
  }
  return others[0] as string;
}

/** A free TCP port on 127.0.0.1 (re-exported for the suites). */
export { freePort };

/** A short unique suffix for names of stacks and Docker objects. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString("hex");
}

/** A config value for {@link TestStack.setConfig}: plaintext, or `{ secret }`. */
export type ConfigEntry = string | { secret: string };

/** A resource step a preview would take (anything but `same`). */
export interface Change {
  /** The step, e.g. `create`, `update`, `replace`, `delete`. */
  op: string;
  /** The resource's URN. */
  urn: string;
  /** The resource's name (the URN's last segment). */
  name: string;
}

/** One test stack in its own temporary backend and config directory. */
export interface TestStack {
  /** Stack name (unique per run). */
  name: string;
  /** Docker names of its objects. */
  names: StackNames;
  /** The free host port its gateway is published on (config hostPort). */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The Automation API stack. */
  stack: Stack;
  /** Env of every Pulumi run on it: its backend and passphrase. */
  env: Record<string, string>;
  /** Directory of its Pulumi.<stack>.yaml. */
  configDir: string;
  /** Its temporary directory (removed by {@link TestStack.remove}). */
  dir: string;
  /** Runs a stack command (`npm run <verb>`'s program) on it. */
  cli(verb: string, args?: readonly string[]): Promise<RunResult>;
  /** The command line and env {@link TestStack.cli} runs, for a test that spawns it itself. */
  cliInvocation(
    verb: string,
    args?: readonly string[],
  ): { file: string; args: string[]; env: NodeJS.ProcessEnv };
  /** Sets config keys of this project (`--path` keys allowed), plaintext or secret. */
  setConfig(entries: Record<string, ConfigEntry>): Promise<void>;
  /** Removes config keys of this project. */
  removeConfig(keys: readonly string[]): Promise<void>;
  /** A stack output's value (secrets decrypted). */
  output<T = unknown>(name: string): Promise<T>;
  /** What `preview --refresh` would change (empty: no drift, nothing to do). */
  changes(): Promise<Change[]>;
  /** The raw state file of the backend (secrets as ciphertext, as stored). */
  rawState(): string;
  /** Unprotects and destroys every resource (the data volume too, unless it is retained). */
  destroy(): Promise<DestroyResult>;
  /** Records a transcript (e.g. an Automation API run's output) for the secrets audit. */
  record(place: string, text: string): void;
  /**
   * The secrets audit (test/e2e/secrets-audit.ts) of this stack now: every secret it knows, in
   * every place; throws naming each hit. `extra` places are audited too.
   */
  audit(extra?: readonly AuditPlace[]): Promise<AuditReport>;
  /**
   * Audits the stack's secrets ({@link TestStack.audit}), then destroys the stack (unprotected),
   * removes it and its temporary directory and sweeps Docker; throws the audit's failure after
   * cleaning up.
   */
  remove(): Promise<void>;
}

/** Options of {@link createTestStack}. */
export interface TestStackOptions {
  /** The Pulumi project. Default: this project. */
  project?: string;
  /** Initial config (keys of this project; `--path` keys allowed). */
  config?: Record<string, ConfigEntry>;
  /** Give the gateway a free host port (config hostPort). Default true for this project. */
  port?: boolean;
}

/** Creates a stack named `e2e-<prefix>-<random>` in a fresh temporary backend. */
export async function createTestStack(
  prefix: string,
  options: TestStackOptions = {},
): Promise<TestStack> {
  useToolchainEnv();
  await ensureBuilt();
  const name = `${E2E_STACK_PREFIX}${prefix}-${uniqueSuffix()}`;
  const dir = mkdtempSync(path.join(tmpdir(), `litellm-stack-${prefix}-`));
  const stateDir = path.join(dir, "state");
  const configDir = path.join(dir, "config");
  const env = {
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_CONFIG_PASSPHRASE_FILE: "",
  };
  const project = options.project;
  const stack = await openStack({ stack: name, configDir, env, project }, { create: true });
  // This project or a copy of it: its keys are qualified and its gateway needs a port.
  const own = (await stack.workspace.projectSettings()).name === PROJECT;
  const port = own && options.port !== false ? await freePort() : 0;
  const qualify = (key: string): string => (own ? `${PROJECT}:${key}` : key);
  // What the secrets audit looks for and where (TestStack.audit).
  const configSecrets: AuditSecret[] = [];
  const transcripts: AuditPlace[] = [];
  // One `pulumi config set-all --path` for all entries (a plain key is a path of one segment).
  const setConfig = async (entries: Record<string, ConfigEntry>): Promise<void> => {
    const config: ConfigMap = {};
    for (const [key, entry] of Object.entries(entries)) {
      config[qualify(key)] =
        typeof entry === "string" ? { value: entry } : { value: entry.secret, secret: true };
      if (typeof entry !== "string") {
        configSecrets.push({ label: `config ${key}`, value: entry.secret });
      }
    }
    if (Object.keys(config).length > 0) {
      await stack.setAllConfig(config, true);
    }
  };
  if (port !== 0) {
    await setConfig({ hostPort: String(port) });
  }
  await setConfig(options.config ?? {});
  const baseUrl = `http://127.0.0.1:${port}`;
  // `npm run env` records the files it wrote under XDG_STATE_HOME: the test's own directory.
  const cliEnv = {
    ...process.env,
    ...env,
    LITELLM_STACK_SKIP_SETUP: "1",
    XDG_STATE_HOME: path.join(dir, "xdg-state"),
  };
  const cliInvocation = (verb: string, args: readonly string[] = []) => ({
    file: "bash",
    args: [
      path.join(ROOT, "scripts/cli.sh"),
      verb,
      "--stack",
      name,
      "--config-dir",
      configDir,
      ...args,
    ],
    env: cliEnv,
  });
  return {
    name,
    names: stackNames(name),
    port,
    baseUrl,
    stack,
    env,
    configDir,
    dir,
    cli: async (verb, args = []) => {
      const invocation = cliInvocation(verb, args);
      const result = await run(invocation.file, invocation.args, { env: invocation.env });
      const command = `npm run ${[verb, ...args].join(" ")}`;
      // `env` without --out and `outputs --show-secrets` print secrets by design (the consumer's
      // env document): their stdout is not audited, their stderr is.
      const printsSecrets =
        (verb === "env" && !args.includes("--out")) ||
        (verb === "outputs" && args.includes("--show-secrets"));
      if (!printsSecrets) {
        transcripts.push({ place: `${command} stdout`, text: result.stdout });
      }
      transcripts.push({ place: `${command} stderr`, text: result.stderr });
      return result;
    },
    cliInvocation,
    setConfig,
    removeConfig: async (keys) => {
      if (keys.length > 0) {
        await stack.removeAllConfig(keys.map(qualify), true);
      }
    },
    output: async <T>(output: string) => (await stack.outputs())[output]?.value as T,
    changes: () =>
      changes(stack, (out, err) => {
        transcripts.push({ place: "automation preview --refresh stdout", text: out });
        transcripts.push({ place: "automation preview --refresh stderr", text: err });
      }),
    record: (place, text) => {
      transcripts.push({ place, text });
    },
    audit: async function (this: TestStack, extra = []) {
      return auditStack(this, configSecrets, [...transcripts, ...extra]);
    },
    rawState: () => {
      const stacks = path.join(stateDir, ".pulumi", "stacks");
      const projectDir = readdirSync(stacks).find((p) =>
        existsSync(path.join(stacks, p, `${name}.json`)),
      );
      if (projectDir === undefined) {
        throw new Error(`no state file for stack ${name} under ${stacks}`);
      }
      return readFileSync(path.join(stacks, projectDir, `${name}.json`), "utf8");
    },
    destroy: async () => {
      await unprotectAll(stack);
      return stack.destroy();
    },
    remove: async function (this: TestStack) {
      let failure: unknown;
      try {
        await this.audit();
      } catch (error) {
        failure = error;
      }
      await this.destroy().catch(() => undefined);
      await stack.workspace.removeStack(name, { force: true }).catch(() => undefined);
      await sweepDocker(name);
      endStackProcesses(name);
      rmSync(dir, { recursive: true, force: true });
      if (failure !== undefined) {
        throw failure;
      }
    },
  };
}

/** Types of the resources whose existence means the stack holds secrets (a deployed gateway). */
const SECRET_HOLDERS = new Set(["random:index/randomPassword:RandomPassword"]);

/**
 * The secrets audit of one test stack: config secrets set by the test, secret outputs (each
 * string leaf), generated passwords and raw virtual keys, looked for in the raw state, `pulumi
 * stack export` without --show-secrets, each serialized provider, the transcripts and the logs of
 * the stack's containers. A deployed stack (one with a RandomPassword) with no secret collected
 * fails: the audit must be able to fail.
 */
async function auditStack(
  t: TestStack,
  configSecrets: readonly AuditSecret[],
  transcripts: readonly AuditPlace[],
): Promise<AuditReport> {
  let state: string | undefined;
  try {
    state = t.rawState();
  } catch {
    state = undefined; // never deployed: only the transcripts and config secrets
  }
  const secrets: AuditSecret[] = [...configSecrets];
  let deployed = false;
  if (state !== undefined) {
    const resources =
      (JSON.parse(state) as { checkpoint?: { latest?: { resources?: { type: string }[] } } })
        .checkpoint?.latest?.resources ?? [];
    deployed = resources.some((r) => SECRET_HOLDERS.has(r.type));
    for (const [key, output] of Object.entries(await t.stack.outputs())) {
      if (output.secret) {
        secrets.push(...stringLeaves(`output ${key}`, output.value));
      }
    }
    // One decrypted export for the generated passwords and the raw virtual keys.
    const decrypted = (await exportState(t.stack)).resources;
    for (const [resource, value] of passwordsIn(decrypted)) {
      secrets.push({ label: `RandomPassword ${resource}`, value });
    }
    secrets.push(...rawVirtualKeys(decrypted));
  }
  const places: AuditPlace[] = [...transcripts];
  if (state !== undefined) {
    places.push({ place: "raw state file", text: state }, ...serializedProviders(state));
    const exported = await run(
      pulumiExecutable(t.stack),
      ["stack", "export", "--stack", t.name, "--non-interactive"],
      { cwd: t.stack.workspace.workDir, env: { ...process.env, ...t.env } },
    );
    if (exported.code !== 0) {
      throw new Error(`secrets audit of ${t.name}: pulumi stack export failed: ${exported.stderr}`);
    }
    places.push({ place: "pulumi stack export", text: exported.stdout });
  }
  const containers = (
    await run("docker", ["ps", "-aq", "--filter", `label=litellm-stack.stack=${t.name}`])
  ).stdout
    .split("\n")
    .filter((id) => id !== "");
  for (const id of containers) {
    const logs = await run("docker", ["logs", id]);
    const name = (await run("docker", ["inspect", "-f", "{{.Name}}", id])).stdout.trim();
    places.push({
      place: `docker logs ${name.replace(/^\//, "")}`,
      text: logs.stdout + logs.stderr,
    });
  }
  return auditSecrets(secrets, places, { requireSecrets: deployed, subject: t.name });
}

/** The raw keys of the virtual keys among `resources` (the `key` output of each key resource). */
function rawVirtualKeys(resources: readonly ExportedResource[]): AuditSecret[] {
  const keys: AuditSecret[] = [];
  for (const r of resources) {
    const key = plainValue(r.outputs?.["key"]);
    if (r.type.includes("dynamic") && typeof key === "string" && key !== "") {
      keys.push({ label: `virtual key ${urnName(r.urn)}`, value: key });
    }
  }
  return keys;
}

/** Steps that change nothing (a refresh that found no drift reads as `same`/`refresh`). */
const NO_CHANGE = new Set(["same", "read", "refresh"]);

/** The resource steps `preview --refresh` would take, from the engine's events. */
export async function changes(
  stack: Stack,
  onResult?: (stdout: string, stderr: string) => void,
): Promise<Change[]> {
  const steps: Change[] = [];
  const result = await stack.preview({
    refresh: true,
    onEvent: (event: EngineEvent) => {
      const meta = event.resourcePreEvent?.metadata;
      // A default provider's inputs are the stack config (the dynamic provider gets it); Pulumi
      // does not count their updates as changes (the CLI's summary says "unchanged"), nor do we.
      const providerUpdate =
        meta?.type.startsWith("pulumi:providers:") === true && meta.op === "update";
      if (meta !== undefined && !NO_CHANGE.has(meta.op) && !providerUpdate) {
        steps.push({
          op: meta.op,
          urn: meta.urn,
          name: urnName(meta.urn),
        });
      }
    },
  });
  onResult?.(result.stdout, result.stderr);
  return steps;
}

/**
 * Ends the processes that still run for the stack: Pulumi starts its plugins (the language host,
 * the dynamic-provider process) in process groups of their own, so a test that kills an update's
 * process group (crash.test.ts) leaves them behind, about 140 MB each, until the machine stops.
 * They carry the stack's name in their environment (LITELLM_STACK_NAME, set by the workspace);
 * nothing else does. Returns their pids.
 */
export function endStackProcesses(stack: string): number[] {
  const marker = `${STACK_NAME_ENV}=${stack}\0`;
  const ended: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) {
      continue;
    }
    let environ: string;
    try {
      environ = `${readFileSync(`/proc/${pid}/environ`, "latin1")}\0`;
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.includes(`\0${marker}`) || environ.startsWith(marker)) {
      try {
        process.kill(pid, "SIGKILL");
        ended.push(pid);
      } catch {
        // already gone
      }
    }
  }
  return ended;
}

/** Removes every container, network and volume labelled with the stack's name. */
export async function sweepDocker(stack: string): Promise<void> {
  const filter = `label=litellm-stack.stack=${stack}`;
  const ids = async (args: string[]) =>
    (await run("docker", args)).stdout.split("\n").filter((id) => id !== "");
  const containers = await ids(["ps", "-aq", "--filter", filter]);
  if (containers.length > 0) {
    await run("docker", ["rm", "-f", ...containers]);
  }
  const networks = await ids(["network", "ls", "-q", "--filter", filter]);
  if (networks.length > 0) {
    await run("docker", ["network", "rm", ...networks]);
  }
  const volumes = await ids(["volume", "ls", "-q", "--filter", filter]);
  if (volumes.length > 0) {
    await run("docker", ["volume", "rm", "-f", ...volumes]);
  }
}

/**
 * The generated passwords of a stack (every RandomPassword's `result`), by resource name, from
 * its decrypted state: what the secret checks look for.
 */
export async function generatedPasswords(stack: Stack): Promise<Map<string, string>> {
  return passwordsIn((await exportState(stack)).resources);
}

/** A resource's name (the URN's last segment). */
const urnName = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** Resource name → value of every RandomPassword among `resources`. */
function passwordsIn(resources: readonly ExportedResource[]): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const r of resources) {
    if (r.type === "random:index/randomPassword:RandomPassword") {
      const value = plainValue(r.outputs?.["result"]);
      passwords.set(urnName(r.urn), typeof value === "string" ? value : "");
    }
  }
  return passwords;
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
  let parsed: Record<string, unknown>;
  try {
    parsed = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** A chat completion on `model` with `key`: the status and the answer's text. */
export async function chat(
  baseUrl: string,
  key: string,
  model: string,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
  return { status: res.status, text: body.choices?.[0]?.message?.content ?? "" };
}

/** Runs `docker <args>` and returns stdout; throws on a non-zero exit. */
export async function docker(args: readonly string[]): Promise<string> {
  const result = await run("docker", args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** Runs one SQL statement in a stack's database container as the gateway's user; its rows, unaligned. */
export const dbQuery = (db: string, sql: string): Promise<string> =>
  docker(["exec", db, "psql", "-U", DB_USER, "-d", DB_NAME, "-tAc", sql]);

/** `docker inspect` of one object, parsed; undefined when it does not exist. */
export async function inspect(
  kind: "container" | "volume" | "network" | "image",
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await run("docker", [kind, "inspect", name]);
  if (result.code !== 0) {
    return undefined;
  }
  return (JSON.parse(result.stdout) as Record<string, unknown>[])[0];
}

/** What {@link recreateByHand} changes in the container it recreates. */
export interface HandMadeChanges {
  /** Another image (default: the container's own). */
  image?: string;
  /** Env variables set to other values. */
  env?: Record<string, string>;
  /** Host ports to publish (`docker -p` values); default: the container's own bindings. */
  publish?: string[];
  /** Runs between `docker create` and `docker start` (e.g. `docker cp` of an uploaded file). */
  beforeStart?: () => Promise<void>;
}

/** Docker's nanosecond durations as a `docker create` duration flag value. */
const nsFlag = (ns: number | undefined): string[] => (ns ? [`${Math.round(ns / 1e6)}ms`] : []);

/**
 * Removes a container and creates one under its name the way an operator would by hand: the same
 * image, env, labels, volumes, healthcheck, network and aliases, command, with `changes` applied;
 * then starts it. The stack's state still records the removed container.
 */
export async function recreateByHand(name: string, changes: HandMadeChanges = {}): Promise<void> {
  const c = (await inspect("container", name)) as unknown as {
    Config: {
      Image: string;
      Env: string[] | null;
      Cmd: string[] | null;
      Entrypoint: string[] | null;
      Labels: Record<string, string> | null;
      Healthcheck?: {
        Test?: string[];
        Interval?: number;
        Timeout?: number;
        Retries?: number;
        StartPeriod?: number;
      };
    };
    HostConfig: {
      PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    };
    Mounts: { Type: string; Name?: string; Source: string; Destination: string }[];
    NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> };
  };
  const env = (c.Config.Env ?? []).map((e) => {
    const key = e.slice(0, e.indexOf("="));
    const value = changes.env?.[key];
    return value === undefined ? e : `${key}=${value}`;
  });
  const publish =
    changes.publish ??
    Object.entries(c.HostConfig.PortBindings ?? {}).flatMap(([port, bindings]) =>
      (bindings ?? []).map((b) => `${b.HostIp === "" ? "" : `${b.HostIp}:`}${b.HostPort}:${port}`),
    );
  const [network, attached] = Object.entries(c.NetworkSettings.Networks)[0] ?? [];
  const hc = c.Config.Healthcheck;
  const [kind, ...test] = hc?.Test ?? [];
  const health =
    kind === "CMD-SHELL" || kind === "CMD"
      ? [
          "--health-cmd",
          test.join(" "),
          ...nsFlag(hc?.Interval).flatMap((v) => ["--health-interval", v]),
          ...nsFlag(hc?.Timeout).flatMap((v) => ["--health-timeout", v]),
          ...nsFlag(hc?.StartPeriod).flatMap((v) => ["--health-start-period", v]),
          ...(hc?.Retries ? ["--health-retries", String(hc.Retries)] : []),
        ]
      : [];
  const [entrypoint, ...entryArgs] = c.Config.Entrypoint ?? [];
  await docker(["rm", "-f", name]);
  await docker([
    "create",
    "--name",
    name,
    ...(network === undefined ? [] : ["--network", network]),
    ...(attached?.Aliases ?? [])
      .filter((a) => !c.Config.Image.startsWith(a) && a !== name)
      .flatMap((a) => ["--network-alias", a]),
    ...Object.entries(c.Config.Labels ?? {}).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    ...env.flatMap((e) => ["-e", e]),
    ...publish.flatMap((p) => ["-p", p]),
    ...c.Mounts.flatMap((m) => [
      "-v",
      `${m.Type === "volume" ? m.Name : m.Source}:${m.Destination}`,
    ]),
    ...health,
    ...(entrypoint === undefined ? [] : ["--entrypoint", entrypoint]),
    changes.image ?? c.Config.Image,
    ...entryArgs,
    ...(c.Config.Cmd ?? []),
  ]);
  await changes.beforeStart?.();
  await docker(["start", name]);
}

/** The container's health status, or undefined when it is gone or has no healthcheck. */
export async function health(container: string): Promise<string | undefined> {
  const state = (await inspect("container", container))?.["State"] as
    { Health?: { Status: string } } | undefined;
  return state?.Health?.Status;
}

/** A test stack after a successful `npm run up`, with that run's result. */
export interface DeployedStack extends TestStack {
  /** The first `up` (exit code 0 asserted), for checks on what it printed. */
  up: RunResult;
}

/** Creates a test stack and runs `npm run up` on it; throws with the output when it fails. */
export async function deployTestStack(
  prefix: string,
  options: TestStackOptions = {},
): Promise<DeployedStack> {
  const test = await createTestStack(prefix, options);
  const up = await test.cli("up");
  if (up.code !== 0) {
    await test.remove();
    throw new Error(`npm run up of ${test.name} exited ${up.code}\n${up.stdout}\n${up.stderr}`);
  }
  return { ...test, up };
}

/**
 * A vitest fixture (`test.extend({ name: deployedFixture(…) })`) deploying one stack per test
 * file, on first use, and removing it after the file: the one shared set-up of a suite.
 */
export function deployedFixture(
  prefix: string,
  options: TestStackOptions = {},
): [
  (context: object, use: (stack: DeployedStack) => Promise<void>) => Promise<void>,
  { scope: "file" },
] {
  return [
    async ({}, use) => {
      const deployed = await deployTestStack(prefix, options);
      try {
        await use(deployed);
      } finally {
        await deployed.remove();
      }
    },
    { scope: "file" },
  ];
}

/** Polls `check` once a second until it holds; throws naming `what` after `seconds`. */
export async function until(
  what: string,
  seconds: number,
  check: () => Promise<boolean>,
): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if (await check()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}
