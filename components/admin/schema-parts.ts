/**
 * zod building blocks the three kinds' schemas (`credential/schema.ts`, `model/schema.ts`,
 * `key/schema.ts`) are made of: each rule and its message is written here or in the kind's
 * schema, once, and used by the stack-config validation and by the provider's `check`.
 * No Pulumi imports (the compiled provider implementation loads this file).
 */
import { z } from "zod";

/** The engine's placeholder for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A schema that also accepts the engine's "unknown" placeholder (preview). */
export function u<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(UNKNOWN), schema]);
}

/**
 * The provider-side form of an object schema: every field also accepts the engine's unknown
 * placeholder, so `check` during a preview fails only on values that are known and wrong.
 */
export function previewTolerant<S extends z.ZodRawShape>(shape: S) {
  return z.object(
    Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, u(s as z.ZodType)])),
  );
}

/** A non-empty string, trimmed. */
export const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`);

/**
 * A non-negative number (whole with `int`). `pulumi config set --path` types whole numbers but
 * keeps a decimal such as `25.5` as a string, so a decimal string is read as its number.
 */
export const limit = (what: string, options: { int?: boolean } = {}) => {
  const number = z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} must not be negative`);
  return z.preprocess(
    (v) => (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    options.int === true ? number.int(`${what} must be a whole number`) : number,
  );
};

/** `adopt`: take over an object of this name that this stack did not create. */
export const adoptFlag = z.boolean({ error: "adopt must be true or false" });

/** The admin connection every provider input carries; `adminKey` is a secret input. */
export const connectionShape = {
  /** Root URL of the proxy, without `/v1`. */
  adminUrl: z
    .string({ error: "adminUrl must be a string" })
    .regex(/^https?:\/\/[^/]/, "adminUrl must be an http(s) URL"),
  /** The proxy's master key. */
  adminKey: name("adminKey"),
  /** A Kubernetes Service to reach through a port-forward instead of `adminUrl`. */
  adminForward: z
    .object({
      kubeconfig: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      namespace: name("adminForward.namespace"),
      service: name("adminForward.service"),
      port: z.number().int().min(1).max(65535),
    })
    .optional(),
};
