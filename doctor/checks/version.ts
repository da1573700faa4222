/** The check `version`: the gateway's LiteLLM version is one the version policy allows. */
import { PROJECT, upstreamGatewayImage } from "../../config";
import {
  formatVersion,
  imageVersion,
  LITELLM_POLICY,
  parseVersion,
  policyProblem,
} from "../../version-policy/policy";
import { npm, type Check } from "../check";
import { containerCheck } from "../containers";

/**
 * `version`: the gateway's LiteLLM version (its image's tag, else the configured litellmVersion)
 * is allowed by the version policy.
 */
export const version: Check = containerCheck({
  name: "version",
  role: "gateway",
  need: "exists",
  inspect(ctx, c) {
    const image = c.Config.Image;
    const stated = ctx.litellmVersion === undefined ? undefined : parseVersion(ctx.litellmVersion);
    const v = imageVersion(image) ?? stated;
    const setVersion = ctx.gatewayImageConfigured
      ? `pulumi config set ${PROJECT}:gatewayImage '${upstreamGatewayImage(LITELLM_POLICY.default)}@sha256:<digest>' --stack ${ctx.stack}`
      : `pulumi config set ${PROJECT}:litellmVersion ${LITELLM_POLICY.default} --stack ${ctx.stack}`;
    if (v === undefined) {
      return {
        ok: false,
        problem: `the gateway's image ${image} names no LiteLLM version and the stack's config sets no ${PROJECT}:litellmVersion, so the version policy cannot check it`,
        fix: `pulumi config set ${PROJECT}:litellmVersion <the version it is> --stack ${ctx.stack}, or use a versioned image tag`,
      };
    }
    const problem = policyProblem(LITELLM_POLICY, v);
    if (problem !== undefined) {
      return {
        ok: false,
        problem: `the gateway runs ${image}: ${problem}`,
        fix: `${setVersion} (a version the policy allows, docs/version-policy.md), then ${npm(ctx, "up")}`,
      };
    }
    return { ok: true, detail: `LiteLLM ${formatVersion(v)}` };
  },
});
