/**
 * Global set-up of the contract suite: one real LiteLLM gateway (with its Postgres) for all its
 * files, handed to them with `inject("gateway")`; removed at the end. Builds dist/ first.
 */
import type { TestProject } from "vitest/node";
import { ensureBuilt } from "../../cli/build";
import { startRealGateway } from "./real-litellm";

declare module "vitest" {
  export interface ProvidedContext {
    /** The contract suite's real gateway. */
    gateway: { url: string; masterKey: string; uiPassword: string; container: string; db: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The serialization tests run the providers as Pulumi does, from the compiled dist/.
  await ensureBuilt();
  const gateway = await startRealGateway({ label: "contract" });
  project.provide("gateway", {
    url: gateway.url,
    masterKey: gateway.masterKey,
    uiPassword: gateway.uiPassword,
    container: gateway.container,
    db: gateway.db,
  });
  return () => gateway.stop();
}
