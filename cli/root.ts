/**
 * The project root: the directory of the Pulumi program (Pulumi.yaml, index.ts) this CLI deploys,
 * found from this module's directory upwards, so that it is the same whether the CLI runs from
 * its sources (cli/) or compiled (dist/cli/). No imports beyond Node's: scripts/cli.sh loads the
 * build check through it before choosing how to run the CLI.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      return path.resolve(from, "..");
    }
  }
}

/** The project root (the nearest directory above this module holding Pulumi.yaml). */
export const ROOT = projectRoot(__dirname);
