/**
 * Fault convergence (issue 14, item 1): the stack's admin API is reached through the fault proxy
 * (config adminUrl), and on each of 3 seeds 20% of the calls fail (500, 429 with Retry-After,
 * resets, hangs until the client's timeout, commit-then-drop). `npm run up` of 50 admin objects
 * (10 credentials, 20 model aliases, 20 virtual keys; each seed replaces the previous seed's)
 * converges in at most 2 runs, with no duplicate, no orphan and nothing missing in the gateway's
 * database, and a preview with refresh afterwards finds nothing to change.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { FAULT_KINDS, FIFTY_OBJECTS, convergeSeed } from "../faults/convergence";
import { startFaultProxy, type FaultProxy } from "../faults/proxy";
import { LITELLM_IMAGE, POSTGRES_IMAGE, chat, createTestStack, type TestStack } from "./harness";
import { describeE2E } from "./suite";

describeE2E("fault convergence on the real gateway", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  let t: TestStack;
  let proxy: FaultProxy;

  beforeAll(async () => {
    t = await createTestStack("faults", { config: { imageSource: "local" } });
    proxy = await startFaultProxy({ target: t.baseUrl });
    await t.setConfig({ adminUrl: proxy.url });
    const up = await t.cli("up");
    if (up.code !== 0) {
      throw new Error(`npm run up of ${t.name} (no faults) exited ${up.code}\n${up.stderr}`);
    }
  });

  afterAll(async () => {
    await t?.remove();
    await proxy?.close();
  });

  test.for([1, 2, 3])(
    "seed %i: 50 admin objects converge in at most 2 runs of up with 20% of admin calls failing; no duplicate, orphan or missing object",
    async (seed) => {
      const result = await convergeSeed(t, proxy, seed);
      const summary = JSON.stringify({ ...result, lastFailure: undefined });
      expect(result.runs, `${summary}\n${result.lastFailure ?? ""}`).toBeLessThanOrEqual(2);
      // Faults of every kind were injected: the runs did go through a failing admin API.
      expect(Object.keys(result.faults).sort(), summary).toEqual([...FAULT_KINDS].sort());
      expect(result.duplicates, summary).toEqual([]);
      expect(result.orphans, summary).toEqual([]);
      expect(result.missing, summary).toEqual([]);
      const keys = await t.output<Record<string, string>>("virtualKeys");
      expect(Object.keys(keys).sort()).toEqual(
        Array.from({ length: FIFTY_OBJECTS.keys }, (_, i) => `s${seed}-key-${i}`).sort(),
      );
      // A key of this seed answers a chat on its model (straight to the gateway, no faults).
      const answer = await chat(t.baseUrl, keys[`s${seed}-key-3`] ?? "", `s${seed}-model-3`);
      expect(answer).toEqual({ status: 200, text: `answer of s${seed}-model-3` });
      expect(await t.changes()).toEqual([]);
    },
  );
});
