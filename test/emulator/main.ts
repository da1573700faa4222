/**
 * CLI entry: reads LiteLLM's env (LITELLM_MASTER_KEY, LITELLM_SALT_KEY, DATABASE_URL,
 * STORE_MODEL_IN_DB, UI_USERNAME, UI_PASSWORD, PORT) plus EMULATOR_* and listens until SIGINT/SIGTERM.
 * Importing this module has no side effects; it only runs when it is the entry module
 * (`node main.js` after `tsc`, or ts-node).
 */
import { optionsFromEnv } from "./options";
import { startEmulator } from "./server";

/** Starts the emulator from `env` and wires shutdown signals. Resolves once listening. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const options = optionsFromEnv(env);
  if (options.masterKey === undefined) {
    process.stderr.write(
      "litellm-emulator: LITELLM_MASTER_KEY is not set; every request is treated as admin.\n",
    );
  }
  const emulator = await startEmulator(options);
  // Only the address and mode are logged: never keys, salts or the database URL.
  process.stdout.write(
    `litellm-emulator listening on ${options.host ?? "0.0.0.0"}:${emulator.port} (store: ${emulator.store.kind})\n`,
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `litellm-emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
