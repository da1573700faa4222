/**
 * The check `gateway`: its container exists, runs healthy and is published exactly on the
 * configured bindAddress:hostPort (the fix also says how to set the config back to what runs).
 */
import { GATEWAY_PORT } from "../../components/gateway";
import { PROJECT } from "../../config";
import { npm, type Check } from "../check";
import {
  containerCheck,
  describePorts,
  hostPort,
  publishedPorts,
  type Published,
} from "../containers";

/**
 * `gateway`: the gateway container exists, runs, is healthy and is published exactly on the
 * configured bindAddress:hostPort (default 127.0.0.1:4000).
 */
export const gateway: Check = containerCheck({
  name: "gateway",
  role: "gateway",
  need: "healthy",
  inspect(ctx, c, name) {
    const expected = hostPort(ctx.bindAddress, ctx.hostPort);
    const containerPort = `${GATEWAY_PORT}/tcp`;
    // Docker lists a wildcard IPv4 bind's IPv6 twin as well.
    const ips =
      ctx.bindAddress === "0.0.0.0"
        ? ["0.0.0.0", "", "::"]
        : ctx.bindAddress === "::"
          ? ["::", ""]
          : [ctx.bindAddress];
    const matches = (p: Published): boolean =>
      p.containerPort === containerPort && p.port === String(ctx.hostPort) && ips.includes(p.ip);
    const configured = publishedPorts(c.HostConfig.PortBindings);
    const live = publishedPorts(c.NetworkSettings.Ports);
    const all = [...configured, ...live];
    if (configured.some(matches) && all.every(matches)) {
      return { ok: true, detail: `${name}: running, healthy, published on ${expected}` };
    }
    const seen =
      all.length === 0 ? "publishes no host port" : `is published on ${describePorts(all)}`;
    const own = all.filter((p) => p.containerPort === containerPort);
    const back: string[] = [];
    const single = own.length > 0 && new Set(own.map((p) => hostPort(p.ip, p.port))).size === 1;
    if (single && own[0] !== undefined) {
      if (own[0].port !== String(ctx.hostPort) && own[0].port !== "") {
        back.push(`pulumi config set ${PROJECT}:hostPort ${own[0].port} --stack ${ctx.stack}`);
      }
      if (!ips.includes(own[0].ip)) {
        back.push(
          `pulumi config set ${PROJECT}:bindAddress ${own[0].ip || "0.0.0.0"} --stack ${ctx.stack}`,
        );
      }
    }
    return {
      ok: false,
      problem: `the gateway container ${name} ${seen}, but the stack's config says ${expected} (${containerPort}) only`,
      fix: `${npm(ctx, "up")} (recreates it on the configured address)${back.length > 0 ? `, or set the config back to what runs: ${back.join("; ")}` : ""}`,
      logsOf: name,
    };
  },
});
