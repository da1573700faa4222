/** Shared set-up for the admin tests: an emulator on port 0 and fast tuning. */
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
