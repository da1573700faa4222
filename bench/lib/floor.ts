/**
 * The least a Pulumi preview costs on this machine: `pulumi preview` (and with `--refresh`) of a
 * program that declares nothing, with the project's CLI, language host and passphrase secrets,
 * through the Automation API as the stack commands run it. A drift check is such a preview plus
 * the reads of the stack's resources, so this is the floor under any drift check built on Pulumi
 * (docs/benchmarks.md, section 2).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { openStack } from "../../cli/workspace";

/** Wall times (s) of the empty program's previews, one per run. */
export interface PreviewFloor {
  preview: number[];
  previewRefresh: number[];
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** `runs` previews of each kind of an empty program, alternating. */
export async function previewFloor(root: string, runs: number): Promise<PreviewFloor> {
  const dir = mkdtempSync(path.join(tmpdir(), "litellm-stack-bench-floor-"));
  try {
    const project = path.join(dir, "project");
    mkdirSync(project);
    writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: bench-floor\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    writeFileSync(path.join(project, "index.js"), "module.exports = {};\n");
    // The same @pulumi/pulumi as the stack's program.
    symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"));
    const stack = await openStack(
      {
        stack: "floor",
        project,
        env: {
          PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
          PULUMI_CONFIG_PASSPHRASE: "bench-floor",
          PULUMI_CONFIG_PASSPHRASE_FILE: "",
        },
      },
      { create: true },
    );
    const floor: PreviewFloor = { preview: [], previewRefresh: [] };
    for (let i = 0; i < runs; i++) {
      for (const refresh of [false, true]) {
        const started = performance.now();
        await stack.preview({ refresh });
        (refresh ? floor.previewRefresh : floor.preview).push(seconds(performance.now() - started));
      }
    }
    return floor;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
