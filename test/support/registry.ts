/**
 * A throwaway Docker registry for tests: Debian's `docker-registry` (distribution 2.8) as a
 * process on 127.0.0.1 and a free port, with a generated config and a temporary storage
 * directory. Docker treats 127.0.0.0/8 registries as insecure (plain http) by default, so the
 * engine pushes to it without set-up. {@link LocalRegistry.stop} ends the process, deletes the
 * directory and removes every tag pushed through it from the engine.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freePort } from "./net";

/** The registry binary: `LITELLM_STACK_DOCKER_REGISTRY`, else `docker-registry` on PATH. */
export const REGISTRY_BINARY = process.env["LITELLM_STACK_DOCKER_REGISTRY"] ?? "docker-registry";

/** Why no local registry can be started here, or undefined when it can (checked synchronously). */
export function registryUnavailableReason(): string | undefined {
  const probe = spawnSync(REGISTRY_BINARY, ["--version"], { stdio: "ignore" });
  return probe.status === 0
    ? undefined
    : `Debian's docker-registry is missing (${REGISTRY_BINARY}): apt-get install docker-registry (npm test installs it)`;
}

/** A running local registry. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of its image names. */
  host: string;
  /**
   * Tags `localImage` as `<host>/<repoTag>` and pushes it; resolves with the digest the push
   * recorded (the image's RepoDigests entry for that repository).
   */
  push(localImage: string, repoTag: string): Promise<string>;
  /** Ends the registry, deletes its storage and removes every tag and digest reference pushed. */
  stop(): Promise<void>;
}

function exec(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error === null
        ? resolve(stdout.trim())
        : reject(new Error(`${file} ${args.join(" ")} failed: ${stderr.trim() || error.message}`)),
    );
  });
}

/** Starts a registry; resolves once `GET /v2/` answers 200 (within `timeoutMs`). */
export async function startRegistry(timeoutMs = 20_000): Promise<LocalRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-registry-"));
  const config = path.join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: ${host}`,
      "",
    ].join("\n"),
  );
  const child = spawn(REGISTRY_BINARY, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log = `${log}${chunk.toString("utf8")}`.slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const pushed = new Set<string>();

  const stop = async (): Promise<void> => {
    // Tags and digest references (a moved tag leaves the old image's digest reference behind).
    for (const ref of pushed) {
      await exec("docker", ["rmi", ref]).catch(() => undefined);
    }
    if (running) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry exited before answering on ${host}:\n${log}`);
    }
    const ok = await fetch(`http://${host}/v2/`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) {
      break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host} within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    host,
    push: async (localImage, repoTag) => {
      const ref = `${host}/${repoTag}`;
      pushed.add(ref);
      await exec("docker", ["tag", localImage, ref]);
      await exec("docker", ["push", "-q", ref]);
      const repo = `${host}/${repoTag.slice(0, repoTag.lastIndexOf(":"))}@`;
      const digests = JSON.parse(
        await exec("docker", ["image", "inspect", "--format", "{{json .RepoDigests}}", ref]),
      ) as string[];
      const entry = digests.find((d) => d.startsWith(repo));
      if (entry === undefined) {
        throw new Error(
          `docker push ${ref} recorded no digest for ${repo} (${digests.join(", ")})`,
        );
      }
      pushed.add(entry);
      return entry.slice(repo.length);
    },
    stop,
  };
}
