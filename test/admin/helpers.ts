/** Shared set-up for the admin tests: an emulator on port 0 and fast tuning. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { configureAdminTuning } from "../../components/admin/impl";
import { startTestEmulator, TEST_MASTER_KEY } from "../emulator/testing";
import type { EmulatorOptions, RunningEmulator } from "../emulator";

export { TEST_MASTER_KEY };

/** Log lines the implementation emitted (never printed). */
export const logLines: string[] = [];

/** Short timeouts and backoff so fault tests stay fast. */
export function fastTuning(): void {
  configureAdminTuning({
    timeoutMs: 2_000,
    maxAttempts: 4,
    backoffMs: 10,
    readyTimeoutMs: 3_000,
    readyIntervalMs: 20,
    modelVisibilityGraceMs: 3_000,
    modelPollMs: 25,
    log: (m) => logLines.push(m),
  });
}

/** Starts an emulator and returns it with the connection inputs for the providers. */
export async function emulator(
  options: EmulatorOptions = {},
): Promise<{ emu: RunningEmulator; conn: { adminUrl: string; adminKey: string } }> {
  const emu = await startTestEmulator(options);
  return { emu, conn: { adminUrl: emu.url, adminKey: TEST_MASTER_KEY } };
}

/** The emulator of a test file, started before its tests with faults cleared before each. */
export interface SharedEmulator {
  /** The running emulator (set once `beforeAll` ran). */
  emu: RunningEmulator;
  /** Connection inputs for the providers. */
  conn: { adminUrl: string; adminKey: string };
}

/** Registers the usual hooks: fast tuning, one emulator per file, faults off before each test. */
export function useEmulator(options: EmulatorOptions = {}): SharedEmulator {
  const shared = {} as SharedEmulator;
  beforeAll(async () => {
    fastTuning();
    Object.assign(shared, await emulator(options));
  });
  afterAll(() => shared.emu.close());
  beforeEach(() => shared.emu.setFaults(undefined));
  return shared;
}
