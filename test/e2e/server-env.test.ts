/**
 * The consuming server's env on the real gateway (docs/outputs.md): `npm run env` writes a file
 * (mode 0600) whose master key administers the gateway and mints a key as the server does with
 * its settings, and whose every virtual key authenticates; other formats round-trip; a file it did
 * not write is not overwritten without --force. Then the direct-OpenAI mode: a switch removes
 * the gateway and keeps its data, a switch back reuses it, and a direct-mode stack creates no
 * container at all.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "dotenv";
import { expect, test } from "vitest";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  chat,
  createTestStack,
  inspect,
  run,
  type TestStack,
} from "./harness";
import { describeE2E } from "./suite";

/** Every container and network carrying the stack's label. */
async function labelled(t: TestStack): Promise<string[]> {
  const filter = `label=litellm-stack.stack=${t.name}`;
  const containers = (await run("docker", ["ps", "-aq", "--filter", filter])).stdout;
  const networks = (await run("docker", ["network", "ls", "-q", "--filter", filter])).stdout;
  return `${containers}${networks}`.split("\n").filter((l) => l !== "");
}

/** A GET with a bearer key: the status only. */
async function status(baseUrl: string, route: string, key: string): Promise<number> {
  const res = await fetch(`${baseUrl}${route}`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}

const OPENAI_KEY = "sk-direct-mode-0123456789abcdef";

describeE2E("the server's env and the direct-OpenAI mode", [POSTGRES_IMAGE, LITELLM_IMAGE], () => {
  test("npm run env writes the server's env: the master key administers the gateway, every virtual key authenticates; switching to direct mode and back keeps the data", async () => {
    const t = await createTestStack("env", {
      config: {
        imageSource: "local",
        "models[0].name": "env-chat",
        "models[0].target": "openai/gpt-4o",
        "models[0].params.mock_response": "from the env file",
        "keys[0].alias": "env-app",
        "keys[1].alias": "env.batch",
        "keys[1].models[0]": "env-chat",
        serverKeyDuration: "7d",
        serverRpmLimit: "30",
        serverMaxBudget: "2.5",
      },
    });
    try {
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);

      // The dotenv file: mode 0600, the server's names and formats.
      const file = path.join(t.dir, "server.env");
      const written = await t.cli("env", ["--out", file]);
      expect(written.code, written.stderr).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, "utf8");
      const env = parse(text);
      expect(Object.keys(env)).toEqual([
        "LLM_PROVIDER",
        "LITELLM_BASE_URL",
        "LITELLM_MASTER_KEY",
        "LITELLM_MODELS",
        "LITELLM_KEY_DURATION",
        "LITELLM_MAX_BUDGET",
        "LITELLM_RPM_LIMIT",
        "LITELLM_VIRTUAL_KEY_ENV_APP",
        "LITELLM_VIRTUAL_KEY_ENV_BATCH",
      ]);
      expect(env).toMatchObject({
        LLM_PROVIDER: "litellm",
        LITELLM_BASE_URL: t.baseUrl,
        LITELLM_MODELS: "env-chat",
        LITELLM_KEY_DURATION: "7d",
        LITELLM_MAX_BUDGET: "2.5",
        LITELLM_RPM_LIMIT: "30",
      });
      const master = env["LITELLM_MASTER_KEY"] ?? "";
      expect(master).toBe(await t.output<string>("LITELLM_MASTER_KEY"));
      // Nothing secret on the command's own output.
      for (const secret of [master, env["LITELLM_VIRTUAL_KEY_ENV_APP"] ?? "-"]) {
        expect(written.stdout + written.stderr).not.toContain(secret);
      }

      // The master key administers the gateway, and mints the server's key with its settings.
      expect(await status(env["LITELLM_BASE_URL"] ?? "", "/key/list", master)).toBe(200);
      const minted = await adminApi(t.baseUrl, "POST", "/key/generate", master, {
        duration: env["LITELLM_KEY_DURATION"],
        max_budget: Number(env["LITELLM_MAX_BUDGET"]),
        rpm_limit: Number(env["LITELLM_RPM_LIMIT"]),
        models: (env["LITELLM_MODELS"] ?? "").split(","),
      });
      expect(minted.status, JSON.stringify(minted.body)).toBe(200);
      const serverKey = String(minted.body["key"]);
      const reply = await chat(`${env["LITELLM_BASE_URL"]}`, serverKey, "env-chat");
      expect(reply).toEqual({ status: 200, text: "from the env file" });

      // Every virtual key in the file authenticates.
      for (const name of Object.keys(env).filter((n) => n.startsWith("LITELLM_VIRTUAL_KEY_"))) {
        expect(await status(t.baseUrl, "/v1/models", env[name] ?? ""), name).toBe(200);
        expect((await chat(t.baseUrl, env[name] ?? "", "env-chat")).status, name).toBe(200);
      }
      const inference = await t.output<string>("inferenceBaseUrl");
      expect(inference).toBe(`${t.baseUrl}/v1`);

      // Its own file is rewritten; a file it did not write is refused, unless --force.
      expect((await t.cli("env", ["--out", file])).code).toBe(0);
      const foreign = path.join(t.dir, "foreign.env");
      writeFileSync(foreign, "MY_OWN=1\n");
      chmodSync(foreign, 0o644);
      const refused = await t.cli("env", ["--out", foreign]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `error: ${foreign} exists and was not written by npm run env (or was changed since): refusing to overwrite it. Fix: choose another --out, or add --force to replace it`,
      );
      expect(readFileSync(foreign, "utf8")).toBe("MY_OWN=1\n");
      expect((await t.cli("env", ["--out", foreign, "--force"])).code).toBe(0);
      expect(parse(readFileSync(foreign, "utf8"))).toEqual(env);
      expect(statSync(foreign).mode & 0o777).toBe(0o600);

      // The shell and JSON formats carry the same document.
      const json = await t.cli("env", ["--format", "json"]);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(env);
      const shellFile = path.join(t.dir, "server.sh");
      expect((await t.cli("env", ["--out", shellFile, "--format", "shell"])).code).toBe(0);
      const sourced = await run("bash", [
        "-c",
        `set -a; . "$1"; node -e 'const e={};for(const k of process.argv.slice(1))e[k]=process.env[k];console.log(JSON.stringify(e))' ${Object.keys(env).join(" ")}`,
        "bash",
        shellFile,
      ]);
      expect(JSON.parse(sourced.stdout)).toEqual(env);

      // Out of band: a key made by hand lives in the database, not in the stack.
      const hand = await adminApi(t.baseUrl, "POST", "/key/generate", master, {
        key_alias: "made-by-hand",
      });
      expect(hand.status).toBe(200);
      const handKey = String(hand.body["key"]);

      // Switch to the direct-OpenAI mode: no container or network left, the volume kept.
      await t.setConfig({
        llmProvider: "openai",
        openaiApiKey: { secret: OPENAI_KEY },
        openaiBaseUrl: "https://api.openai.com/v1",
      });
      const direct = await t.cli("up");
      expect(direct.code, direct.stdout + direct.stderr).toBe(0);
      expect(direct.stderr).toContain(`keeping the data volume ${t.names.volume}`);
      expect(await labelled(t)).toEqual([]);
      expect(await inspect("volume", t.names.volume)).toBeDefined();
      const directEnv = await t.cli("env", ["--format", "json"]);
      expect(directEnv.code, directEnv.stderr).toBe(0);
      expect(JSON.parse(directEnv.stdout)).toEqual({
        LLM_PROVIDER: "openai",
        OPENAI_API_KEY: OPENAI_KEY,
        OPENAI_BASE_URL: "https://api.openai.com/v1",
      });
      expect(direct.stdout + direct.stderr).not.toContain(OPENAI_KEY);

      // And back: the gateway returns on the kept data (same master key, the hand-made key).
      await t.setConfig({ llmProvider: "litellm" });
      const back = await t.cli("up");
      expect(back.code, back.stdout + back.stderr).toBe(0);
      expect(await t.output<string>("LITELLM_MASTER_KEY")).toBe(master);
      expect(await status(t.baseUrl, "/v1/models", handKey)).toBe(200);
      const again = await t.cli("env", ["--out", file]);
      expect(again.code, again.stderr).toBe(0);
      const envBack = parse(readFileSync(file, "utf8"));
      for (const name of Object.keys(envBack).filter((n) => n.startsWith("LITELLM_VIRTUAL_KEY_"))) {
        expect((await chat(t.baseUrl, envBack[name] ?? "", "env-chat")).status, name).toBe(200);
      }
      expect(await t.changes()).toEqual([]);
    } finally {
      await t.remove();
    }
  });

  test("a direct-OpenAI stack creates no container, network or volume, and its env has no LITELLM_*", async () => {
    const t = await createTestStack("direct", {
      config: { llmProvider: "openai", openaiApiKey: { secret: OPENAI_KEY } },
    });
    try {
      const up = await t.cli("up");
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(await labelled(t)).toEqual([]);
      expect(await inspect("volume", t.names.volume)).toBeUndefined();
      const env = await t.cli("env");
      expect(env.code, env.stderr).toBe(0);
      expect(parse(env.stdout)).toEqual({ LLM_PROVIDER: "openai", OPENAI_API_KEY: OPENAI_KEY });
      expect(up.stdout + up.stderr).not.toContain(OPENAI_KEY);
      expect(t.rawState()).not.toContain(OPENAI_KEY);
    } finally {
      await t.remove();
    }
  });
});
