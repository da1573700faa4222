/** Emulator-only admin routes (master key): read, replace and clear the fault configuration. */
import type { Route } from "../context";
import type { Json } from "../errors";
import { faultConfigSchema, type FaultConfig } from "../faults";
import { json, parseJsonBody, validateBody } from "../http";

const asJson = (config: FaultConfig): Json => JSON.parse(JSON.stringify(config)) as Json;

/** `/__emulator/faults`: GET current, POST replace (body = FaultConfig), DELETE clear. */
export const adminRoutes: Route[] = [
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
