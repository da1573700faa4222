/**
 * More than one LiteLLM worker, and spend-log retention, on the real gateway
 * (docs/configuration.md `workers`, `spendLogRetention`). With `workers=2` the stack adds Redis (no
 * host port, password only in an uploaded file and the gateway's env) and wires it as LiteLLM's
 * coordination Redis: requests on fresh connections spread over both workers, and a key's rpm
 * limit holds across them (exactly the limit passes). A one-second retention with an every-minute
 * cleanup then deletes the spend logs through LiteLLM's own job, while the key's total spend stays.
 */
import { Agent } from "undici";
import { expect, test } from "vitest";
import { LOCAL_REDIS_IMAGE } from "../../config";
import {
  dbQuery,
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  adminApi,
  deployTestStack,
  docker,
  generatedPasswords,
  inspect,
  until,
  type DeployedStack,
} from "./harness";
import { describeE2E } from "./suite";

/** CPU ticks (utime + stime) of each child process of the gateway's main process. */
async function workerTicks(container: string): Promise<Map<string, number>> {
  const out = await docker([
    "exec",
    container,
    "sh",
    "-c",
    'for p in $(cat /proc/1/task/*/children); do echo "$p $(cut -d" " -f14,15 /proc/$p/stat) $(tr "\\0" " " < /proc/$p/cmdline)"; done',
  ]);
  const ticks = new Map<string, number>();
  for (const line of out.split("\n").filter((l) => l.includes("spawn_main"))) {
    const [pid, utime, stime] = line.split(" ");
    ticks.set(String(pid), Number(utime) + Number(stime));
  }
  return ticks;
}

/** A chat completion on a connection of its own (so the kernel may hand it to any worker). */
async function freshChat(baseUrl: string, key: string, model: string): Promise<number> {
  const agent = new Agent({ pipelining: 0 });
  try {
    const res = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        connection: "close",
      },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      // @ts-expect-error undici's dispatcher option, not in the DOM fetch types
      dispatcher: agent,
    });
    await res.arrayBuffer();
    return res.status;
  } finally {
    await agent.close();
  }
}

const spendLogRows = async (t: DeployedStack): Promise<number> =>
  Number(await dbQuery(t.names.db, 'SELECT count(*) FROM "LiteLLM_SpendLogs"'));

describeE2E(
  "workers with Redis, and spend-log retention",
  [POSTGRES_IMAGE, LITELLM_IMAGE, LOCAL_REDIS_IMAGE],
  () => {
    test("workers=2 adds Redis; requests spread over both workers and a key's rpm limit holds across them; a short retention deletes the spend logs, the key's spend stays", async () => {
      const limit = 3;
      const t = await deployTestStack("workers", {
        config: {
          imageSource: "local",
          workers: "2",
          "models[0].name": "wk-mock",
          "models[0].target": "openai/gpt-4o",
          "models[0].params.mock_response": "shared limit",
          "models[0].params.input_cost_per_token": "0.001",
          "keys[0].alias": "wk-limited",
          "keys[0].rpmLimit": String(limit),
        },
      });
      try {
        // Redis: on the private network only, no published port, healthy.
        const redis = (await inspect("container", t.names.redis)) as unknown as {
          HostConfig: { PortBindings: Record<string, unknown> | null };
          State: { Health?: { Status: string } };
          Config: { Labels: Record<string, string>; Env: string[]; Cmd: string[] };
        };
        expect(redis.State.Health?.Status).toBe("healthy");
        expect(Object.keys(redis.HostConfig.PortBindings ?? {})).toEqual([]);
        expect(redis.Config.Labels["litellm-stack.role"]).toBe("redis");
        const master = await t.output<string>("LITELLM_MASTER_KEY");
        // Its password is in neither docker inspect of Redis nor the gateway's config file.
        const password = (await generatedPasswords(t.stack)).get("litellm-redis-password");
        expect(password).toMatch(/^\w{32}$/);
        expect(JSON.stringify(redis)).not.toContain(password);

        const settings = await docker(["exec", t.names.gateway, "cat", "/app/litellm-stack.yaml"]);
        expect(settings).not.toContain(password);
        expect(JSON.parse(settings)).toMatchObject({
          general_settings: { coordination_redis: { host: "litellm-redis", port: 6379 } },
        });

        const key = (await t.output<Record<string, string>>("virtualKeys"))["wk-limited"];
        const before = await workerTicks(t.names.gateway);
        expect(before.size, "two worker processes").toBe(2);
        const statuses: number[] = [];
        for (let i = 0; i < 4 * limit; i++) {
          statuses.push(await freshChat(t.baseUrl, key ?? "", "wk-mock"));
        }
        expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
        expect(statuses.filter((s) => s === 429)).toHaveLength(3 * limit);
        const after = await workerTicks(t.names.gateway);
        const busy = [...before].filter(([pid, ticks]) => (after.get(pid) ?? 0) > ticks);
        expect(busy.length, `CPU ticks before ${[...before]} after ${[...after]}`).toBe(2);
        // The counters live in Redis.
        const scan = await docker([
          "exec",
          t.names.redis,
          "sh",
          "-c",
          `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/litellm-stack.conf)" redis-cli --scan --pattern '*api_key*'`,
        ]);
        expect(scan).toMatch(/api_key/);

        // Spend-log retention: LiteLLM's own cleanup job deletes what is older than the setting.
        await until("the spend logs are written", 90, async () => (await spendLogRows(t)) > 0);
        const info = await adminApi(t.baseUrl, "GET", `/key/info?key=${key}`, master);
        const spend = Number((info.body["info"] as { spend?: number }).spend ?? 0);
        await t.setConfig({ spendLogRetention: "1s", spendLogCleanupCron: "* * * * *" });
        const up = await t.cli("up");
        expect(up.code, up.stdout + up.stderr).toBe(0);
        await until(
          "the cleanup deletes the spend logs",
          180,
          async () => (await spendLogRows(t)) === 0,
        );
        const kept = await adminApi(t.baseUrl, "GET", `/key/info?key=${key}`, master);
        expect(Number((kept.body["info"] as { spend?: number }).spend ?? 0)).toBeGreaterThanOrEqual(
          spend,
        );
        expect(await t.changes()).toEqual([]);
      } finally {
        await t.remove();
      }
    });
  },
);
