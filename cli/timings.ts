/**
 * The wall time of a command's steps, for its machine-readable report (`npm run drift --json`
 * writes them as `timingsMs`): where a slow run spent its time. Steps may overlap.
 */
export class StepTimes {
  /** Step name → milliseconds, in the order the steps finished. */
  readonly ms: Record<string, number> = {};

  /** Runs `work` as the step `name` and records how long it took (also when it fails). */
  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.ms[name] = Math.round(performance.now() - started);
    }
  }
}
