/**
 * Every malformed config of the table (test/fixtures/bad-configs.ts) through `npm run up`, as a
 * user runs it, on a fresh stack of its own: the command fails, prints each pinned problem (the
 * key, what is wrong, the fix) on a line of its own and no stack trace, and nothing was created:
 * no container, network or volume of the stack, and no resource in its state.
 */
import { it } from "vitest";
import { BAD_CONFIGS } from "../fixtures/bad-configs";
import { LITELLM_IMAGE, POSTGRES_IMAGE, createTestStack, run, type TestStack } from "./harness";
import { describeE2E } from "./suite";

/** Docker objects labelled with the stack's name, by kind. */
async function dockerObjects(stack: string): Promise<string[]> {
  const filter = ["--filter", `label=litellm-stack.stack=${stack}`];
  const found: string[] = [];
  for (const [kind, args] of [
    ["container", ["ps", "-a", "--format", "{{.Names}}", ...filter]],
    ["network", ["network", "ls", "--format", "{{.Name}}", ...filter]],
    ["volume", ["volume", "ls", "--format", "{{.Name}}", ...filter]],
  ] as const) {
    const r = await run("docker", args);
    if (r.code !== 0) {
      throw new Error(`docker ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    }
    found.push(
      ...r.stdout
        .split("\n")
        .filter((n) => n !== "")
        .map((n) => `${kind} ${n}`),
    );
  }
  return found;
}

/** The resources in the stack's state other than the stack itself and its providers. */
async function stateResources(t: TestStack): Promise<string[]> {
  const deployment = (await t.stack.exportStack()).deployment as {
    resources?: { type: string; urn: string }[];
  };
  return (deployment.resources ?? [])
    .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
    .map((r) => r.urn);
}

describeE2E(
  "npm run up refuses malformed configs before creating anything",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    // Each case has its own stack, so they run a few at a time (each test's own expect).
    it.concurrent.for(BAD_CONFIGS)("$what", async (c, { expect }) => {
      const t = await createTestStack("badcfg", {
        config: { imageSource: "local", ...c.config },
      });
      try {
        const r = await t.cli("up");
        const out = `${r.stdout}\n${r.stderr}`;
        expect(r.code, out).not.toBe(0);
        const lines = out.split("\n").map((l) => l.trim());
        for (const problem of c.problems) {
          expect(
            lines.some((l) => l.endsWith(problem)),
            `the line "${problem}" in:\n${out}`,
          ).toBe(true);
        }
        expect(out).not.toMatch(/^\s+at /m);
        expect(await dockerObjects(t.name)).toEqual([]);
        expect(await stateResources(t)).toEqual([]);
      } finally {
        await t.remove();
      }
    });
  },
);
