// Entry point: the stack program's outputs are this module's exports (see program.ts). Pulumi runs
// it compiled (Pulumi.yaml `main: dist/index.js`); the stack commands (`npm run up`, …) and
// `npm run pulumi` compile dist/ first, and a `pulumi` run of an outdated build is refused here,
// before the program declares anything, so that it never deploys code older than the checkout.
import { assertBuildCurrent } from "./cli/build";
import { ROOT } from "./cli/root";
import { litellmStackProgram } from "./program";

assertBuildCurrent(ROOT);

export = litellmStackProgram();
