/**
 * Container image references as Docker reads them (the grammar of distribution/reference):
 * `[host[:port]/]path[:tag][@sha256:<64 hex>]`. A first path component is a registry host when it
 * contains `.` or `:`, is `localhost`, or has an upper-case letter; otherwise the image is on
 * Docker Hub (`docker.io`), where a one-component name is an official image (`library/<name>`).
 * No tag and no digest means the tag `latest`.
 */

/** A parsed image reference. */
export interface ImageRef {
  /** The reference as given (trimmed). */
  original: string;
  /** The name as written, without tag or digest: `postgres`, `ghcr.io/berriai/litellm`. */
  name: string;
  /** The registry, `host[:port]`; `docker.io` for Docker Hub (also for `index.docker.io`). */
  domain: string;
  /** The repository path in that registry; `library/<name>` for Docker Hub's official images. */
  repository: string;
  /** The tag: as written, `latest` when neither tag nor digest is written, else undefined. */
  tag: string | undefined;
  /** The digest as written (`sha256:<64 hex>`), if any. */
  digest: string | undefined;
}

/** Raised for a string that is not an image reference; the message says which part is wrong. */
export class ImageRefError extends Error {
  override readonly name = "ImageRefError";
  readonly code = "IMAGE_REF_INVALID";
  constructor(
    /** The reference that was refused. */
    readonly reference: string,
    /** What is wrong with it, in a few words. */
    readonly reason: string,
  ) {
    super(`${JSON.stringify(reference)} is not an image reference: ${reason}`);
  }
}

/** Docker Hub's name in references. */
export const DOCKER_HUB = "docker.io";

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;
/** distribution/reference's limit on the length of a name. */
const MAX_NAME = 255;

const isDomain = (component: string): boolean =>
  component.includes(".") ||
  component.includes(":") ||
  component === "localhost" ||
  component !== component.toLowerCase();

/** Parses `reference`; throws {@link ImageRefError} naming the part that is wrong. */
export function parseImageRef(reference: string): ImageRef {
  const original = reference.trim();
  const fail = (reason: string): never => {
    throw new ImageRefError(original, reason);
  };
  if (original === "") {
    fail("it is empty");
  }
  const at = original.indexOf("@");
  const rest = at === -1 ? original : original.slice(0, at);
  const digest = at === -1 ? undefined : original.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) {
    fail(`the digest ${JSON.stringify(digest)} is not sha256:<64 lower-case hex digits>`);
  }
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > rest.lastIndexOf("/");
  const name = hasTag ? rest.slice(0, colon) : rest;
  const writtenTag = hasTag ? rest.slice(colon + 1) : undefined;
  if (writtenTag !== undefined && !TAG.test(writtenTag)) {
    fail(
      `the tag ${JSON.stringify(writtenTag)} is not a tag (letters, digits, _ . -, at most 128)`,
    );
  }
  if (name === "") {
    fail("it has no name");
  }
  if (name.length > MAX_NAME) {
    fail(`the name is longer than ${MAX_NAME} characters`);
  }
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const explicitDomain = slash !== -1 && isDomain(first);
  if (explicitDomain && !HOST.test(first)) {
    fail(`the registry ${JSON.stringify(first)} is not host[:port]`);
  }
  const path = explicitDomain ? name.slice(slash + 1) : name;
  for (const component of path.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      fail(
        `the path component ${JSON.stringify(component)} is not lower-case letters and digits separated by . _ __ or -`,
      );
    }
  }
  const domain = !explicitDomain || first === "index.docker.io" ? DOCKER_HUB : first;
  const repository = domain === DOCKER_HUB && !path.includes("/") ? `library/${path}` : path;
  return {
    original,
    name,
    domain,
    repository,
    tag: writtenTag ?? (digest === undefined ? "latest" : undefined),
    digest,
  };
}

/**
 * The reference pinned to `digest`: the name as written, its tag (`latest` when none was
 * written, so the pin says which tag it was taken from) and the digest, `name:tag@sha256:…`. A
 * reference with a digest and no tag stays `name@sha256:…`.
 */
export function pinnedRef(ref: ImageRef, digest: string): string {
  return `${ref.name}${ref.tag === undefined ? "" : `:${ref.tag}`}@${digest}`;
}

/** Whether the registry host is this machine (`localhost`, 127.0.0.0/8, `[::1]`), any port. */
export function isLoopbackRegistry(domain: string): boolean {
  const host = domain.startsWith("[")
    ? domain.slice(0, domain.indexOf("]") + 1)
    : domain.split(":")[0];
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host ?? "");
}
