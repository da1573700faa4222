/**
 * The Docker target's own commands (doctor, stop, start, backup, restore) on a stack that runs
 * on Kubernetes: refused with what to use there instead, while a Docker stack keeps each
 * command's own behaviour and errors (cli/kubernetes.ts).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { describe, expect, it, vi } from "vitest";
import type { Command } from "../../cli/command";
import { NoContainerError } from "../../cli/docker";
import { dockerOnly, kubernetesRefusal } from "../../cli/kubernetes";
import { COMMANDS } from "../../cli/main";
import { CliError } from "../../cli/report";
import type { StackTarget } from "../../cli/workspace";

const ON_KUBERNETES = {
  kubernetes: { namespace: "litellm-prod", service: "litellm", port: 4000, deployment: "litellm" },
};
const ON_DOCKER = { dockerNames: { gateway: "litellm", db: "litellm-db" } };

const TARGET: StackTarget = { stack: "prod", configDir: "/nowhere" };

/** A stack whose outputs are `outputs`, as the Automation API returns them. */
function stackWith(outputs: Record<string, unknown>): Stack {
  return {
    name: "prod",
    outputs: () =>
      Promise.resolve(
        Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])),
      ),
  } as unknown as Stack;
}

/** A command named `name` whose run throws `error` (or resolves 0). */
function commandThrowing(name: string, error?: Error): Command {
  return {
    name,
    summary: "",
    details: "",
    flags: {},
    run: () => (error === undefined ? Promise.resolve(0) : Promise.reject(error)),
  };
}

const noContainer = new NoContainerError(
  "stack 'prod' has no database container on this Docker engine",
);

describe("kubernetesRefusal", () => {
  it.each([
    ["doctor", "npm run drift -- --stack prod, and kubectl -n litellm-prod get pods,jobs,events"],
    ["stop", "kubectl -n litellm-prod scale deployment/litellm --replicas=0"],
    ["start", "npm run up -- --stack prod (it sets the Deployment's replicas back)"],
    ["backup", "kubectl -n litellm-prod exec litellm-db-0 -- pg_dump -U litellm -d litellm -Fc"],
    ["restore", "kubectl -n litellm-prod exec -i litellm-db-0 -- pg_restore"],
  ] as const)(
    "refuses %s on a stack on Kubernetes, naming the namespace and %j",
    (cmd, instead) => {
      const refusal = kubernetesRefusal(cmd, "prod", ON_KUBERNETES);
      expect(refusal).toContain(
        `npm run ${cmd} works on the Docker target; stack 'prod' runs on Kubernetes (namespace litellm-prod). Instead: `,
      );
      expect(refusal).toContain(instead);
    },
  );

  it("says nothing for a stack on Docker or one without outputs", () => {
    expect(kubernetesRefusal("stop", "prod", ON_DOCKER)).toBeUndefined();
    expect(kubernetesRefusal("stop", "prod", {})).toBeUndefined();
  });
});

describe("dockerOnly", () => {
  it("turns 'no container' into the Kubernetes refusal on a stack that runs there", async () => {
    const command = dockerOnly(commandThrowing("backup", noContainer), () =>
      Promise.resolve(stackWith(ON_KUBERNETES)),
    );
    await expect(command.run(TARGET, {})).rejects.toThrow(
      "npm run backup works on the Docker target; stack 'prod' runs on Kubernetes (namespace litellm-prod). Instead: kubectl -n litellm-prod exec litellm-db-0 -- pg_dump",
    );
  });

  it("keeps the command's own 'no container' error on a stack on Docker", async () => {
    const command = dockerOnly(commandThrowing("stop", noContainer), () =>
      Promise.resolve(stackWith(ON_DOCKER)),
    );
    await expect(command.run(TARGET, {})).rejects.toBe(noContainer);
  });

  it("keeps the command's own error when the stack cannot be read", async () => {
    const command = dockerOnly(commandThrowing("start", noContainer), () =>
      Promise.reject(new CliError("stack 'prod' does not exist")),
    );
    await expect(command.run(TARGET, {})).rejects.toBe(noContainer);
  });

  it("does not open the stack for other errors or a run that succeeds", async () => {
    const open = vi.fn(() => Promise.resolve(stackWith(ON_KUBERNETES)));
    const other = new CliError("docker stop litellm failed: permission denied");
    await expect(dockerOnly(commandThrowing("stop", other), open).run(TARGET, {})).rejects.toBe(
      other,
    );
    await expect(dockerOnly(commandThrowing("stop"), open).run(TARGET, {})).resolves.toBe(0);
    expect(open).not.toHaveBeenCalled();
  });

  it("refuses to wrap a command it has no Kubernetes alternative for", () => {
    expect(() => dockerOnly(commandThrowing("up"))).toThrow(
      "dockerOnly: no Kubernetes alternative is written for 'up'",
    );
  });

  it("wraps stop, start, backup and restore in the command list, keeping their names and help", async () => {
    const { stop, start } = await import("../../cli/commands/lifecycle");
    const { backup, restore } = await import("../../cli/commands/backup");
    for (const original of [stop, start, backup, restore]) {
      const listed = COMMANDS.find((c) => c.name === original.name);
      expect(listed).toBeDefined();
      expect(listed).not.toBe(original);
      expect(listed?.details).toBe(original.details);
      expect(listed?.flags).toBe(original.flags);
    }
  });
});
