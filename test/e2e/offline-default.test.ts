/**
 * The main job offline: on a stack that uses the default images, `npm run up` finds the upstream
 * images absent and unpullable (no registry here), says so in one line, switches the stack to the
 * local builds of the same versions and brings the real LiteLLM up. Never the emulator.
 */
import { expect, test as base } from "vitest";
import { DEFAULT_GATEWAY_IMAGE, LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE } from "../../config";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  createTestStack,
  deployedFixture,
  generatedPasswords,
  inspect,
  run,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

/** A stack on the default images (no imageSource, no image keys): the fixture's up switches it. */
const test = base.extend<{ offline: DeployedStack }>({
  offline: deployedFixture("offline", { config: { deleteDataOnDestroy: "true" } }),
});

const NOTICE = "cannot be pulled here: using their local builds";

describeE2E(
  "npm run up with the default images on a machine without a registry",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("says in one line that it uses the local builds, records imageSource=local and runs the real LiteLLM", async ({
      offline,
    }) => {
      // The precondition: the upstream default is not on this engine and cannot be pulled.
      expect(await inspect("image", DEFAULT_GATEWAY_IMAGE)).toBeUndefined();
      expect((await run("docker", ["pull", DEFAULT_GATEWAY_IMAGE])).code).not.toBe(0);

      const out = offline.up.stdout + offline.up.stderr;
      const notices = out.split("\n").filter((l) => l.includes(NOTICE));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(DEFAULT_GATEWAY_IMAGE);
      // …and that line is the only one about the upstream images.
      expect(out.split("\n").filter((l) => l.includes(DEFAULT_GATEWAY_IMAGE))).toEqual(notices);
      expect((await offline.stack.getConfig("litellm-stack:imageSource")).value).toBe("local");

      const gateway = (await inspect("container", offline.names.gateway)) as {
        Config: { Image: string };
      };
      const db = (await inspect("container", offline.names.db)) as { Config: { Image: string } };
      expect(gateway.Config.Image).toBe(LOCAL_GATEWAY_IMAGE);
      expect(db.Config.Image).toBe(LOCAL_POSTGRES_IMAGE);
      const ready = await fetch(`${offline.baseUrl}/health/readiness`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { db?: string }).db).toBe("connected");

      const again = await offline.cli("up");
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout + again.stderr).not.toContain(NOTICE);
    });

    test("prints the last lines of the migration's log when the database refuses it (wrong password), and the next up converges", async ({
      offline,
    }) => {
      const original = (await generatedPasswords(offline.stack)).get("litellm-db-password") ?? "";
      expect(original.length).toBeGreaterThan(10);
      // A password the kept data directory does not know: LiteLLM cannot migrate.
      const wrong = "not-the-volume-password-0123";
      // A cap, not a wait: the migration exits as soon as Postgres refuses it. Under a loaded CI run
      // preparing its Prisma toolchain alone took over 30 s, so the cap is well above that.
      await offline.setConfig({ gatewayWaitTimeout: "180", databasePassword: { secret: wrong } });
      try {
        const failed = await offline.cli("up");
        const out = failed.stdout + failed.stderr;
        expect(failed.code).toBe(1);
        // The migration step meets the wrong password first: it stops up with its log's tail.
        const marker = "Last 30 lines of its log:";
        expect(out).toContain("the database migration of");
        expect(out).toContain("the running gateway was left untouched");
        expect(out).toContain(marker);
        expect(out.slice(out.indexOf(marker))).toMatch(/authentication failed|P1000|credentials/i);
        expect(out).not.toContain(wrong);
        expect(out).not.toContain(original);
      } finally {
        await offline.setConfig({ databasePassword: { secret: original } });
        await offline.removeConfig(["gatewayWaitTimeout"]);
      }
      const again = await offline.cli("up");
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const ready = await fetch(`${offline.baseUrl}/health/readiness`);
      expect(((await ready.json()) as { db?: string }).db).toBe("connected");
    });

    test("refuses a configured image that is absent and cannot be pulled, naming the key and the fix", async () => {
      const image = "registry.invalid/litellm:v1.108.14";
      const t = await createTestStack("noimage", { config: { gatewayImage: image } });
      try {
        const up = await t.cli("up");
        expect(up.code).toBe(1);
        const out = up.stdout + up.stderr;
        expect(out).toContain(
          `litellm-stack:gatewayImage: the image ${image} is not on this Docker engine and cannot be pulled.`,
        );
        expect(out).toContain(`pulumi config rm --stack ${t.name} litellm-stack:gatewayImage`);
        expect(
          await run("docker", ["ps", "-aq", "--filter", `label=litellm-stack.stack=${t.name}`]),
        ).toMatchObject({
          stdout: "",
        });
      } finally {
        await t.remove();
      }
    });
  },
);
