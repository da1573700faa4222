/**
 * End-to-end tests of `npm run doctor` on one real stack (Pulumi CLI, Docker, Postgres, LiteLLM),
 * with one stored credential so the salt-key check decrypts real data and one mock model: a
 * healthy stack passes every check; then, one at a time and each repaired before the next, Docker
 * not answering, a configured port that differs from the published one, the database password
 * changed inside Postgres, the database stopped, the gateway stopped, the gateway recreated by hand
 * (another master key, salt key and a denied version), the database recreated by hand with a
 * published port and the network removed each give the FAIL line of the broken check, and the
 * fix's command repairs it. No output holds a secret.
 */
import * as path from "node:path";
import { expect, test as base } from "vitest";
import { DB_NAME, DB_USER } from "../../components/database";
import { CHECKS as DOCTOR_CHECKS } from "../../doctor/run";
import {
  LITELLM_IMAGE,
  POSTGRES_IMAGE,
  ROOT,
  recreateByHand,
  dbQuery,
  deployedFixture,
  docker,
  freePort,
  generatedPasswords,
  inspect,
  run,
  until,
  type ConfigEntry,
  type DeployedStack,
  type RunResult,
} from "./harness";
import { describeE2E } from "./suite";

const CREDENTIAL_SECRET = "sk-doctor-e2e-secret-0042";

/** The alias answers chat completions itself (`mock_response`): no provider is needed. */
const CONFIG: Record<string, ConfigEntry> = {
  imageSource: "local",
  "credentials[0].name": "doc-cred",
  "credentials[0].provider": "openai",
  "credentials[0].values.api_key": { secret: CREDENTIAL_SECRET },
  "models[0].name": "doc-model",
  "models[0].target": "openai/gpt-4o",
  "models[0].credential": "doc-cred",
  "models[0].params.mock_response": "doctor",
};

/** The checks, in the order doctor prints them (the unit tests pin the list). */
const CHECKS = DOCTOR_CHECKS.map((c) => c.name);

const test = base.extend<{ t: DeployedStack }>({
  t: deployedFixture("doctor", { config: CONFIG }),
});

/** `npm run doctor` on the stack. */
const doctor = (t: DeployedStack): Promise<RunResult> => t.cli("doctor");

/** A command's whole output, as a user sees it. */
const output = (r: RunResult): string => `${r.stdout}\n${r.stderr}`;

/** The check lines (PASS/FAIL/SKIP) of doctor's output, without the log lines under them. */
const checkLines = (r: RunResult): string[] =>
  r.stdout.split("\n").filter((l) => /^(PASS|FAIL|SKIP) /.test(l));

/** The line of one check ("" when there is none). */
const lineOf = (r: RunResult, check: string): string =>
  checkLines(r).find((l) => new RegExp(`^(PASS|FAIL|SKIP) ${check}( \\(|:|$)`).test(l)) ?? "";

/** The indented log lines printed right under the FAIL line of `check`. */
function logUnder(r: RunResult, check: string): string[] {
  const lines = r.stdout.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`FAIL ${check}:`));
  const out: string[] = [];
  for (let i = at + 1; at >= 0 && i < lines.length && lines[i]?.startsWith("    "); i++) {
    out.push(lines[i] ?? "");
  }
  return out;
}

/** Every secret of the stack: its secret outputs, generated passwords and the credential. */
async function secretsOf(t: DeployedStack): Promise<string[]> {
  const data = await t.output<Record<string, string>>("dataSecrets");
  return [
    CREDENTIAL_SECRET,
    await t.output<string>("LITELLM_MASTER_KEY"),
    await t.output<string>("uiPassword"),
    ...Object.values(data),
    ...(await generatedPasswords(t.stack)).values(),
  ].filter((s) => s.length >= 8);
}

/** The output holds no secret of the stack and no stack trace. */
async function expectClean(t: DeployedStack, r: RunResult): Promise<void> {
  const out = output(r);
  expect(out).not.toMatch(/^\s+at /m);
  for (const secret of await secretsOf(t)) {
    expect(out, "a secret in doctor's output").not.toContain(secret);
  }
}

/**
 * Runs doctor until `done` holds of its result (at most `tries` runs, a second apart); the last
 * result, or an error with its output.
 */
