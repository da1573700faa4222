/**
 * The three dynamic providers, as module-level singletons (one serialization per kind).
 *
 * Each method is a one-line shim that loads the implementation (`impl/`) *by path at run time*
 * and delegates to it. Pulumi serializes a provider's closure into every resource's state
 * (`__provider`), and local modules would be captured by value (client, zod schemas and all);
 * with the shim only `loadAdminImpl` travels, so `__provider` stays around 2 KB and holds no
 * secret (the admin URL and key are resource inputs). Tradeoff: refresh and destroy run the
 * implementation of the current checkout, not the one that created the resource, so
 * `impl/` must keep reading the output shapes of older state (see docs/admin-resources.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Impl from "./impl";

/**
 * Loads `components/admin/impl` (its `index.ts`) relative to the working directory (the Pulumi project root,
 * where the engine starts the dynamic-provider process), or from `LITELLM_ADMIN_IMPL`. Registers
 * ts-node (transpile only) when no `.ts` loader is active, as in the provider process.
 */
export function loadAdminImpl(): typeof Impl {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require("path") as typeof import("path");
  const root = process.cwd();
  const file = process.env["LITELLM_ADMIN_IMPL"] ?? path.join(root, "components", "admin", "impl");
  if (require.extensions[".ts"] === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(require.resolve("ts-node", { paths: [root] })).register({
      transpileOnly: true,
      compilerOptions: { module: "commonjs" },
    });
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as typeof Impl;
  } catch (err) {
    throw new Error(
      `Cannot load the LiteLLM admin implementation from ${file}: run Pulumi from the project root or set LITELLM_ADMIN_IMPL (${(err as Error).message})`,
    );
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the engine hands over untyped bags */

/** Provider of `pulumi-nodejs:dynamic/litellm:ProviderCredential`. */
export const credentialProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds: any, news: any) => loadAdminImpl().credential.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().credential.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().credential.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().credential.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().credential.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().credential.delete(id, props),
};

/** Provider of `pulumi-nodejs:dynamic/litellm:ModelAlias`. */
export const modelProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds: any, news: any) => loadAdminImpl().model.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().model.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().model.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().model.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().model.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().model.delete(id, props),
};

/** Provider of `pulumi-nodejs:dynamic/litellm:VirtualKey`. */
export const keyProvider: pulumi.dynamic.ResourceProvider = {
  check: (olds: any, news: any) => loadAdminImpl().virtualKey.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().virtualKey.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().virtualKey.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().virtualKey.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().virtualKey.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().virtualKey.delete(id, props),
};
