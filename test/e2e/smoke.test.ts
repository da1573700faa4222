/**
 * Smoke test of the offline toolchain: a tiny Pulumi program run with the real CLI creates a
 * RandomPassword, a Docker network, a volume and a healthy Postgres container; a second preview
 * expects no changes; destroy removes everything.
 */
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  POSTGRES_IMAGE,
  ROOT,
  describeE2E,
  inspect,
  pulumi,
  pulumiOk,
  uniqueSuffix,
} from "./harness";

const project = path.join(ROOT, "test/e2e/fixtures/smoke");
const suffix = uniqueSuffix();
const stack = `smoke-${suffix}`;
const prefix = `lsmoke-${suffix}`;

describeE2E(
  "toolchain smoke (real pulumi CLI, Docker, local Postgres image)",
  [POSTGRES_IMAGE],
  () => {
    const opts = { project };

    afterAll(async () => {
      await pulumi(["destroy", "--yes", "--stack", stack], opts);
      await pulumi(["stack", "rm", "--yes", "--force", stack], opts);
    });

    it("pulumi up creates a password, network, volume and a healthy Postgres container", async () => {
      await pulumiOk(["stack", "init", stack], opts);
      await pulumiOk(["config", "set", "--stack", stack, "prefix", prefix], opts);
      await pulumiOk(["config", "set", "--stack", stack, "image", POSTGRES_IMAGE], opts);
      await pulumiOk(["up", "--yes", "--skip-preview", "--stack", stack], opts);

      const container = await inspect("container", `${prefix}-db`);
      expect(container).toBeDefined();
      const state = container?.["State"] as { Running: boolean; Health: { Status: string } };
      expect(state.Running).toBe(true);
      expect(state.Health.Status).toBe("healthy");
      expect(await inspect("network", `${prefix}-net`)).toBeDefined();
      expect(await inspect("volume", `${prefix}-data`)).toBeDefined();

      const password = (
        await pulumiOk(
          ["stack", "output", "passwordValue", "--show-secrets", "--stack", stack],
          opts,
        )
      ).trim();
      expect(password).toHaveLength(24);
      const exported = await pulumiOk(["stack", "export", "--stack", stack], opts);
      expect(exported).not.toContain(password);
    });

    it("pulumi preview --expect-no-changes passes on the unchanged stack", async () => {
      const result = await pulumi(["preview", "--expect-no-changes", "--stack", stack], opts);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it("pulumi destroy removes the container, network and volume", async () => {
      await pulumiOk(["destroy", "--yes", "--stack", stack], opts);
      expect(await inspect("container", `${prefix}-db`)).toBeUndefined();
      expect(await inspect("network", `${prefix}-net`)).toBeUndefined();
      expect(await inspect("volume", `${prefix}-data`)).toBeUndefined();
    });
  },
);
