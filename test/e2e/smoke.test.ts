/**
 * Smoke test of the offline toolchain: a tiny Pulumi program (test/fixtures/smoke) run with the
 * real CLI through the Automation API creates a RandomPassword, a Docker network, a volume and a
 * healthy Postgres container; a second preview changes nothing; destroy removes everything.
 */
import * as path from "node:path";
import { test as base, expect } from "vitest";
import {
  POSTGRES_IMAGE,
  ROOT,
  createTestStack,
  inspect,
  uniqueSuffix,
  type TestStack,
} from "./harness";
import { describeE2E } from "./suite";

const project = path.join(ROOT, "test/fixtures/smoke");

interface Smoke {
  test: TestStack;
  prefix: string;
}

const test = base.extend<{ smoke: Smoke }>({
  smoke: [
    async ({}, use) => {
      const prefix = `lsmoke-${uniqueSuffix()}`;
      const smoke = await createTestStack("smoke", {
        project,
        config: {
          "litellm-stack-smoke:prefix": prefix,
          "litellm-stack-smoke:image": POSTGRES_IMAGE,
        },
      });
      try {
        await smoke.stack.up();
        await use({ test: smoke, prefix });
      } finally {
        await smoke.remove();
      }
    },
    { scope: "file" },
  ],
});

describeE2E(
  "toolchain smoke (real pulumi CLI, Docker, local Postgres image)",
  [POSTGRES_IMAGE],
  () => {
    test("pulumi up creates a password, network, volume and a healthy Postgres container", async ({
      smoke,
    }) => {
      const { prefix } = smoke;
      const state = (await inspect("container", `${prefix}-db`))?.["State"] as
        { Running: boolean; Health: { Status: string } } | undefined;
      expect(state?.Running).toBe(true);
      expect(state?.Health.Status).toBe("healthy");
      expect(await inspect("network", `${prefix}-net`)).toBeDefined();
      expect(await inspect("volume", `${prefix}-data`)).toBeDefined();
      const password = await smoke.test.output<string>("passwordValue");
      expect(password).toHaveLength(24);
      expect(smoke.test.rawState()).not.toContain(password);
    });

    test("a second preview changes nothing", async ({ smoke }) => {
      expect(await smoke.test.changes()).toEqual([]);
    });

    test("pulumi destroy removes the container, network and volume", async ({ smoke }) => {
      const result = await smoke.test.stack.destroy();
      expect(result.summary.result).toBe("succeeded");
      expect(await inspect("container", `${smoke.prefix}-db`)).toBeUndefined();
      expect(await inspect("network", `${smoke.prefix}-net`)).toBeUndefined();
      expect(await inspect("volume", `${smoke.prefix}-data`)).toBeUndefined();
    });
  },
);
