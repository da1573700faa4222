// Entry point: the stack program's outputs are this module's exports (see program.ts).
import { litellmStackProgram } from "./program";

export = litellmStackProgram();
