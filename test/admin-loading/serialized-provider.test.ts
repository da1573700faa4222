/**
 * The serialized providers (`__provider`) load their implementation by package name, as compiled
 * JavaScript (`litellm-stack/admin-impl` → `dist/`), from the working directory of the process that
 * evaluates them, with no TypeScript loader. Each case writes the serialized text to a file and
 * runs it in a fresh `node` the way the dynamic-provider host does (require-from-string), from the
 * checkout, from a project that installed litellm-stack, and from a directory without it.
 *
 * Set-up runs `npm run build` (incremental: about a second when nothing changed), so the child
 * processes load a `dist/` compiled from the current sources: a stale build can neither hide a
 * bug nor fail the test. No gateway is needed: `check` with an unchanged provider makes no call.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as source from "../../components/admin/providers";

const root = realpathSync(path.resolve(__dirname, "../.."));
const nodeRequire = createRequire(__filename);
const requireFromString = nodeRequire.resolve("require-from-string", {
  paths: [path.dirname(nodeRequire.resolve("@pulumi/pulumi"))],
});
const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), "litellm-stack-admin-loading-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Providers = Pick<typeof source, "credentialProvider" | "modelProvider" | "keyProvider">;
const kinds = ["credentialProvider", "modelProvider", "keyProvider"] as const;
/** The providers as this stack's program loads them (sources) and as a consuming project does. */
const loaded: Record<"source" | "dist", () => Providers> = {
  source: () => source,
  dist: () => nodeRequire(path.join(root, "dist/components/admin/providers.js")) as Providers,
};

