/** The checks `docker` (the engine answers; else every later check is skipped) and `network`. */
import { npm, type Check } from "../check";
import { firstLine } from "../report";

/** Docker's wording for the checks that cannot run without it. */
export const DOCKER_DOWN = "Docker does not answer";

/** `docker`: the Docker engine answers `docker version`; when not, every later check is skipped. */
export const docker: Check = {
  name: "docker",
  skipRest: DOCKER_DOWN,
  async run(ctx) {
    const result = await ctx.docker(["version", "--format", "{{.Server.Version}}"], {
      timeoutMs: 20_000,
    });
    const version = result.stdout.trim();
    if (result.code === 0 && version !== "") {
      return { ok: true, detail: `engine ${version}` };
    }
    const why =
      firstLine(result.stderr) || `docker version exited ${result.code} without an answer`;
    return {
      ok: false,
      problem: `the Docker engine does not answer (${why.replace(/\.$/, "")})`,
      fix: "start it (here: npm run toolchain starts the engine; with systemd: sudo systemctl start docker) and check that DOCKER_HOST or the docker context points at it (docker context ls)",
    };
  },
};

/** `network`: the stack's network exists. */
export const network: Check = {
  name: "network",
  async run(ctx) {
    const name = ctx.names.network;
    const result = await ctx.docker(["network", "inspect", name]);
    if (result.code === 0) {
      return { ok: true, detail: name };
    }
    if (/not found|no such network/i.test(result.stderr)) {
      return {
        ok: false,
        problem: `the stack's network ${name} does not exist`,
        fix: npm(ctx, "up"),
      };
    }
    throw new Error(`docker network inspect ${name} failed: ${firstLine(result.stderr)}`);
  },
};
