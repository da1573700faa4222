/**
 * Pulumi mocks for the component unit tests: every registered resource is recorded with its
 * inputs and provider; a RandomPassword's result is `generated-<resource name>`, an autonamed
 * Kubernetes object's name `<resource name>-autonamed`. Call {@link installMocks} in
 * `beforeAll`, then import the components (after setMocks, so they register against the mocks).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";

/** A resource as the mocks saw it. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The provider reference (`<urn>::<id>`), when the resource has one. */
  provider: string | undefined;
}

/** The name the mocks give an autonamed Kubernetes object (no `metadata.name`). */
export const autoname = (resource: string): string => `${resource}-autonamed`;

/** Every resource registered since the mocks were installed (tests slice their own part). */
export const registered: Registered[] = [];

/** Installs the mocks (project litellm-stack, stack test). */
export async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
        });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          state["result"] = `generated-${args.name}`;
        }
        // The Kubernetes provider names an object without metadata.name: references to it
        // (secretKeyRef, configMap) then have a value to check.
        const metadata = args.inputs["metadata"] as Record<string, unknown> | undefined;
        if (args.type.startsWith("kubernetes:") && metadata !== undefined && !metadata["name"]) {
          state["metadata"] = { ...metadata, name: autoname(args.name) };
        }
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "litellm-stack",
    "test",
    false,
  );
}

/** Resolves an Output (awaited before any assertion). */
export function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The value of an input the engine would store encrypted, failing when it is not secret. */
export function secretValue(input: unknown): unknown {
  const wrapped = input as Record<string, unknown>;
  expect(wrapped[SECRET_SIG], "input should be secret").toBe("1b47061264138c4ac30d75fd1eb44270");
  return wrapped["value"];
}
