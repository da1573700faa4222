/**
 * Upgrading the stack's own code: a stack deployed by the previous release (the git tag
 * v0.1.0, checked out as a worktree) is refreshed, updated and destroyed by the current code.
 * Between the two the admin implementation moved (loaded by path with ts-node then, by package
 * name from dist/ now) and its outputs changed shape (schemaVersion, the keys' server settings,
 * the credentials' owner tag). Nothing may be replaced: the virtual key keeps its raw value.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect, test } from "vitest";
import { OUTPUT_SCHEMA_VERSION } from "../../components/admin/impl";
import { openStack } from "../../cli/workspace";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  changes,
  chat,
  createTestStack,
  inspect,
} from "./harness";
import { describeE2E } from "./suite";

/**
 * The previous release: a git tag kept in the repository, and the commit it names. A clone made
 * without tags (CI clones one branch) still has the commit in main's history, so the test checks
 * out the commit and, where the tag exists, first checks that it still names that commit.
 */
const PREVIOUS_RELEASE = {
  tag: "v0.1.0",
  commit: "0640c3ceb43d588cbbf3dfec5badf6afa2d99917",
} as const;

/** Checks the previous release out as a git worktree that shares this checkout's node_modules. */
function checkOutPreviousRelease(): { dir: string; remove: () => void } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "litellm-stack-release-")), "tree");
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", ROOT, ...args], { stdio: "pipe" })
      .toString()
      .trim();
  const { tag, commit } = PREVIOUS_RELEASE;
  const resolve = (ref: string): string | undefined => {
    try {
      return git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
    } catch {
      return undefined;
    }
  };
  const released = resolve(commit);
  if (released === undefined) {
    throw new Error(
      `the previous release ${tag} (commit ${commit}) is not in this clone's history: clone the whole history (git fetch --unshallow)`,
    );
  }
  const tagged = resolve(`refs/tags/${tag}`);
  if (tagged !== undefined && tagged !== released) {
    throw new Error(`the tag ${tag} names ${tagged}, not the previous release ${released}`);
  }
  git("worktree", "add", "--detach", dir, released);
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return {
    dir,
    remove: () => {
      git("worktree", "remove", "--force", dir);
      rmSync(path.dirname(dir), { recursive: true, force: true });
    },
  };
}

/** The resources of a raw state file. */
function stateResources(
  rawState: string,
): { urn: string; type: string; outputs?: Record<string, unknown> }[] {
  const state = JSON.parse(rawState) as {
    checkpoint: {
      latest: { resources: { urn: string; type: string; outputs?: Record<string, unknown> }[] };
    };
  };
  return state.checkpoint.latest.resources;
}

/** The stack's dynamic resources in a raw state file: name, serialized provider, schema version. */
function dynamicResources(
  rawState: string,
): { name: string; provider: string; schemaVersion: unknown }[] {
  return stateResources(rawState)
    .filter(
      (r) =>
        r.type.startsWith("pulumi-nodejs:dynamic/litellm:") &&
        !r.type.endsWith(":SaltGuard") &&
        !r.type.endsWith(":Migration"),
    )
    .map((r) => ({
      name: r.urn.slice(r.urn.lastIndexOf("::") + 2),
      provider: String(r.outputs?.["__provider"]),
      schemaVersion: r.outputs?.["schemaVersion"],
    }));
}

/** The resource types of a raw state file. */
const types = (rawState: string): string[] => stateResources(rawState).map((r) => r.type);

