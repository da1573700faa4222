/**
 * The stack's containers as a backup sees them: found by their Docker labels
 * (`litellm-stack.stack`, `litellm-stack.role`), the gateway's salt key read from its env
 * (never printed), its LiteLLM version from its image tag (as the doctor's version check reads it).
 */
import { containersOf, docker, type StackContainer } from "../cli/docker";
import { CliError } from "../cli/report";
import { formatVersion, imageVersion, parseVersion } from "../version-policy/policy";

/** What backup and restore need of one stack's gateway. */
export interface StackGateway {
  db: StackContainer;
  gateway: StackContainer;
  /** LITELLM_SALT_KEY of the gateway container (secret: never print it). */
  saltKey: string;
  /** The LiteLLM version the gateway runs (`1.108.14`). */
  litellmVersion: string;
  /** The gateway's published base URL (`http://127.0.0.1:4000`), when it publishes one. */
  baseUrl: string | undefined;
}

interface Inspected {
  Config: { Image: string; Env: string[] | null; Labels: Record<string, string> | null };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

/** The stack's db and gateway containers with the gateway's salt key and version. */
export async function stackGateway(stack: string): Promise<StackGateway> {
  const { db, gateway } = await containersOf(stack);
  const inspected = await docker(["container", "inspect", gateway.id]);
  if (inspected.code !== 0) {
    throw new CliError(
      `docker container inspect ${gateway.name} failed: ${inspected.stderr.trim()}`,
    );
  }
  const [c] = JSON.parse(inspected.stdout) as Inspected[];
  const env = new Map(
    (c?.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
  const saltKey = env.get("LITELLM_SALT_KEY");
  if (saltKey === undefined || saltKey === "") {
    throw new CliError(
      `the gateway container ${gateway.name} of stack '${stack}' has no LITELLM_SALT_KEY in its env. Fix: npm run up -- --stack ${stack}`,
    );
  }
  const image = c?.Config.Image ?? "";
  const labelled = c?.Config.Labels?.["org.opencontainers.image.version"];
  const v = imageVersion(image) ?? (labelled === undefined ? undefined : parseVersion(labelled));
  if (v === undefined) {
    throw new CliError(
      `the gateway's image ${image} names no LiteLLM version (tag or org.opencontainers.image.version label), so the backup cannot record it. Fix: run a versioned image tag (docs/images.md)`,
    );
  }
  const port = c?.NetworkSettings.Ports?.["4000/tcp"]?.[0];
  const baseUrl =
    port === undefined
      ? undefined
      : `http://${port.HostIp === "" || port.HostIp === "0.0.0.0" ? "127.0.0.1" : port.HostIp}:${port.HostPort}`;
  return { db, gateway, saltKey, litellmVersion: formatVersion(v), baseUrl };
}
