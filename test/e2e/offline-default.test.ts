/**
 * The main job offline: on a stack that uses the default images, `npm run up` finds the upstream
 * images absent and unpullable (no registry here), says so in one line, switches the stack to the
 * local builds of the same versions and brings the real LiteLLM up. Never the emulator.
 */
import { rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_GATEWAY_IMAGE, LOCAL_GATEWAY_IMAGE, LOCAL_POSTGRES_IMAGE } from "../../config";
import { stackNames } from "../../components/naming";
import { LITELLM_IMAGE } from "../gateway/real-litellm";
import {
  POSTGRES_IMAGE,
  ROOT,
  describeE2E,
  generatedPasswords,
  inspect,
  pulumiOk,
  removeStack,
  run,
  stackCommand,
} from "./harness";

const STACK = "ci-offline";
const PORT = 4300;
const names = stackNames(STACK);

describeE2E(
  "npm run up with the default images on a machine without a registry",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    beforeAll(async () => {
      await removeStack(STACK);
      await pulumiOk(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
      await pulumiOk(["config", "set", "--stack", STACK, "hostPort", String(PORT)]);
      await pulumiOk(["config", "set", "--stack", STACK, "deleteDataOnDestroy", "true"]);
    });

    afterAll(async () => {
      await removeStack(STACK);
      rmSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), { force: true });
    });

    it("says in one line that it uses the local builds, records imageSource=local and runs the real LiteLLM", async () => {
      // The precondition: the upstream default is not on this engine and cannot be pulled.
      expect(await inspect("image", DEFAULT_GATEWAY_IMAGE)).toBeUndefined();
      expect((await run("docker", ["pull", DEFAULT_GATEWAY_IMAGE])).code).not.toBe(0);

      const up = await stackCommand("up", STACK);
      const out = up.stdout + up.stderr;
      expect(up.code, out).toBe(0);
      const notices = out
        .split("\n")
        .filter((l) => l.includes("cannot be pulled here: using their local builds"));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(DEFAULT_GATEWAY_IMAGE);
      // …and that line is the only one about the upstream images.
      expect(out.split("\n").filter((l) => l.includes(DEFAULT_GATEWAY_IMAGE))).toEqual(notices);
      expect((await pulumiOk(["config", "get", "--stack", STACK, "imageSource"])).trim()).toBe(
        "local",
      );

      const gateway = (await inspect("container", names.gateway)) as { Config: { Image: string } };
      const db = (await inspect("container", names.db)) as { Config: { Image: string } };
      expect(gateway.Config.Image).toBe(LOCAL_GATEWAY_IMAGE);
      expect(db.Config.Image).toBe(LOCAL_POSTGRES_IMAGE);
      const ready = await fetch(`http://127.0.0.1:${PORT}/health/readiness`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { db?: string }).db).toBe("connected");

      const again = await stackCommand("up", STACK);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout + again.stderr).not.toContain("cannot be pulled here");
    });

    it("prints the last lines of the gateway's log when it does not become ready, and the next up converges", async () => {
      const original = (await generatedPasswords(STACK)).get("litellm-db-password") ?? "";
      expect(original.length).toBeGreaterThan(10);
      // A password the kept data directory does not know: LiteLLM cannot migrate, never gets ready.
      const wrong = "not-the-volume-password-0123";
      await pulumiOk(["config", "set", "--stack", STACK, "gatewayWaitTimeout", "30"]);
      await pulumiOk(["config", "set", "--secret", "--stack", STACK, "databasePassword", wrong]);
      const failed = await stackCommand("up", STACK);
      const out = failed.stdout + failed.stderr;
      expect(failed.code).not.toBe(0);
      const marker = "the gateway container is not healthy; the last lines of its log:";
      expect(out).toContain(marker);
      expect(out.slice(out.indexOf(marker))).toMatch(/authentication failed|P1000|credentials/i);
      expect(out).not.toContain(wrong);
      expect(out).not.toContain(original);

      await pulumiOk(["config", "set", "--secret", "--stack", STACK, "databasePassword", original]);
      await pulumiOk(["config", "rm", "--stack", STACK, "gatewayWaitTimeout"]);
      const again = await stackCommand("up", STACK);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const ready = await fetch(`http://127.0.0.1:${PORT}/health/readiness`);
      expect(((await ready.json()) as { db?: string }).db).toBe("connected");
    });

    it("refuses a configured image that is absent and cannot be pulled, naming the key and the fix", async () => {
      await pulumiOk([
        "config", "set", "--stack", STACK, "gatewayImage", "registry.invalid/litellm:v1.108.14",
      ]); // prettier-ignore
      const up = await stackCommand("up", STACK);
      expect(up.code).not.toBe(0);
      const out = up.stdout + up.stderr;
      expect(out).toContain(
        "litellm-stack:gatewayImage: the image registry.invalid/litellm:v1.108.14 is not on this Docker engine and cannot be pulled.",
      );
      expect(out).toContain(`pulumi config rm --stack ${STACK} litellm-stack:gatewayImage`);
      await pulumiOk(["config", "rm", "--stack", STACK, "gatewayImage"]);
    });
  },
);
