/**
 * `npm run drift` on the real gateway (docs/drift.md): the catalogue of out-of-band changes, each
 * made by hand the way an operator would (admin API, docker), each detected with its config name
 * and properties, and each repaired by one `npm run up` (which refreshes first), after which a
 * drift run is clean again. An untouched stack gives no false alarm; an object made by hand that
 * the stack does not own is information, not drift. No secret appears in any output.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect, test as base } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  deployedFixture,
  docker,
  freePort,
  inspect,
  type DeployedStack,
  type RunResult,
} from "./harness";
import { describeE2E } from "./suite";

const CREDENTIAL_SECRET = "sk-drift-credential-0042";

const test = base.extend<{ gw: DeployedStack }>({
  gw: deployedFixture("drift", {
    config: {
      imageSource: "local",
      "credentials[0].name": "dr-cred",
      "credentials[0].provider": "openai",
      "credentials[0].values.api_key": { secret: CREDENTIAL_SECRET },
      "models[0].name": "dr-model",
      "models[0].target": "openai/gpt-4o",
      "models[0].credential": "dr-cred",
      "models[0].params.mock_response": "drift",
      "models[1].name": "dr-other",
      "models[1].target": "openai/gpt-4o-mini",
      "models[1].params.mock_response": "other",
      "keys[0].alias": "dr-key",
      "keys[0].models[0]": "dr-model",
      "keys[0].maxBudget": "10",
      "keys[0].rpmLimit": "5",
    },
  }),
});

interface DriftRun extends RunResult {
  report: {
    drifted: boolean;
    resources: {
      name: string;
      op: string;
      properties: { name: string; old?: unknown; new?: unknown; secret: boolean }[];
    }[];
    unmanaged: { kind: string; name: string }[];
    notes: string[];
  };
}

let runs = 0;

/** `npm run drift --json`; asserts that no secret is printed. */
async function drift(gw: DeployedStack): Promise<DriftRun> {
  const file = path.join(gw.dir, `drift-${++runs}.json`);
  const r = await gw.cli("drift", ["--json", file]);
  const text = `${r.stdout}${r.stderr}`;
  for (const secret of [CREDENTIAL_SECRET, await gw.output<string>("LITELLM_MASTER_KEY")]) {
    expect(text).not.toContain(secret);
  }
  const report = r.code === 0 || r.code === 3 ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  return { ...r, report } as DriftRun;
}

/** `npm run up` repairs it, and the next drift run is clean. */
async function repaired(gw: DeployedStack): Promise<void> {
  const up = await gw.cli("up");
  expect(up.code, up.stdout + up.stderr).toBe(0);
  const after = await drift(gw);
  expect(after.code, after.stdout + after.stderr).toBe(0);
  expect(after.stdout).toContain(`no drift: stack '${gw.name}' matches its code and config`);
}

const master = (gw: DeployedStack) => gw.output<string>("LITELLM_MASTER_KEY");
const rawKey = async (gw: DeployedStack) =>
  (await gw.output<Record<string, string>>("virtualKeys"))["dr-key"] ?? "";
const modelId = async (gw: DeployedStack, name: string): Promise<string> => {
  const info = await adminApi(gw.baseUrl, "GET", "/model/info", await master(gw));
  const rows = info.body["data"] as { model_name: string; model_info: { id: string } }[];
  const row = rows.find((r) => r.model_name === name);
  expect(row, name).toBeDefined();
  return row?.model_info.id ?? "";
};

