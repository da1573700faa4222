/**
 * Reaching a Service of the cluster from where the program runs, without exposing it: a
 * `kubectl port-forward` to the Service on a loopback port, through the API server (the
 * kubeconfig's own credentials, whatever their kind). The admin providers, `drift` and
 * `npm run forward` use it. No Pulumi imports (the admin implementation loads this file).
 *
 * kubectl runs under a small shell that also watches its stdin: when the process that opened the
 * forward exits, even killed, the pipe closes and the shell stops kubectl, so no forward outlives
 * the run that needed it.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Which Service to forward to, through which cluster. */
export interface ForwardTarget {
  /** Path of the kubeconfig file; undefined: KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string | undefined;
  /** The kubeconfig context; undefined: its current context. */
  context?: string | undefined;
  /** The Service's namespace. */
  namespace: string;
  /** The Service's name. */
  service: string;
  /** The Service's port. */
  port: number;
}

/** An open forward: its local URL and how to close it. */
export interface Forward {
  /** `http://127.0.0.1:<local port>`. */
  url: string;
  /** Stops kubectl. */
  close(): void;
  /** Settles when kubectl has exited (the forward is gone). */
  closed: Promise<void>;
}

/** The kubectl a forward runs: LITELLM_STACK_KUBECTL, else `kubectl` on PATH. */
export function kubectlCommand(): string {
  return process.env["LITELLM_STACK_KUBECTL"] || "kubectl";
}

/** kubectl's arguments that select the cluster and namespace of `target`. */
export function kubectlArgs(target: Omit<ForwardTarget, "service" | "port">): string[] {
  return [
    ...(target.kubeconfig === undefined ? [] : ["--kubeconfig", target.kubeconfig]),
    ...(target.context === undefined ? [] : ["--context", target.context]),
    "--namespace",
    target.namespace,
  ];
}

// sh gives a background job /dev/null as stdin, so the watcher reads a copy of it (fd 3).
const WATCHDOG =
  'exec 3<&0; "$@" </dev/null & k=$!; (read -r _ <&3; kill "$k" 2>/dev/null) & w=$!; wait "$k"; s=$?; kill "$w" 2>/dev/null; exit "$s"';

/**
 * Opens a forward from `address:localPort` (0: a free port) to the Service of `target`; resolves
 * once kubectl listens. Fails naming the command and kubectl's message when it cannot (no
 * kubectl, an unreachable cluster, no ready pod behind the Service within `timeoutMs`).
 */
export function openForward(
  target: ForwardTarget,
  options: { address?: string; localPort?: number; timeoutMs?: number } = {},
): Promise<Forward> {
  const address = options.address ?? "127.0.0.1";
  const args = [
    ...kubectlArgs(target),
    "port-forward",
    `service/${target.service}`,
    `${options.localPort ?? ""}:${target.port}`,
    "--address",
    address,
    `--pod-running-timeout=${Math.ceil((options.timeoutMs ?? 60_000) / 1000)}s`,
  ];
  const shown = `kubectl ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn("sh", ["-c", WATCHDOG, "forward", kubectlCommand(), ...args], {
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (err) {
      reject(new Error(`${shown} could not start: ${(err as Error).message}`));
      return;
    }
    let out = "";
    let err = "";
    let settled = false;
    const closed = new Promise<void>((done) => child.once("exit", () => done()));
    // Closing stdin is what stops kubectl (the watcher kills it); a SIGTERM to the shell before
    // its watcher started would leave kubectl running, so it only comes later, as a fallback.
    const close = () => {
      child.stdin?.end();
      setTimeout(() => child.kill("SIGTERM"), 2000).unref();
    };
    const timer = setTimeout(
      () => {
        fail(`no answer within ${Math.round((options.timeoutMs ?? 60_000) / 1000) + 15} s`);
      },
      (options.timeoutMs ?? 60_000) + 15_000,
    );
    const fail = (why: string) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      close();
      reject(
        new Error(
          `${shown} failed (${why})${err.trim() === "" ? "" : `: ${err.trim().split("\n").slice(-3).join(" ")}`}. Fix: check the kubeconfig and that the Service has a ready pod (kubectl ${kubectlArgs(target).join(" ")} get pods)`,
        ),
      );
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Forwarding from (\S+):(\d+) ->/.exec(out);
      if (m !== null && !settled) {
        settled = true;
        clearTimeout(timer);
        const host = m[1] === "[::1]" ? "[::1]" : (m[1] ?? address);
        // The forward must not keep a process alive that has nothing else to do.
        child.unref();
        for (const stream of [child.stdin, child.stdout, child.stderr]) {
          (stream as unknown as { unref?: () => void } | null)?.unref?.();
        }
        resolve({ url: `http://${host}:${m[2]}`, close, closed });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("error", (e) => fail(e.message));
    child.once("exit", (code) => {
      // kubectl's last words may still be in the stderr pipe at its exit: fail once the pipes
      // are drained ("close"), or a second later if something else still holds them open.
      const why = `kubectl exited with ${code ?? "a signal"}`;
      const drained = setTimeout(() => fail(why), 1000);
      child.once("close", () => {
        clearTimeout(drained);
        fail(why);
      });
    });
  });
}

const cached = new Map<string, Promise<Forward>>();

/**
 * The local URL of a forward to `target`, opened once per process and kept while it lives (a
 * forward that ended, e.g. its pod went away, is opened again on the next call). Its handles do
 * not keep the process alive; it ends with the process.
 */
export async function forwardedUrl(target: ForwardTarget): Promise<string> {
  const key = JSON.stringify([
    target.kubeconfig,
    target.context,
    target.namespace,
    target.service,
    target.port,
  ]);
  let forward = cached.get(key);
  if (forward === undefined) {
    forward = openForward(target).then((f) => {
      void f.closed.then(() => cached.delete(key));
      return f;
    });
    forward.catch(() => cached.delete(key));
    cached.set(key, forward);
  }
  const f = await forward;
  return f.url;
}

/** Closes every forward this process opened (at its exit they close by themselves). */
export function closeForwards(): void {
  for (const f of cached.values()) {
    void f.then((x) => x.close()).catch(() => undefined);
  }
  cached.clear();
}
