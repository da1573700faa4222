/**
 * The local LiteLLM image keeps the upstream image's contract: the run-time env it takes, port
 * 4000 (or PORT), no secret baked in, Prisma kept off its binary server, the stack's healthcheck.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { GATEWAY_HEALTHCHECK } from "../../components/gateway";
import { LITELLM_IMAGE, startRealGateway } from "../gateway/real-litellm";
import { gateway } from "./helpers";

const exec = promisify(execFile);

async function imageConfig(): Promise<{
  Env: string[];
  ExposedPorts: object;
  Entrypoint: string[];
}> {
  const { stdout } = await exec("docker", [
    "image",
    "inspect",
    "--format",
    "{{json .Config}}",
    LITELLM_IMAGE,
  ]);
  return JSON.parse(stdout) as { Env: string[]; ExposedPorts: object; Entrypoint: string[] };
}

describe("the local LiteLLM image", () => {
  it("exposes 4000, starts the litellm CLI, and bakes in no secret, only offline settings", async () => {
    const config = await imageConfig();
    expect(Object.keys(config.ExposedPorts)).toEqual(["4000/tcp"]);
    expect(config.Entrypoint).toEqual(["/opt/litellm/venv/bin/litellm"]);
    const names = config.Env.map((e) => e.split("=")[0]);
    for (const runTime of [
      "DATABASE_URL",
      "LITELLM_MASTER_KEY",
      "LITELLM_SALT_KEY",
      "UI_PASSWORD",
    ]) {
      expect(names).not.toContain(runTime);
    }
    expect(config.Env).toContain("PRISMA_QUERY_ENGINE_BINARY=/opt/prisma/engines/query-engine");
    expect(config.Env).toContain("PRISMA_SCHEMA_ENGINE_BINARY=/opt/prisma/engines/schema-engine");
    expect(config.Env).toContain("LITELLM_LOCAL_MODEL_COST_MAP=True");
  });

  it("runs the stack's healthcheck command unchanged", async () => {
    const [, ...command] = GATEWAY_HEALTHCHECK;
    await expect(exec("docker", ["exec", gateway().container, ...command])).resolves.toBeDefined();
  });

  it("serves the admin UI at /ui", async () => {
    const res = await fetch(`${gateway().url}/ui/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<html");
  });

  it("listens on PORT when it is set, as the upstream image does", async () => {
    const other = await startRealGateway({ label: "contract", containerPort: 4001 });
    try {
      const res = await fetch(`${other.url}/health/liveliness`);
      expect(res.status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});
