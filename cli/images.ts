/**
 * The image preflight of `up`: makes sure the images the stack runs are on the Docker engine.
 * The default upstream images are pulled; when one cannot be pulled (no registry here), the stack
 * switches to the local builds of the same versions (`imageSource=local`, saved in its config)
 * and builds them (`npm run images`). A configured image that is absent and cannot be pulled is
 * an error naming its key.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { LITELLM_VERSION, PROJECT, effectiveImages, imageKeysInUse } from "../config";
import { imageExists, pullImage } from "./docker";
import { CliError, log } from "./report";
import { ROOT } from "./workspace";

/**
 * Builds (or finds up to date) the local LiteLLM image of `version`, the Postgres image and, when
 * `redis`, the Redis image; its output goes to stderr.
 */
function buildLocalImages(version: string, redis: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      path.join(ROOT, "scripts/images.sh"),
      `litellm@${version}`,
      "postgres",
      ...(redis ? ["redis"] : []),
    ];
    const child = spawn("bash", args, { stdio: ["ignore", process.stderr, process.stderr] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new CliError("building the local images failed (npm run images); see the output above"),
          ),
    );
  });
}

/**
 * Runs the preflight for `stack` (see the module comment); `config`: the stack's config, already
 * read.
 */
export async function ensureImages(stack: Stack, read?: ConfigMap): Promise<void> {
  const config = read ?? (await stack.getAllConfig());
  const value = (key: string): string | undefined => {
    const v = config[`${PROJECT}:${key}`]?.value;
    return v === undefined || v === "" ? undefined : v;
  };
  const configured = {
    gatewayImage: value("gatewayImage"),
    postgresImage: value("postgresImage"),
    redisImage: value("redisImage"),
  };
  // An invalid workers value is the config check's to report.
  const keys = imageKeysInUse({ workers: value("workers"), llmProvider: value("llmProvider") });
  const redis = keys.includes("redisImage");
  const source = value("imageSource") ?? "upstream";
  const version = value("litellmVersion") ?? LITELLM_VERSION;
  if (source === "local" && keys.some((k) => configured[k] === undefined)) {
    await buildLocalImages(version, redis);
  }
  const effective = effectiveImages({
    imageSource: source,
    litellmVersion: version,
    ...configured,
  });
  const unavailable: string[] = [];
  for (const key of keys) {
    const image = effective[key];
    if (await imageExists(image)) {
      continue;
    }
    if (await pullImage(image)) {
      log(`pulled ${image}`);
      continue;
    }
    if (configured[key] !== undefined) {
      throw new CliError(
        `${PROJECT}:${key}: the image ${image} is not on this Docker engine and cannot be pulled. Fix: pull or load it ('docker load'), or remove the key to use the defaults: pulumi config rm --stack ${stack.name} ${PROJECT}:${key}`,
      );
    }
    unavailable.push(image);
  }
  if (unavailable.length > 0) {
    log(
      `the default images (${unavailable.join(" ")}) cannot be pulled here: using their local builds of the same versions, built if missing (recorded as ${PROJECT}:imageSource=local in Pulumi.${stack.name}.yaml)`,
    );
    await buildLocalImages(version, redis);
    await stack.setConfig(`${PROJECT}:imageSource`, { value: "local" });
  }
}
