import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readiness, readinessText, waitReadiness } from "../../cli/readiness";

/** A stand-in gateway whose /health/readiness answers what `answer` says at each probe. */
async function gateway(answer: (probe: number) => { status: number; body: unknown }) {
  let probes = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== "/health/readiness") {
      res.writeHead(404).end();
      return;
    }
    const a = answer(++probes);
    res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    probes: () => probes,
  };
}
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("the gateway's readiness from the host", () => {
  it.each([
    ["200 with db connected", 200, { status: "healthy", db: "connected" }, "ok"],
    ["200 with db disconnected", 200, { status: "healthy", db: "disconnected" }, "no-db"],
    ["503 with db connected", 503, { db: "connected" }, "no-db"],
    ["200 without a db field", 200, {}, "no-db"],
  ] as const)("%s reads as %s", async (_, status, body, expected) => {
    const gw = await gateway(() => ({ status, body }));
    expect(await readiness(gw.url)).toBe(expected);
  });

  it("a port nobody listens on reads as down", async () => {
    const gw = await gateway(() => ({ status: 200, body: {} }));
    const url = gw.url;
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    expect(await readiness(url)).toBe("down");
  });

  it("waits until the database is connected (a reconnecting gateway)", async () => {
    const gw = await gateway((n) => ({
      status: 200,
      body: { db: n < 3 ? "disconnected" : "connected" },
    }));
    expect(await waitReadiness(gw.url, 10, 20)).toBe("ok");
    expect(gw.probes()).toBe(3);
  });

  it("gives up after the timeout with the last state", async () => {
    const gw = await gateway(() => ({ status: 200, body: { db: "disconnected" } }));
    expect(await waitReadiness(gw.url, 0.2, 20)).toBe("no-db");
    expect(gw.probes()).toBeGreaterThan(2);
  });

  it("names each state that is not ready in messages", () => {
    expect(readinessText("down")).toBe("does not answer");
    expect(readinessText("no-db")).toBe("has no database connection");
  });
});
