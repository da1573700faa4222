/**
 * The three dynamic providers, as module-level singletons (one serialization per kind).
 *
 * Each method is a one-line shim that loads the implementation *by package name at run time*,
 * `litellm-stack/admin-impl` (the compiled `impl/` in `dist/`, see package.json `exports`), and
 * delegates to it. Pulumi serializes a provider's closure into every resource's state
 * (`__provider`), and local modules would be captured by value (client, zod schemas and all);
 * with the shim only `loadAdminImpl` travels, so `__provider` stays around 2 KB, holds no secret
 * (the admin URL and key are resource inputs) and no path of the checkout. Tradeoff: refresh and
 * destroy run the implementation installed next to the working directory, not the one that
 * created the resource, so `impl/` must keep reading the output shapes of older state (see
 * docs/admin-resources.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Impl from "./impl";

/* eslint-disable @typescript-eslint/no-require-imports -- serialized: no imports, only require */
/**
 * Loads the compiled implementation as the package `litellm-stack` (subpath `admin-impl`),
 * resolved from the working directory, where the engine starts the dynamic-provider host: in
 * this checkout Node's package self-reference finds `dist/`, in a project that uses the
 * components it is `node_modules/litellm-stack`. Plain JavaScript, so no TypeScript loader.
 */
export function loadAdminImpl(): typeof Impl {
  const path = require("path") as typeof import("path");
  const root = process.cwd();
  const from = (require("module") as typeof import("module")).createRequire(
    path.join(root, "package.json"),
  );
  let file: string;
  try {
    file = from.resolve("litellm-stack/admin-impl");
  } catch (err) {
    throw new Error(
      `Cannot load the LiteLLM admin implementation: the package litellm-stack (litellm-stack/admin-impl) cannot be resolved from ${root}. Fix: run \`npm run build\` in the litellm-stack checkout, or install litellm-stack in the project that uses its components (${String((err as Error).message).split("\n")[0]})`,
      { cause: err },
    );
  }
  return from(file) as typeof Impl;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/* eslint-disable @typescript-eslint/no-explicit-any -- the engine hands over untyped bags */

/** Provider of `pulumi-nodejs:dynamic/litellm:ProviderCredential`. */
export const credentialProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req: any) => loadAdminImpl().configure(req.config),
  check: (olds: any, news: any) => loadAdminImpl().credential.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().credential.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().credential.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().credential.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().credential.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().credential.delete(id, props),
};

/** Provider of `pulumi-nodejs:dynamic/litellm:ModelAlias`. */
export const modelProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req: any) => loadAdminImpl().configure(req.config),
  check: (olds: any, news: any) => loadAdminImpl().model.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().model.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().model.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().model.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().model.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().model.delete(id, props),
};

/** Provider of `pulumi-nodejs:dynamic/litellm:VirtualKey`. */
export const keyProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req: any) => loadAdminImpl().configure(req.config),
  check: (olds: any, news: any) => loadAdminImpl().virtualKey.check(olds, news),
  diff: (id: string, olds: any, news: any) => loadAdminImpl().virtualKey.diff(id, olds, news),
  create: (inputs: any) => loadAdminImpl().virtualKey.create(inputs),
  read: (id: string, props: any) => loadAdminImpl().virtualKey.read(id, props),
  update: (id: string, olds: any, news: any) => loadAdminImpl().virtualKey.update(id, olds, news),
  delete: (id: string, props: any) => loadAdminImpl().virtualKey.delete(id, props),
};