describeE2E(
  `a stack deployed by the previous release (${PREVIOUS_RELEASE.tag}) under the current code`,
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("the current code refreshes, moves the network to its own resource type without touching it, adds the migration step and replaces only the gateway container (the virtual key keeps its raw value), previews clean and destroys", async () => {
      const previous = checkOutPreviousRelease();
      const t = await createTestStack("upgrade", {
        project: previous.dir,
        config: {
          imageSource: "local",
          deleteDataOnDestroy: "true",
          "credentials[0].name": "up-cred",
          "credentials[0].provider": "openai",
          "credentials[0].values.api_key": { secret: "sk-upgrade-test-0123456789" },
          "models[0].name": "up-model",
          "models[0].target": "openai/gpt-4o",
          "models[0].credential": "up-cred",
          "models[0].params.mock_response": "answer from the old release",
          "keys[0].alias": "up-key",
        },
      });
      try {
        // The previous release deploys (its program, its path-loading providers).
        const deployed = await t.stack.up();
        expect(deployed.summary.result).toBe("succeeded");
        const rawKey = (await t.output<Record<string, string>>("LITELLM_VIRTUAL_KEYS"))["up-key"];
        expect(rawKey).toMatch(/^sk-/);
        const old = dynamicResources(t.rawState());
        expect(old).toHaveLength(3);
        for (const r of old) {
          // The old shim loads the implementation by path; its outputs have no schema version.
          expect(r.provider, r.name).toContain("LITELLM_ADMIN_IMPL");
          expect(r.schemaVersion, r.name).toBeUndefined();
        }

        // The current code takes over the same stack (same backend and config).
        const current = await openStack(
          { stack: t.name, configDir: t.configDir, env: t.env },
          { create: false },
        );
        const refresh = await current.refresh();
        expect(refresh.summary.result).toBe("succeeded");
        // The old shim ran the current implementation, which wrote the current output shape.
        expect(dynamicResources(t.rawState()).map((r) => [r.name, r.schemaVersion])).toEqual(
          old.map((r) => [r.name, OUTPUT_SCHEMA_VERSION]),
        );

        // The previous release's network is the Docker provider's resource: drift says that the
        // move to the stack's own resource is pending, and does not report it as drift.
        expect(types(t.rawState())).toContain("docker:index/network:Network");
        const idOf = async (kind: "network" | "container", name: string): Promise<unknown> =>
          (await inspect(kind, name))?.["Id"];
        const networkId = await idOf("network", t.names.network);
        const dbId = await idOf("container", t.names.db);
        const gatewayId = await idOf("container", t.names.gateway);
        expect(networkId).toEqual(expect.any(String));
        const drift = await t.cli("drift");
        expect(drift.stdout).toContain("the next npm run up moves it to the stack's own resource");
        expect(drift.stdout).not.toMatch(/^ {2}network/m);

        // What the current code changes (npm run up, as users run it): the old network resource
        // leaves the state first; the migration step it added runs once and the network resource
        // takes the network over (two creates), and the gateway container is replaced to serve
        // with DISABLE_SCHEMA_UPDATE=true. Nothing else is created, replaced or deleted: the
        // network and the database container stay the same objects, the gateway contents are only
        // updated in place.
        const up = await t.cli("up");
        expect(up.code, up.stdout + up.stderr).toBe(0);
        expect(up.stderr + up.stdout).toContain("moving the stack's network to its own resource");
        const [last] = await current.history(1);
        expect(last?.resourceChanges).toMatchObject({ create: 2, replace: 1 });
        expect(last?.resourceChanges?.["delete"] ?? 0).toBe(0);
        expect(types(t.rawState())).not.toContain("docker:index/network:Network");
        expect(types(t.rawState())).toContain("pulumi-nodejs:dynamic/litellm:Network");
        expect(await idOf("network", t.names.network)).toBe(networkId);
        expect(await idOf("container", t.names.db)).toBe(dbId);
        expect(await idOf("container", t.names.gateway)).not.toBe(gatewayId);
        // The key was neither replaced nor rotated: the raw key the old release minted still works.
        expect((await current.outputs())["virtualKeys"]?.value).toEqual({
          "up-key": rawKey,
        });
        expect((await chat(t.baseUrl, rawKey as string, "up-model")).status).toBe(200);
        expect(await changes(current)).toEqual([]);

        const down = await t.cli("down");
        expect(down.code, down.stdout + down.stderr).toBe(0);
        expect(await inspect("container", t.names.gateway)).toBeUndefined();
        expect(await inspect("volume", t.names.volume)).toBeUndefined();
        const state = (await current.exportStack()).deployment as { resources?: unknown[] };
        expect(state.resources ?? []).toEqual([]);
      } finally {
        await t.remove();
        previous.remove();
      }
    });
  },
);
