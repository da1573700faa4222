/**
 * The port-forward the admin providers reach a cluster's gateway through
 * (components/kubernetes/forward.ts), with a fake kubectl (LITELLM_STACK_KUBECTL): its arguments,
 * the URL it resolves, the error it rejects with, and that close() stops kubectl.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  kubectlArgs,
  kubectlCommand,
  openForward,
  type Forward,
} from "../../components/kubernetes/forward";

let dir: string;
const saved = process.env["LITELLM_STACK_KUBECTL"];
const opened: Forward[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "litellm-forward-"));
});

afterEach(() => {
  for (const f of opened.splice(0)) {
    f.close();
  }
  if (saved === undefined) {
    delete process.env["LITELLM_STACK_KUBECTL"];
  } else {
    process.env["LITELLM_STACK_KUBECTL"] = saved;
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes an executable fake kubectl whose body is `script` and makes the forward use it. */
function fakeKubectl(name: string, script: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  process.env["LITELLM_STACK_KUBECTL"] = file;
  return file;
}

/** Whether a process is gone (or a zombie no one reaped yet: it runs nothing). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

const FORWARD_MODULE = path.resolve(__dirname, "../../components/kubernetes/forward.ts");

const TARGET = { namespace: "gw-ns", service: "litellm", port: 4000 };

describe("kubectlArgs", () => {
  it("selects the namespace only when no kubeconfig or context is given", () => {
    expect(kubectlArgs({ namespace: "litellm" })).toEqual(["--namespace", "litellm"]);
  });

  it("passes the kubeconfig and the context before the namespace when given", () => {
    expect(
      kubectlArgs({ kubeconfig: "/tmp/kc", context: "kind-test", namespace: "litellm-ci" }),
    ).toEqual(["--kubeconfig", "/tmp/kc", "--context", "kind-test", "--namespace", "litellm-ci"]);
    expect(kubectlArgs({ context: "prod", namespace: "x" })).toEqual([
      "--context",
      "prod",
      "--namespace",
      "x",
    ]);
  });
});

describe("kubectlCommand", () => {
  it("is LITELLM_STACK_KUBECTL when set, else kubectl", () => {
    process.env["LITELLM_STACK_KUBECTL"] = "/opt/bin/kubectl-1.31";
    expect(kubectlCommand()).toBe("/opt/bin/kubectl-1.31");
    delete process.env["LITELLM_STACK_KUBECTL"];
    expect(kubectlCommand()).toBe("kubectl");
  });
});

describe("openForward with a fake kubectl", () => {
  it("resolves the local URL kubectl prints and passes it the Service, port and cluster", async () => {
    const argsFile = path.join(dir, "args-ok");
    fakeKubectl(
      "kubectl-ok",
      `printf '%s\\n' "$@" > '${argsFile}'\necho 'Forwarding from 127.0.0.1:45678 -> 4000'\nexec sleep 60`,
    );
    const f = await openForward(
      { ...TARGET, kubeconfig: "/tmp/kc", context: "kind-test" },
      { timeoutMs: 20_000 },
    );
    opened.push(f);
    expect(f.url).toBe("http://127.0.0.1:45678");
    expect(readFileSync(argsFile, "utf8").trim().split("\n")).toEqual([
      "--kubeconfig",
      "/tmp/kc",
      "--context",
      "kind-test",
      "--namespace",
      "gw-ns",
      "port-forward",
      "service/litellm",
      ":4000",
      "--address",
      "127.0.0.1",
      "--pod-running-timeout=20s",
    ]);
  });

  it("resolves an IPv6 loopback forward as http://[::1]:<port>", async () => {
    fakeKubectl("kubectl-v6", "echo 'Forwarding from [::1]:45679 -> 4000'\nexec sleep 60");
    const f = await openForward(TARGET, { address: "::1" });
    opened.push(f);
    expect(f.url).toBe("http://[::1]:45679");
  });

  it("rejects with kubectl's error and exit status, the command and a fix, when kubectl fails", async () => {
    fakeKubectl("kubectl-fail", `echo 'error: services "litellm" not found' >&2\nexit 1`);
    const error = await openForward(TARGET).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("kubectl --namespace gw-ns port-forward service/litellm :4000");
    expect(message).toContain("kubectl exited with 1");
    expect(message).toContain('error: services "litellm" not found');
    expect(message).toContain("Fix: check the kubeconfig");
  });

  it("rejects, naming the command, when the kubectl it is given does not exist", async () => {
    process.env["LITELLM_STACK_KUBECTL"] = path.join(dir, "no-such-kubectl");
    await expect(openForward(TARGET)).rejects.toThrow(
      /kubectl --namespace gw-ns port-forward .* failed \(kubectl exited with 127\)/,
    );
  });

  it("stops kubectl when close() is called, and `closed` settles", async () => {
    const pidFile = path.join(dir, "pid-close");
    // exec: the pid written is the one that then sleeps. The pause before the answer stands for
    // kubectl's connection to the API server: a forward closed before its shell has started the
    // watcher can leave kubectl running (reported: close() signals the shell, which may die first).
    fakeKubectl(
      "kubectl-close",
      `echo $$ > '${pidFile}'\nsleep 0.2\necho 'Forwarding from 127.0.0.1:45680 -> 4000'\nexec sleep 60`,
    );
    const f = await openForward(TARGET);
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(pid).toBeGreaterThan(1);
    expect(gone(pid)).toBe(false);
    let closed = false;
    void f.closed.then(() => (closed = true));
    f.close();
    expect(await until(() => gone(pid), 5_000)).toBe(true);
    expect(await until(() => closed, 5_000)).toBe(true);
  });

  it("stops kubectl when the process that opened the forward is killed (SIGKILL, no clean-up)", async () => {
    const pidFile = path.join(dir, "pid-orphan");
    const kubectl = fakeKubectl(
      "kubectl-orphan",
      `echo $$ > '${pidFile}'\necho 'Forwarding from 127.0.0.1:45681 -> 4000'\nexec sleep 60`,
    );
    const holder = path.join(dir, "holder.ts");
    writeFileSync(
      holder,
      `import { openForward } from ${JSON.stringify(FORWARD_MODULE)};\n` +
        `openForward(${JSON.stringify(TARGET)}).then((f) => {\n` +
        `  console.log(f.url);\n` +
        `  setInterval(() => undefined, 1000);\n` +
        `});\n`,
    );
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", holder], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env, LITELLM_STACK_KUBECTL: kubectl },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((r) => child.once("exit", r));
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    expect(await until(() => out.includes("http://127.0.0.1:45681"), 20_000)).toBe(true);
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(gone(pid)).toBe(false);
    child.kill("SIGKILL");
    await exited;
    expect(await until(() => gone(pid), 5_000)).toBe(true);
  });
});
