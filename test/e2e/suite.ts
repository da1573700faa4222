/**
 * The end-to-end suites' `describe`: a suite runs only where its prerequisites are (the toolchain,
 * Docker, the local images). Kept apart from harness.ts so that code outside vitest (the
 * benchmarks) can use the harness: vitest cannot be loaded by a plain `node` process.
 */
import { spawnSync } from "node:child_process";
import { describe, it } from "vitest";
import { ROOT } from "./harness";

/** A further prerequisite of a suite: why it is missing, or undefined when it is there. */
export type Prerequisite = () => string | undefined;

/**
 * Why the end-to-end suite cannot run here, or undefined when it can (checked synchronously): the
 * toolchain, Docker, the `images`, then each of `more` (a suite's own prerequisites).
 */
export function e2eUnavailableReason(
  images: readonly string[],
  more: readonly Prerequisite[] = [],
): string | undefined {
  const ok = (file: string, args: readonly string[]): boolean =>
    spawnSync(file, args, { cwd: ROOT, stdio: "ignore" }).status === 0;
  if (
    !ok("bash", [
      "-c",
      ". scripts/lib.sh && . scripts/toolchain-env.sh && { toolchain_ready || command -v pulumi >/dev/null; }",
    ])
  ) {
    return "no Pulumi toolchain: run `npm run toolchain`";
  }
  if (!ok("docker", ["info"])) {
    return "no Docker engine answers: run `npm run toolchain`";
  }
  for (const image of images) {
    if (!ok("docker", ["image", "inspect", image])) {
      return `the local image ${image} is missing: run \`npm run images\``;
    }
  }
  for (const prerequisite of more) {
    const reason = prerequisite();
    if (reason !== undefined) {
      return reason;
    }
  }
  return undefined;
}

/**
 * `describe` for an end-to-end suite: skipped with the reason when the toolchain, Docker, an
 * image or one of the suite's own prerequisites (`more`) is missing, unless LITELLM_STACK_E2E=1,
 * which turns that into a failing test.
 */
export function describeE2E(
  name: string,
  images: readonly string[],
  body: () => void,
  more: readonly Prerequisite[] = [],
): void {
  const reason = e2eUnavailableReason(images, more);
  if (reason === undefined) {
    describe(name, body);
  } else if (process.env["LITELLM_STACK_E2E"] === "1") {
    describe(name, () => {
      it("has its prerequisites (LITELLM_STACK_E2E=1 requires the end-to-end suite)", () => {
        throw new Error(`end-to-end suite required but cannot run: ${reason}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}