describeE2E(
  "npm run drift and the catalogue of out-of-band changes",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("an untouched stack: three drift runs in a row exit 0", async ({ gw }) => {
      for (let i = 0; i < 3; i++) {
        const r = await drift(gw);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.report.drifted).toBe(false);
        expect(r.report.resources).toEqual([]);
      }
    });

    test("a key made by hand is listed as information, not drift", async ({ gw }) => {
      const made = await adminApi(gw.baseUrl, "POST", "/key/generate", await master(gw), {
        key_alias: "made-by-hand",
      });
      expect(made.status).toBe(200);
      try {
        const r = await drift(gw);
        expect(r.code, r.stdout).toBe(0);
        expect(r.report.unmanaged).toContainEqual({ kind: "key", name: "made-by-hand" });
        expect(r.stdout).toMatch(
          /^info: on the gateway but not managed by this stack \(not drift\):\n {2}key "made-by-hand"$/m,
        );
      } finally {
        await adminApi(gw.baseUrl, "POST", "/key/delete", await master(gw), {
          keys: [made.body["key"]],
        });
      }
    });

    test("virtual key deleted: reported missing; up creates it again", async ({ gw }) => {
      const del = await adminApi(gw.baseUrl, "POST", "/key/delete", await master(gw), {
        keys: [await rawKey(gw)],
      });
      expect(del.status).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  key "dr-key": missing: up creates it');
      await repaired(gw);
    });

    test("key budget, models, limits and alias edited: each property old → new; up sets them back", async ({
      gw,
    }) => {
      const upd = await adminApi(gw.baseUrl, "POST", "/key/update", await master(gw), {
        key: await rawKey(gw),
        max_budget: 99,
        rpm_limit: 50,
        models: ["dr-model", "dr-other"],
        key_alias: "dr-key-renamed",
      });
      expect(upd.status, JSON.stringify(upd.body)).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  key "dr-key": changed: up sets it back');
      expect(r.stdout).toContain("    maxBudget: 99 → 10");
      expect(r.stdout).toContain("    rpmLimit: 50 → 5");
      expect(r.stdout).toContain('    alias: "dr-key-renamed" → "dr-key"');
      expect(r.stdout).toMatch(/^ {4}models(\[1\])?: /m);
      await repaired(gw);
    });

    test("key blocked: reported; up unblocks it", async ({ gw }) => {
      const block = await adminApi(gw.baseUrl, "POST", "/key/block", await master(gw), {
        key: await rawKey(gw),
      });
      expect(block.status).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  key "dr-key": changed: up sets it back');
      expect(r.stdout).toMatch(/^ {4}blocked: true → /m);
      await repaired(gw);
    });

    test("model alias deleted: reported missing; up registers it again", async ({ gw }) => {
      const del = await adminApi(gw.baseUrl, "POST", "/model/delete", await master(gw), {
        id: await modelId(gw, "dr-other"),
      });
      expect(del.status, JSON.stringify(del.body)).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  model "dr-other": missing: up creates it');
      await repaired(gw);
    });

    test("alias target changed, and api_base added: each property reported; up restores them", async ({
      gw,
    }) => {
      const id = await modelId(gw, "dr-other");
      const patch = await adminApi(gw.baseUrl, "PATCH", `/model/${id}/update`, await master(gw), {
        litellm_params: { model: "openai/gpt-4.1", api_base: "http://example.invalid/v1" },
      });
      expect(patch.status, JSON.stringify(patch.body)).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/^ {2}model "dr-other": changed: up (sets it back|replaces it)$/m);
      expect(r.stdout).toContain('    target: "openai/gpt-4.1" → "openai/gpt-4o-mini"');
      expect(r.stdout).toMatch(/^ {4}params(\.api_base)?: .*example\.invalid/m);
      await repaired(gw);
    });

    test("credential deleted: reported missing; up creates it again", async ({ gw }) => {
      const del = await adminApi(gw.baseUrl, "DELETE", "/credentials/dr-cred", await master(gw));
      expect(del.status).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  credential "dr-cred": missing: up creates it');
      await repaired(gw);
    });

    test("credential value changed: reported as changed, the value never shown; up writes it back", async ({
      gw,
    }) => {
      const patch = await adminApi(gw.baseUrl, "PATCH", "/credentials/dr-cred", await master(gw), {
        credential_name: "dr-cred",
        credential_values: { api_key: "sk-changed-by-hand-0000" },
        credential_info: { custom_llm_provider: "openai" },
      });
      expect(patch.status, JSON.stringify(patch.body)).toBe(200);
      const r = await drift(gw);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('  credential "dr-cred": changed: up sets it back');
      expect(r.stdout).toMatch(/^ {4}values.*: changed$/m);
      expect(r.stdout).not.toContain("sk-changed-by-hand");
      await repaired(gw);
    });

    test("gateway container stopped: reported, contents not compared; up starts it", async ({
      gw,
    }) => {
      await docker(["stop", gw.names.gateway]);
      const r = await drift(gw);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(
        /^ {2}gateway container \(.+\): changed: up (sets it back|replaces it)$/m,
      );
      expect(r.stdout).toContain("were not compared");
      expect(r.stdout).not.toMatch(/^\s+at /m);
      await repaired(gw);
    });

    test("gateway container removed: reported missing; up creates it", async ({ gw }) => {
      await docker(["rm", "-f", gw.names.gateway]);
      const r = await drift(gw);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(/^ {2}gateway container \(.+\): missing: up creates it$/m);
      await repaired(gw);
    });

    test("gateway recreated by hand and published on another address: reported as replaced, with both addresses; up removes it and creates the declared one", async ({
      gw,
    }) => {
      const image = (
        (await inspect("container", gw.names.gateway)) as { Config: { Image: string } }
      ).Config.Image;
      await docker(["rm", "-f", gw.names.gateway]);
      const port = await freePort();
      await docker([
        "run",
        "-d",
        "--name",
        gw.names.gateway,
        "--network",
        gw.names.network,
        "-p",
        `0.0.0.0:${port}:4000`,
        "--entrypoint",
        "sleep",
        image,
        "3600",
      ]);
      const r = await drift(gw);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(
        /^ {2}gateway container \(.+\): replaced outside the stack: up removes the replacement and creates the declared one$/m,
      );
      expect(r.stdout).toContain(`    published: "0.0.0.0:${port}" → "127.0.0.1:${gw.port}"`);
      await repaired(gw);
    });

    test("database container stopped: reported; up starts it", async ({ gw }) => {
      await docker(["stop", gw.names.db]);
      const r = await drift(gw);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(
        /^ {2}database container \(.+\): changed: up (sets it back|replaces it)$/m,
      );
      await repaired(gw);
    });
  },
);
