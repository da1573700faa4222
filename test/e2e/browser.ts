/**
 * A real headless browser for the end-to-end suite: Debian's chromium driven by playwright-core
 * (no browser download). The flags keep it off the network this machine does not have.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { ROOT } from "./harness";

/** Where browser tests save screenshots (ignored by git; CI keeps it as an artifact). */
export const ARTIFACTS = path.join(ROOT, "test-artifacts");

/** Debian's chromium (apt-get install chromium; `npm test` installs it when missing). */
export const CHROMIUM = process.env["LITELLM_STACK_CHROMIUM"] ?? "/usr/bin/chromium";

/** Starts headless chromium with a fresh profile. */
export function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
