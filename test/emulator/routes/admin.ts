/** Emulator-only admin routes (master key): read, replace and clear the fault configuration. */
import type { Route } from "../context";
import type { Json } from "../errors";
import { faultConfigSchema, type FaultConfig } from "../faults";
import { json, parseJsonBody, validateBody } from "../http";

const asJson = (config: FaultConfig): Json => JSON.parse(JSON.stringify(config)) as Json;

/**
 * `/__emulator/faults`: GET current, POST replace (body = FaultConfig), DELETE clear.
 * `/__emulator/requests`: GET the count of requests served per `METHOD path`, DELETE reset.
 */
export const adminRoutes: Route[] = [
  {
    method: "GET",
    path: "/__emulator/requests",
    access: "admin",
    handler: async (_req, ctx) => {
      const counts = Object.fromEntries(ctx.requestCounts);
      const total = [...ctx.requestCounts.values()].reduce((a, b) => a + b, 0);
      return json({ total, counts });
    },
  },
  {
    method: "DELETE",
    path: "/__emulator/requests",
    access: "admin",
    handler: async (_req, ctx) => {
      ctx.requestCounts.clear();
      return json({ total: 0, counts: {} });
    },
  },
  {
    method: "GET",
    path: "/__emulator/faults",
    access: "admin",
    handler: async (_req, ctx) => json({ faults: asJson(ctx.faults.get()) }),
  },
  {
    method: "POST",
    path: "/__emulator/faults",
    access: "admin",
    handler: async (req, ctx) => {
      const config = validateBody(faultConfigSchema, parseJsonBody(req.rawBody));
      ctx.faults.set(config);
      return json({ faults: asJson(ctx.faults.get()) });
    },
  },
  {
    method: "DELETE",
    path: "/__emulator/faults",
    access: "admin",
    handler: async (_req, ctx) => {
      ctx.faults.set(undefined);
      return json({ faults: asJson(ctx.faults.get()) });
    },
  },
];
