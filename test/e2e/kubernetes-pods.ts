/**
 * Test pods on the local cluster (scripts/cluster.sh): a client of the gateway inside the
 * cluster, running python3 from the local LiteLLM image, that calls the in-cluster URL with keys
 * from a Secret (never on a command line or in a manifest's plain env). Each call opens a new
 * connection, so the Service spreads them over the pods.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { LITELLM_IMAGE, run, type RunResult } from "./harness";

/** `kubectl` of the local cluster. */
export const kubectl = (...args: string[]): Promise<RunResult> =>
  run("bash", ["scripts/cluster.sh", "kubectl", ...args]);

/**
 * The client program: `keys VAR...` calls once with each key and prints `VAR STATUS`; `burst N
 * VAR` makes N calls with that key and prints each status; `loop VAR` calls every 0.1 s until
 * /tmp/stop exists and prints `<epoch ms> <status>`.
 */
const CLIENT = String.raw`
import json, os, sys, time, urllib.request, urllib.error
url = os.environ["URL"] + "/v1/chat/completions"
def call(key):
    body = json.dumps({"model": os.environ["MODEL"], "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(url, data=body, headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return str(r.status)
    except urllib.error.HTTPError as e:
        return str(e.code)
    except Exception as e:
        return "error:" + type(e).__name__
mode = sys.argv[1]
if mode == "keys":
    for name in sys.argv[2:]:
        print(name, call(os.environ[name]), flush=True)
elif mode == "burst":
    for _ in range(int(sys.argv[2])):
        print(call(os.environ[sys.argv[3]]), flush=True)
else:
    while not os.path.exists("/tmp/stop"):
        print(int(time.time() * 1000), call(os.environ[sys.argv[2]]), flush=True)
        time.sleep(0.1)
`;

/** Writes `manifest` to a file of `dir` (mode 0600) and applies it. */
export async function apply(dir: string, name: string, manifest: string): Promise<void> {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, manifest, { mode: 0o600 });
  const r = await kubectl("apply", "-f", file);
  if (r.code !== 0) {
    throw new Error(`kubectl apply ${name}: ${r.stderr}`);
  }
}

/** A Secret `client-keys` holding the keys the client pods read (KEY_<NAME>). */
export function keysSecret(namespace: string, keys: Record<string, string>): string {
  return `apiVersion: v1
kind: Secret
metadata: { name: client-keys, namespace: ${namespace} }
stringData:
${Object.entries(keys)
  .map(([k, v]) => `  KEY_${k}: ${JSON.stringify(v)}`)
  .join("\n")}
`;
}

/** A client pod running CLIENT with `args`. */
export function clientPod(
  namespace: string,
  name: string,
  url: string,
  model: string,
  args: string[],
): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace}, labels: { role: test-client } }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: client
    image: ${LITELLM_IMAGE}
    imagePullPolicy: Never
    command: [python3, -c, ${JSON.stringify(CLIENT)}, ${args.map((a) => JSON.stringify(a)).join(", ")}]
    env:
    - { name: URL, value: ${JSON.stringify(url)} }
    - { name: MODEL, value: ${JSON.stringify(model)} }
    envFrom: [{ secretRef: { name: client-keys } }]
`;
}

/** Waits for a pod to finish and returns its log. */
export async function finished(namespace: string, pod: string, seconds = 180): Promise<string> {
  const done = await kubectl(
    ...["-n", namespace, "wait", "--for=jsonpath={.status.phase}=Succeeded"],
    ...[`pod/${pod}`, `--timeout=${seconds}s`],
  );
  const log = await kubectl("-n", namespace, "logs", pod);
  if (done.code !== 0) {
    throw new Error(`pod ${pod} did not succeed: ${done.stderr}\n${log.stdout}${log.stderr}`);
  }
  return log.stdout;
}

/** Waits until a running pod's log has at least `lines` lines. */
export async function logLines(namespace: string, pod: string, lines: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const log = await kubectl("-n", namespace, "logs", pod);
    if (log.code === 0 && log.stdout.trim().split("\n").filter(Boolean).length >= lines) {
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`pod ${pod} did not log ${lines} lines`);
}

/** Stops a `loop` client and returns its calls (time, status). */
export async function stopLoop(
  namespace: string,
  pod: string,
): Promise<{ at: number; status: string }[]> {
  await kubectl("-n", namespace, "exec", pod, "--", "touch", "/tmp/stop");
  return (await finished(namespace, pod))
    .trim()
    .split("\n")
    .map((line) => {
      const [at, status] = line.split(" ");
      return { at: Number(at), status: status ?? "" };
    });
}