async function pollDoctor(
  t: DeployedStack,
  what: string,
  tries: number,
  done: (r: RunResult) => boolean,
): Promise<RunResult> {
  const seen: { last?: RunResult } = {};
  await until(what, tries, async () => {
    seen.last = await doctor(t);
    return done(seen.last);
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${seen.last === undefined ? "" : output(seen.last)}`);
  });
  if (seen.last === undefined) {
    throw new Error(`${what}: doctor did not run`);
  }
  return seen.last;
}

/** Doctor passes every check (polled: a repaired stack may take a moment to settle). */
async function expectAllPass(t: DeployedStack, tries = 60): Promise<void> {
  const r = await pollDoctor(t, "npm run doctor passes every check", tries, (x) => x.code === 0);
  await expectClean(t, r);
}

describeE2E(
  "npm run doctor (real pulumi CLI, Docker, Postgres, LiteLLM)",
  [POSTGRES_IMAGE, LITELLM_IMAGE],
  () => {
    test("a healthy stack: every check passes, in order, exit 0, the stored credential decrypts", async ({
      t,
    }) => {
      const r = await doctor(t);
      expect(r.code, output(r)).toBe(0);
      const lines = checkLines(r);
      expect(lines.map((l) => l.split(" ")[1]?.replace(/:$/, ""))).toEqual(CHECKS);
      for (const line of lines) {
        expect(line).toMatch(/^PASS /);
      }
      expect(lineOf(r, "gateway")).toContain(`published on 127.0.0.1:${t.port}`);
      expect(lineOf(r, "readiness")).toBe(`PASS readiness (${t.baseUrl}: db connected)`);
      // The declared credential is stored encrypted and decrypts with the gateway's salt key.
      expect(lineOf(r, "salt-key")).toMatch(
        /^PASS salt-key \([1-9]\d* stored credential values? decrypts?\)$/,
      );
      await expectClean(t, r);
    });

    test("Docker not answering: FAIL docker, every later check SKIP, exit 1", async ({ t }) => {
      const r = await run(
        "bash",
        [
          path.join(ROOT, "scripts/cli.sh"),
          "doctor",
          "--stack",
          t.name,
          "--config-dir",
          t.configDir,
        ],
        {
          env: {
            ...process.env,
            ...t.env,
            LITELLM_STACK_SKIP_SETUP: "1",
            DOCKER_HOST: "unix:///nonexistent.sock",
          },
        },
      );
      expect(r.code, output(r)).toBe(1);
      const lines = checkLines(r);
      expect(lines[0]).toMatch(
        /^FAIL docker: the Docker engine does not answer \(.*nonexistent\.sock.*\)\. Fix: start it /,
      );
      expect(lines.slice(1)).toEqual(
        CHECKS.slice(1).map((c) => `SKIP ${c}: Docker does not answer`),
      );
      await expectClean(t, r);
    });

    test("the configured port differs from the published one: FAIL gateway naming both", async ({
      t,
    }) => {
      const other = await freePort();
      await t.setConfig({ hostPort: String(other) });
      try {
        const r = await doctor(t);
        expect(r.code, output(r)).toBe(1);
        expect(r.stdout).toMatch(/^FAIL gateway: /m);
        expect(lineOf(r, "gateway")).toContain(
          `is published on 127.0.0.1:${t.port} (4000/tcp), but the stack's config says 127.0.0.1:${other} (4000/tcp) only. Fix: npm run up -- --stack ${t.name}`,
        );
        expect(logUnder(r, "gateway").length).toBeGreaterThan(0);
        // Only the gateway check is broken: the rest still pass (LITELLM_BASE_URL is the old port).
        expect(checkLines(r).filter((l) => !l.startsWith("PASS "))).toEqual([lineOf(r, "gateway")]);
        await expectClean(t, r);
      } finally {
        await t.setConfig({ hostPort: String(t.port) });
      }
      await expectAllPass(t, 1);
    });

    test("the database password changed inside Postgres: FAIL database-url; setting it back repairs it", async ({
      t,
    }) => {
      await dbQuery(t.names.db, `ALTER USER ${DB_USER} PASSWORD 'wrong-one'`);
      try {
        const r = await doctor(t);
        expect(r.code, output(r)).toBe(1);
        expect(r.stdout).toMatch(
          /^FAIL database-url: Postgres refuses the password in the gateway's DATABASE_URL /m,
        );
        expect(lineOf(r, "database-url")).toContain(
          `Fix: set it back to the stack's password: docker exec -it ${t.names.db} psql -U litellm -d litellm -c '\\password litellm'`,
        );
        // Postgres's own log says why, under the line.
        expect(logUnder(r, "database-url").join("\n")).toMatch(/password authentication failed/);
        for (const check of ["docker", "network", "database", "gateway", "version"]) {
          expect(lineOf(r, check)).toMatch(/^PASS /);
        }
        await expectClean(t, r);
      } finally {
        // Back to the stack's password, passed in the env (psql interpolates :'pw' from stdin).
        const { databasePassword } = await t.output<{ databasePassword: string }>("dataSecrets");
        const restored = await run(
          "docker",
          [
            "exec",
            "-e",
            "PW",
            t.names.db,
            "sh",
            "-c",
            `printf '%s\\n' "ALTER USER ${DB_USER} PASSWORD :'pw';" | psql -v ON_ERROR_STOP=1 -U ${DB_USER} -d ${DB_NAME} -v pw="$PW"`,
          ],
          { env: { ...process.env, PW: databasePassword } },
        );
        expect(restored.code, restored.stderr).toBe(0);
      }
      await expectAllPass(t, 1);
    });

    test("the database container stopped: FAIL database and FAIL readiness with log lines; npm run start repairs it", async ({
      t,
    }) => {
      await docker(["stop", t.names.db]);
      try {
        // LiteLLM caches its database health for a while: poll until readiness notices.
        const r = await pollDoctor(t, "the readiness check notices the stopped database", 60, (x) =>
          /^FAIL readiness: /m.test(x.stdout),
        );
        expect(r.code, output(r)).toBe(1);
        expect(r.stdout).toMatch(
          new RegExp(
            `^FAIL database: the database container ${t.names.db} is not running \\(exited, exit code \\d+\\)\\. Fix: npm run start -- --stack ${t.name}`,
            "m",
          ),
        );
        expect(r.stdout).toMatch(/^FAIL readiness: /m);
        expect(logUnder(r, "database").length).toBeGreaterThan(0);
        expect(logUnder(r, "readiness").length).toBeGreaterThan(0);
        await expectClean(t, r);
      } finally {
        const started = await t.cli("start");
        expect(started.code, output(started)).toBe(0);
      }
      await expectAllPass(t);
    });

    test("the gateway container stopped: FAIL gateway and the HTTP checks fail; npm run start repairs it", async ({
      t,
    }) => {
      await docker(["stop", t.names.gateway]);
      try {
        const r = await doctor(t);
        expect(r.code, output(r)).toBe(1);
        expect(r.stdout).toMatch(
          new RegExp(
            `^FAIL gateway: the gateway container ${t.names.gateway} is not running \\(exited, exit code \\d+\\)\\. Fix: npm run start -- --stack ${t.name}`,
            "m",
          ),
        );
        expect(logUnder(r, "gateway").length).toBeGreaterThan(0);
        expect(r.stdout).toMatch(
          new RegExp(`^FAIL readiness: GET ${t.baseUrl}/health/readiness got no answer `, "m"),
        );
        expect(r.stdout).toMatch(/^FAIL master-key: /m);
        expect(r.stdout).toMatch(/^FAIL salt-key: cannot check: /m);
        for (const check of ["docker", "network", "database", "database-url", "version"]) {
          expect(lineOf(r, check)).toMatch(/^PASS /);
        }
        await expectClean(t, r);
      } finally {
        const started = await t.cli("start");
        expect(started.code, output(started)).toBe(0);
      }
      await expectAllPass(t);
    });

    test("the gateway recreated by hand with another master key, another salt key and a denied LiteLLM version: FAIL master-key, salt-key and version; npm run up repairs it", async ({
      t,
    }) => {
      const image = ((await inspect("container", t.names.gateway)) as { Config: { Image: string } })
        .Config.Image;
      const denied = "litellm-stack/litellm:1.107.5-local";
      await docker(["tag", image, denied]);
      const settings = path.join(t.dir, "gateway-settings.yaml");
      await docker(["cp", `${t.names.gateway}:/app/litellm-stack.yaml`, settings]);
      const swap: Record<string, string> = {
        LITELLM_MASTER_KEY: "sk-another-master-key-by-hand-0123456789",
        LITELLM_SALT_KEY: "another-salt-key-by-hand-0123456789",
      };
      try {
        await recreateByHand(t.names.gateway, {
          image: denied,
          env: swap,
          beforeStart: () =>
            docker(["cp", settings, `${t.names.gateway}:/app/litellm-stack.yaml`]).then(
              () => undefined,
            ),
        });
        await until("the hand-made gateway answers", 300, async () => {
          const res = await fetch(`${t.baseUrl}/health/liveliness`).catch(() => undefined);
          return res?.ok === true;
        });
        const r = await doctor(t);
        expect(r.code, output(r)).toBe(1);
        expect(r.stdout).toMatch(/^FAIL master-key: the gateway refuses the stack's master key/m);
        expect(r.stdout).toMatch(/^FAIL salt-key: /m);
        expect(r.stdout).toMatch(/^FAIL version: .*1\.107\.5/m);
        for (const check of ["docker", "network", "database", "database-url"]) {
          expect(lineOf(r, check)).toMatch(/^PASS /);
        }
        await expectClean(t, r);
        expect(output(r)).not.toContain(swap["LITELLM_MASTER_KEY"]);
        expect(output(r)).not.toContain(swap["LITELLM_SALT_KEY"]);
      } finally {
        const up = await t.cli("up");
        expect(up.code, output(up)).toBe(0);
        await docker(["rmi", denied]).catch(() => undefined);
      }
      await expectAllPass(t);
    });

    test("the database recreated by hand with a published port: FAIL database naming the port; npm run up recreates it without one", async ({
      t,
    }) => {
      const port = await freePort();
      await recreateByHand(t.names.db, { publish: [`127.0.0.1:${port}:5432`] });
      try {
        const r = await pollDoctor(t, "the hand-made database is healthy", 60, (x) =>
          /^FAIL database: .* publishes host ports/m.test(x.stdout),
        );
        expect(r.code, output(r)).toBe(1);
        expect(lineOf(r, "database")).toContain(
          `FAIL database: the database container ${t.names.db} publishes host ports (127.0.0.1:${port} (5432/tcp)); it must be reachable on the stack's network only. Fix: npm run up -- --stack ${t.name}`,
        );
        expect(logUnder(r, "database").length).toBeGreaterThan(0);
        await expectClean(t, r);
      } finally {
        const up = await t.cli("up");
        expect(up.code, output(up)).toBe(0);
      }
      const db = (await inspect("container", t.names.db)) as {
        HostConfig: { PortBindings: Record<string, unknown[] | null> | null };
      };
      expect(Object.values(db.HostConfig.PortBindings ?? {}).flat()).toEqual([]);
      await expectAllPass(t);
    });

    test("the network removed (both containers disconnected first): FAIL network, drift reports the network missing and both containers off it; npm run up repairs it", async ({
      t,
    }) => {
      for (const name of [t.names.gateway, t.names.db]) {
        await docker(["network", "disconnect", "-f", t.names.network, name]);
      }
      await docker(["network", "rm", t.names.network]);
      try {
        const r = await doctor(t);
        expect(r.code, output(r)).toBe(1);
        expect(lineOf(r, "network")).toMatch(/^FAIL network: /);
        expect(lineOf(r, "network")).toContain(`Fix: npm run up -- --stack ${t.name}`);
        await expectClean(t, r);
        // drift says so too: the network is missing and both containers are off it.
        const d = await t.cli("drift");
        expect(d.code, output(d)).toBe(3);
        expect(d.stdout).toMatch(/^ {2}network \(.+\): missing: up creates it$/m);
        for (const role of ["gateway", "database"]) {
          expect(d.stdout).toMatch(
            new RegExp(
              `^ {2}${role} container \\(.+\\): off the stack's network: up recreates it on the network$`,
              "m",
            ),
          );
        }
        expect(d.stdout).toContain(`    networks: "" → "${t.names.network}"`);
      } finally {
        const up = await t.cli("up");
        expect(up.code, output(up)).toBe(0);
      }
      await expectAllPass(t);
    });
  },
);
