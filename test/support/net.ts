/** Network helpers shared by unit, contract and end-to-end tests. */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port the test suites hand out. */
const LOWEST = 20000;

/**
 * The first port of the kernel's ephemeral range (the source ports of outgoing connections):
 * ports handed out stay below it, so no connection of a parallel test can take one between
 * `freePort()` and the bind that uses it (which happened with OS-picked ports: "address already
 * in use" on a gateway's host port).
 */
function ephemeralFloor(): number {
  try {
    const first = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > LOWEST + 1000 ? first : 32768;
  } catch {
    return 32768;
  }
}

/** Ports this process handed out already: never twice. */
const handedOut = new Set<number>();

/** Whether nothing listens on 127.0.0.1:port (it listens and closes again to find out). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 (nothing listens on it afterwards), below the ephemeral range and
 * in a slice of its own for each vitest worker (VITEST_POOL_ID), so parallel test files do not
 * pick the same one.
 */
export async function freePort(): Promise<number> {
  const slices = 4;
  const span = Math.floor((ephemeralFloor() - LOWEST) / slices);
  const worker = (Number(process.env["VITEST_POOL_ID"] ?? "1") - 1 + slices) % slices;
  const base = LOWEST + worker * span;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = base + Math.floor(Math.random() * span);
    if (!handedOut.has(port) && (await isFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${base}-${base + span - 1}`);
}
