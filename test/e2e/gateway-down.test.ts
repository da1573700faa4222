/**
 * End-to-end tests of a stack with declared contents (one credential, one model alias, one
 * virtual key) whose gateway is stopped (`npm run stop`): preview reports the stopped containers
 * (the contents cannot be read, so they are left as recorded) and no error; down fails with the
 * one line that says the gateway does not answer and how to start it; a stack whose data volume is deleted
 * on destroy finishes `down` without the gateway (the contents are `deletedWith` the volume, so
 * the engine never calls their deletes). Real Pulumi CLI, Docker, Postgres and LiteLLM.
 */
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  deployTestStack,
  inspect,
  type ConfigEntry,
  type DeployedStack,
  type RunResult,
} from "./harness";
import { describeE2E } from "./suite";

const CREDENTIAL_SECRET = "sk-gateway-down-secret-0007";

/** The alias answers chat completions itself (`mock_response`): no provider is needed. */
const CONTENTS: Record<string, ConfigEntry> = {
  imageSource: "local",
  "credentials[0].name": "down-cred",
  "credentials[0].provider": "openai",
  "credentials[0].values.api_key": { secret: CREDENTIAL_SECRET },
  "models[0].name": "down-model",
  "models[0].target": "openai/gpt-4o",
  "models[0].credential": "down-cred",
  "models[0].params.mock_response": "down",
  "keys[0].alias": "down-key",
};

/** The content resources' types. */
const CONTENT_TYPES = ["ProviderCredential", "ModelAlias", "VirtualKey"].map(
  (t) => `pulumi-nodejs:dynamic/litellm:${t}`,
);

/** The one line every admin call of `t` fails with while its gateway is stopped. */
function unreachableLine(t: DeployedStack): string {
  return (
    `LiteLLM gateway at ${t.baseUrl} does not answer (connection refused, ECONNREFUSED). ` +
    `Fix: start it with 'npm run start -- --stack ${t.name}' (or 'npm run up -- --stack ${t.name}' if its container is gone), then try again.`
  );
}

/** A command's whole output, as a user sees it. */
const output = (r: RunResult): string => `${r.stdout}\n${r.stderr}`;

/** The output shows no stack frame, no transport internals and no secret. */
async function expectClean(t: DeployedStack, r: RunResult): Promise<void> {
  const out = output(r);
  expect(out).not.toMatch(/^\s+at /m);
  expect(out).not.toMatch(/connect ECONNREFUSED|undici|node_modules|LiteLlmApiError/);
  expect(out).not.toContain(CREDENTIAL_SECRET);
  expect(out).not.toContain(await t.output<string>("LITELLM_MASTER_KEY"));
}

/** `npm run stop`, asserted. */
async function stop(t: DeployedStack): Promise<void> {
  const stopped = await t.cli("stop");
  expect(stopped.code, output(stopped)).toBe(0);
  expect(await inspect("container", t.names.gateway)).toMatchObject({
    State: { Running: false },
  });
}

/** `npm run start`, asserted. */
async function start(t: DeployedStack): Promise<void> {
  const started = await t.cli("start");
  expect(started.code, output(started)).toBe(0);
}

describeE2E(
  "a stack with contents whose gateway is down (real pulumi CLI, Docker, LiteLLM)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("npm run preview with the gateway stopped reports the stopped containers without an error or a stack trace (the contents are not read); after npm run start it is clean", async () => {
      const t = await deployTestStack("gwdown-preview", { config: CONTENTS });
      try {
        await stop(t);
        const started = Date.now();
        const preview = await t.cli("preview", ["--expect-no-changes"]);
        console.info(
          `preview with the gateway stopped: exit ${preview.code} after ${Date.now() - started} ms`,
        );
        // The containers differ from the declared (running) ones: a change, not an error.
        expect(preview.code, output(preview)).toBe(1);
        expect(output(preview)).not.toMatch(/does not answer|ECONNREFUSED|Preview failed/);
        expect(output(preview)).toMatch(/litellm-gateway-container/);
        await expectClean(t, preview);

        await start(t);
        const clean = await t.cli("preview", ["--expect-no-changes"]);
        expect(clean.code, output(clean)).toBe(0);
        expect(await t.changes()).toEqual([]);
      } finally {
        await t.remove();
      }
    });

    test("deleteDataOnDestroy: npm run down with the gateway stopped makes no admin call and removes containers, network and volume", async () => {
      const t = await deployTestStack("gwdown-wipe", {
        config: { ...CONTENTS, deleteDataOnDestroy: "true" },
      });
      try {
        // What lets the engine skip the deletes: each content resource is deletedWith the volume.
        const deployment = (await t.stack.exportStack()).deployment as {
          resources: { urn: string; type: string; deletedWith?: string }[];
        };
        const volume = deployment.resources.find((r) => r.type === "docker:index/volume:Volume");
        expect(volume?.urn).toMatch(/::litellm-db-data$/);
        const contents = deployment.resources.filter((r) => CONTENT_TYPES.includes(r.type));
        expect(contents.map((r) => r.type).sort()).toEqual([...CONTENT_TYPES].sort());
        for (const r of contents) {
          expect(r.deletedWith, r.urn).toBe(volume?.urn);
        }

        await stop(t);
        const down = await t.cli("down");
        expect(down.code, output(down)).toBe(0);
        // A delete that reached the provider would have tried the gateway (and logged retries).
        expect(output(down)).not.toMatch(/does not answer|LiteLLM (GET|POST|DELETE) /);
        for (const r of contents) {
          const name = r.urn.slice(r.urn.lastIndexOf("::") + 2);
          expect(down.stdout).toMatch(new RegExp(`- +${r.type} ${name} deleted`));
        }
        await expectClean(t, down);
        expect(await inspect("container", t.names.gateway)).toBeUndefined();
        expect(await inspect("container", t.names.db)).toBeUndefined();
        expect(await inspect("network", t.names.network)).toBeUndefined();
        expect(await inspect("volume", t.names.volume)).toBeUndefined();
        const after = (await t.stack.exportStack()).deployment as { resources?: unknown[] };
        expect(after.resources ?? []).toEqual([]);
      } finally {
        await t.remove();
      }
    });

    test("kept data: npm run down with the gateway stopped fails with the one line; after npm run start it finishes and keeps the volume", async () => {
      const t = await deployTestStack("gwdown-keep", { config: CONTENTS });
      try {
        await stop(t);
        const failed = await t.cli("down");
        expect(failed.code, output(failed)).toBe(1);
        expect(output(failed)).toContain(`error: ${unreachableLine(t)}`);
        await expectClean(t, failed);

        await start(t);
        const down = await t.cli("down");
        expect(down.code, output(down)).toBe(0);
        expect(await inspect("container", t.names.gateway)).toBeUndefined();
        expect(await inspect("container", t.names.db)).toBeUndefined();
        expect(await inspect("network", t.names.network)).toBeUndefined();
        expect(await inspect("volume", t.names.volume)).toBeDefined();
      } finally {
        await t.remove();
      }
    });
  },
);
