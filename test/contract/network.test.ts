/**
 * The stack's own network resource (components/network.ts, network-run.ts) on the real Docker
 * engine: created with its labels, read back, taken over when it is the stack's own, refused
 * when it is someone else's, reported gone when removed by hand, removed once.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { networkProviderForTests as provider } from "../../components/network";
import { ensureNetwork, inspectNetwork, removeNetwork } from "../../components/network-run";

const exec = promisify(execFile);

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) {
    await exec("docker", ["network", "rm", name]).catch(() => undefined);
  }
});

/** Inputs for a network of a stack, under a name no other test uses. */
function inputs(stack = "contract"): { name: string; driver: string; labels: string[] } {
  const name = `litellm-contract-${randomBytes(4).toString("hex")}-net`;
  made.push(name);
  return {
    name,
    driver: "bridge",
    labels: [`litellm-stack.role=network`, `litellm-stack.stack=${stack}`],
  };
}

describe("the stack's network on the real Docker engine", () => {
  it("creates a bridge network with the stack's labels and reads it back by name", async () => {
    const want = inputs();
    const created = await ensureNetwork(want);
    const { stdout } = await exec("docker", [
      "network",
      "inspect",
      "--format",
      "{{.Id}} {{.Driver}} {{json .Labels}}",
      want.name,
    ]);
    expect(stdout.trim()).toBe(
      `${created.id} bridge {"litellm-stack.role":"network","litellm-stack.stack":"contract"}`,
    );
    expect(await inspectNetwork(want.name)).toEqual({ id: created.id, outs: want });
  });

  it("takes over the stack's own network of that name (same id), as after an interrupted update or a move from the Docker provider", async () => {
    const want = inputs();
    const first = await ensureNetwork(want);
    expect((await ensureNetwork(want)).id).toBe(first.id);
  });

  it("refuses a network of that name that belongs to another stack, naming it and the fix", async () => {
    const want = inputs("mine");
    await exec("docker", ["network", "create", "--label", "litellm-stack.stack=theirs", want.name]);
    await expect(ensureNetwork(want)).rejects.toThrow(
      `a Docker network named ${want.name} already exists and is not this stack's (litellm-stack.stack=theirs, driver bridge; this stack's is litellm-stack.stack=mine, driver bridge). Fix: remove it (docker network rm ${want.name})`,
    );
  });

  it("reads only the network of exactly that name, not one whose id starts with it", async () => {
    const want = inputs();
    const created = await ensureNetwork(want);
    expect(await inspectNetwork(created.id.slice(0, 12))).toBeUndefined();
  });

  it("provider: create returns the network's id, read finds it, a network removed by hand reads as gone, delete tolerates it", async () => {
    const want = inputs();
    const created = await provider.create(want);
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), outs: want });
    expect(await provider.read?.(created.id, want)).toEqual({ id: created.id, props: want });
    await removeNetwork(want.name);
    expect(await inspectNetwork(want.name)).toBeUndefined();
    expect((await provider.read?.(created.id, want))?.id).toBe("");
    await expect(provider.delete?.(created.id, want)).resolves.toBeUndefined();
  });

  it("provider: delete of a network still in use fails naming the fix, and leaves it", async () => {
    const want = inputs();
    const created = await provider.create(want);
    const container = `litellm-contract-${randomBytes(4).toString("hex")}`;
    await exec("docker", [
      "create",
      "--name",
      container,
      "--network",
      want.name,
      "--entrypoint",
      "sleep",
      "litellm-stack/postgres:15-local",
      "300",
    ]);
    try {
      await exec("docker", ["start", container]);
      await expect(provider.delete?.(created.id, want)).rejects.toThrow(
        `docker network rm ${want.name} failed`,
      );
      expect((await inspectNetwork(want.name))?.id).toBe(created.id);
    } finally {
      await exec("docker", ["rm", "-f", container]);
    }
  });

  it("provider diff: a new name, driver or label replaces it (the old one first: same name); nothing else changes", async () => {
    const olds = inputs();
    const diff = (news: object) => provider.diff?.("id", olds, { ...olds, ...news });
    expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    expect(await diff({ labels: ["litellm-stack.stack=other"] })).toMatchObject({
      changes: true,
      replaces: ["labels"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ name: "x", driver: "overlay" })).toMatchObject({
      replaces: ["name", "driver"],
    });
  });
});
