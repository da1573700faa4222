/** `up` refuses to move a deployed stack to another target by a config change (cli/kubernetes.ts). */
import { describe, expect, it } from "vitest";
import { targetSwitchProblem } from "../../cli/kubernetes";

const DOCKER = [
  { type: "pulumi:pulumi:Stack" },
  { type: "docker:index/container:Container" },
  { type: "random:index/randomPassword:RandomPassword" },
];
const KUBERNETES = [
  { type: "pulumi:pulumi:Stack" },
  { type: "pulumi:providers:kubernetes" },
  { type: "kubernetes:apps/v1:Deployment" },
];

describe("targetSwitchProblem", () => {
  it("refuses target=kubernetes on a stack deployed on Docker, naming both targets and the way to move", () => {
    const problem = targetSwitchProblem("prod", DOCKER, "kubernetes");
    expect(problem).toContain("stack 'prod' runs on docker and its config says target=kubernetes");
    expect(problem).toContain("npm run backup -- --stack prod");
    expect(problem).toContain("pulumi config set litellm-stack:target docker");
  });

  it("refuses target=docker on a stack deployed on Kubernetes", () => {
    const problem = targetSwitchProblem("prod", KUBERNETES, "docker");
    expect(problem).toContain("runs on kubernetes and its config says target=docker");
    expect(problem).toContain("pulumi config set litellm-stack:target kubernetes");
  });

  it("accepts the deployed target, and any target on a stack with nothing deployed", () => {
    expect(targetSwitchProblem("s", DOCKER, "docker")).toBeUndefined();
    expect(targetSwitchProblem("s", KUBERNETES, "kubernetes")).toBeUndefined();
    expect(
      targetSwitchProblem("s", [{ type: "pulumi:pulumi:Stack" }], "kubernetes"),
    ).toBeUndefined();
    // A provider alone (an update that failed before creating anything) is not a deployment.
    expect(
      targetSwitchProblem("s", [{ type: "pulumi:providers:kubernetes" }], "docker"),
    ).toBeUndefined();
  });
});
