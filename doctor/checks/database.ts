/** The check `database`: its container exists, runs healthy and publishes no host port. */
import { npm, type Check } from "../check";
import { containerCheck, describePorts, publishedPorts } from "../containers";

/** `database`: the database container exists, runs, is healthy and publishes no host port. */
export const database: Check = containerCheck({
  name: "database",
  role: "database",
  need: "healthy",
  inspect(ctx, c, name) {
    const ports = [
      ...publishedPorts(c.HostConfig.PortBindings),
      ...publishedPorts(c.NetworkSettings.Ports),
    ];
    if (ports.length > 0) {
      return {
        ok: false,
        problem: `the database container ${name} publishes host ports (${describePorts(ports)}); it must be reachable on the stack's network only`,
        fix: `${npm(ctx, "up")} (recreates it without published ports)`,
        logsOf: name,
      };
    }
    return { ok: true, detail: `${name}: running, healthy, no host port` };
  },
});