/** What @pulumi/pulumi/dynamic stores as `__provider` (its `serializeFunctionMaybeSecret`). */
async function serialize(provider: object): Promise<pulumi.runtime.SerializedFunction> {
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

/** Valid inputs; `olds` has the same provider, so `check` asks the gateway nothing. */
const olds = { provider: "openai" };
const news = {
  adminUrl: "http://127.0.0.1:9",
  adminKey: "test-admin-key",
  name: "loading-test",
  provider: "OpenAI",
  values: { api_key: "test-value" },
};

interface ChildResult {
  tsLoader: boolean;
  result?: { inputs: Record<string, unknown>; failures: unknown[] };
  error?: string;
  /** Modules the child loaded from litellm-stack's components (`.ts` sources or `dist/`). */
  ownFiles: string[];
}

/** Evaluates the serialized text like the provider host and calls `check` in a fresh `node`. */
async function checkInChild(text: string, cwd: string): Promise<ChildResult> {
  const dir = mkdtempSync(path.join(scratch, "child-"));
  writeFileSync(path.join(dir, "provider.js"), text);
  writeFileSync(
    path.join(dir, "host.js"),
    `const requireFromString = require(${JSON.stringify(requireFromString)});
const text = require("fs").readFileSync(${JSON.stringify(path.join(dir, "provider.js"))}, "utf8");
(async () => {
  const out = { tsLoader: require.extensions[".ts"] !== undefined };
  try {
    const provider = requireFromString(text).handler();
    out.result = await provider.check(${JSON.stringify(olds)}, ${JSON.stringify(news)});
  } catch (err) {
    out.error = err.message;
  }
  out.ownFiles = Object.keys(require.cache).filter((f) => f.includes("/components/"));
  console.log(JSON.stringify(out));
})();
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["NODE_OPTIONS"];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(dir, "host.js")], { cwd, env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

/** A project outside the checkout with its own node_modules: litellm-stack plus its dependencies. */
function consumer(name: string, install: (target: string) => void): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `{ "name": "${name}", "private": true }\n`);
  const manifest = nodeRequire(path.join(root, "package.json")) as {
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies)) {
    symlinkSync(path.join(root, "node_modules", dep), path.join(dir, "node_modules", dep));
  }
  install(path.join(dir, "node_modules", "litellm-stack"));
  return dir;
}

beforeAll(() => {
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "pipe" });
  } catch (err) {
    const { stdout, stderr } = err as { stdout: Buffer; stderr: Buffer };
    throw new Error(
      `npm run build failed; fix it, then rerun:\n${String(stdout)}${String(stderr)}`,
    );
  }
}, 120_000);

describe.each([
  [
    "the Migration step",
    async () => (await import("../../components/migration")).migrationProviderForTests,
  ],
  ["the network", async () => (await import("../../components/network")).networkProviderForTests],
])("__provider of %s", (_, provider) => {
  it("is small, spawns nothing itself and loads its operations by package name", async () => {
    const s = await serialize(await provider());
    expect(Buffer.byteLength(s.text, "utf8")).toBeLessThanOrEqual(4096);
    expect(s.containsSecrets).toBe(false);
    expect(s.text).not.toContain(root);
    expect(s.text).not.toContain("child_process");
    expect(s.text).toContain('"litellm-stack/admin-impl"');
  });
});

describe.each(Object.keys(loaded) as (keyof typeof loaded)[])("__provider (%s)", (from) => {
  it.each(kinds)("%s is small, holds no secret and no path of the checkout", async (kind) => {
    const s = await serialize(loaded[from]()[kind]);
    expect(Buffer.byteLength(s.text, "utf8")).toBeLessThanOrEqual(4096);
    expect(s.containsSecrets).toBe(false);
    expect(s.text).not.toMatch(/sk-[A-Za-z0-9]/);
    expect(s.text).not.toContain(root);
    expect(s.text).not.toContain(path.join("components", "admin"));
    expect(s.text).not.toContain("process.env");
    expect(s.text).not.toContain("ts-node");
    // Loaded by package name at run time, never inlined.
    expect(s.text).toContain('"litellm-stack/admin-impl"');
    expect(s.text).not.toContain("AdminClient");
    expect(s.text).not.toContain("zod");
  });
});

/** Where the provider host may run, and the `dist/` the implementation must then come from. */
const places: [string, (from: string) => { cwd: string; dist: string }][] = [
  ["the checkout's root (package self-reference)", () => ({ cwd: root, dist: `${root}/dist` })],
  [
    "a subdirectory of the checkout (a Pulumi.yaml `main:`)",
    () => ({ cwd: path.join(root, "components", "admin"), dist: `${root}/dist` }),
  ],
  [
    "a consuming project whose node_modules/litellm-stack links to the checkout",
    (from) => ({
      cwd: consumer(`linked-${from}`, (target) => symlinkSync(root, target)),
      dist: `${root}/dist`,
    }),
  ],
  [
    "a consuming project with an installed copy (package.json and dist/ only)",
    (from) => {
      const cwd = consumer(`copied-${from}`, (target) => {
        mkdirSync(target);
        cpSync(path.join(root, "package.json"), path.join(target, "package.json"));
        cpSync(path.join(root, "dist"), path.join(target, "dist"), { recursive: true });
      });
      return { cwd, dist: path.join(cwd, "node_modules", "litellm-stack", "dist") };
    },
  ],
];

describe.each(Object.keys(loaded) as (keyof typeof loaded)[])(
  "serialized credential provider (%s) run as the provider host runs it",
  (from) => {
    let text = "";
    beforeAll(async () => {
      text = (await serialize(loaded[from]().credentialProvider)).text;
    });

    it.each(places)(
      "from %s, checks valid inputs with the compiled implementation",
      async (_, place) => {
        const { cwd, dist } = place(from);
        const r = await checkInChild(text, cwd);
        expect(r.error).toBeUndefined();
        expect(r.tsLoader).toBe(false);
        expect(r.result).toEqual({ inputs: { ...news, provider: "openai" }, failures: [] });
        expect(r.ownFiles).toContain(path.join(dist, "components/admin/impl/index.js"));
        // Only compiled output: dist's .js files and the JSON data they import.
        expect(
          r.ownFiles.filter((f) => !f.startsWith(`${dist}/`) || !/\.(js|json)$/.test(f)),
        ).toEqual([]);
      },
    );

    it("from a directory without litellm-stack, fails naming the package, the cwd and the fix", async () => {
      const dir = mkdtempSync(path.join(scratch, "empty-"));
      const r = await checkInChild(text, dir);
      expect(r).toEqual({
        tsLoader: false,
        error: `Cannot load the LiteLLM admin implementation: the package litellm-stack (litellm-stack/admin-impl) cannot be resolved from ${dir}. Fix: run \`npm run build\` in the litellm-stack checkout, or install litellm-stack in the project that uses its components (Cannot find module 'litellm-stack/admin-impl')`,
        ownFiles: [],
      });
    });
  },
);

describe("a checkout installed with npm ci --omit=dev (no devDependencies)", () => {
  it("builds dist/ on install, and the serialized provider checks valid inputs from its root", async () => {
    const dir = path.join(scratch, "omit-dev");
    mkdirSync(dir);
    for (const entry of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "config.ts",
      "components",
      "version-policy",
      "server-env",
    ]) {
      cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    }
    execFileSync("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: "pipe",
    });
    // The devDependencies are absent; prepare (npm run build) still compiled dist/.
    expect(existsSync(path.join(dir, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(path.join(dir, "dist", "components", "admin", "impl", "index.js"))).toBe(
      true,
    );
    const text = (await serialize(loaded.dist().credentialProvider)).text;
    const r = await checkInChild(text, dir);
    expect(r.error).toBeUndefined();
    expect(r.tsLoader).toBe(false);
    expect(r.result).toEqual({ inputs: { ...news, provider: "openai" }, failures: [] });
    expect(r.ownFiles).toContain(path.join(dir, "dist/components/admin/impl/index.js"));
  }, 180_000);
});
