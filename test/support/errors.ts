/** Small assertion helpers shared by unit and contract tests. */
import { expect } from "vitest";

/** Awaits a promise that must reject and returns its error (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}
