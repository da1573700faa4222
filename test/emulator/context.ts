/** The state shared by all routes of one emulator instance, and the route contract. */
import type { IncomingHttpHeaders } from "node:http";
import type { FaultInjector } from "./faults";
import type { EmulatorResponse } from "./http";
import type { CompatProfile } from "./options";
import type { EmulatorStore, KeyRecord } from "./store/types";

/** Per-instance state handed to every handler. */
export interface EmulatorContext {
  /** Where keys, models and credentials live. */
  readonly store: EmulatorStore;
  /** The master key, or undefined for an open proxy. */
  readonly masterKey: string | undefined;
  /** Encryption secret: the salt key, else the master key. */
  readonly encryptionSecret: string;
  /** `STORE_MODEL_IN_DB`. */
  readonly storeModelInDb: boolean;
  /** LiteLLM release line imitated. */
  readonly compat: CompatProfile;
  /** Behaviour of /key/generate for an existing caller-chosen key. */
  readonly existingKeyOnGenerate: "noop" | "reject";
  /** UI login user. */
  readonly uiUsername: string;
  /** UI login password, or undefined when there is no master key either. */
  readonly uiPassword: string | undefined;
  /** `litellm_version` for readiness. */
  readonly litellmVersion: string;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** Model id → epoch ms from which /model/info shows it (eventual-consistency fault). */
  readonly modelVisibleAt: Map<string, number>;
  /** Requests served, by `METHOD path` (emulator-only routes excluded), for benchmarks. */
  readonly requestCounts: Map<string, number>;
}

/** Who is calling. */
export interface Caller {
  /** True for the master key (or an open proxy). */
  isAdmin: boolean;
  /** LiteLLM's user id for the caller (`default_user_id` for the master key). */
  userId: string | null;
  /** The caller's virtual key row, for non-admin callers. */
  key?: KeyRecord;
  /** The raw key the caller sent, if any. */
  rawKey?: string;
}

/** One parsed request as a handler sees it. */
export interface RequestInfo {
  /** Upper-case method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters. */
  query: URLSearchParams;
  /** Request headers. */
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  rawBody: string;
  /** Named path parameters. */
  params: Record<string, string>;
  /** The authenticated caller (an anonymous admin-less caller on public routes). */
  caller: Caller;
}

/** A route handler. */
export type Handler = (req: RequestInfo, ctx: EmulatorContext) => Promise<EmulatorResponse>;

/** Access level of a route: no auth, any valid key, or the master key only. */
export type Access = "public" | "key" | "admin";

/** One route. `path` is exact, or a RegExp whose named groups become `params`. */
export interface Route {
  method: string;
  path: string | RegExp;
  access: Access;
  handler: Handler;
}
