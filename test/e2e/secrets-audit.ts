/**
 * The secrets audit of the end-to-end suite (issue 14 item 6): every secret a test stack knows
 * (configured secrets, secret outputs, generated passwords, raw virtual keys), looked for in every
 * place it must never appear in clear (state, `stack export`, serialized providers, transcripts,
 * container logs), in each of its encoded forms ({@link secretForms}). Pure functions: the harness
 * collects, this module matches. A hit names the secret's label and the place, never the value.
 */
import { secretForms } from "../../components/admin/client";

/** A secret to look for: `label` names it in messages, `value` is never printed. */
export interface AuditSecret {
  label: string;
  value: string;
}

/** A text the secrets must not appear in, named by `place`. */
export interface AuditPlace {
  place: string;
  text: string;
}

/** One finding: the secret's label and the place it was found in. */
export interface AuditHit {
  secret: string;
  place: string;
}

/**
 * The secrets long enough to be meaningful (secretForms returns [] for the others), one per value:
 * a value known under several labels gets them all, joined by " / ".
 */
export function meaningfulSecrets(secrets: readonly AuditSecret[]): AuditSecret[] {
  const byValue = new Map<string, string[]>();
  for (const s of secrets) {
    if (secretForms(s.value).length > 0) {
      const labels = byValue.get(s.value) ?? [];
      if (!labels.includes(s.label)) {
        labels.push(s.label);
      }
      byValue.set(s.value, labels);
    }
  }
  return [...byValue].map(([value, labels]) => ({ label: labels.join(" / "), value }));
}

/**
 * The forms the audit looks for: {@link secretForms} (raw, JSON- and Python-escaped,
 * URL-encoded, URL parts) plus base64 and base64url of the raw value at each of the three byte
 * alignments (a secret inside a longer encoded text, e.g. a Basic authorization or a JSON blob).
 */
export function auditForms(value: string): string[] {
  const forms = secretForms(value);
  if (forms.length === 0) {
    return [];
  }
  const bytes = Buffer.from(value, "utf8");
  const encoded = new Set(forms);
  for (let k = 0; k < 3; k++) {
    const shifted = Buffer.concat([Buffer.alloc(k), bytes]);
    const end = Math.floor(shifted.length / 3) * 4;
    for (const enc of ["base64", "base64url"] as const) {
      const form = shifted.toString(enc).slice(k === 0 ? 0 : 4, end);
      if (form.length >= 8) {
        encoded.add(form);
      }
    }
  }
  return [...encoded];
}

/** Every (secret, place) pair where some form of the secret occurs in the place's text. */
export function findSecrets(
  secrets: readonly AuditSecret[],
  places: readonly AuditPlace[],
): AuditHit[] {
  const hits: AuditHit[] = [];
  for (const s of meaningfulSecrets(secrets)) {
    const forms = auditForms(s.value);
    for (const p of places) {
      if (forms.some((f) => p.text.includes(f))) {
        hits.push({ secret: s.label, place: p.place });
      }
    }
  }
  return hits;
}

/** What {@link auditSecrets} looked at. */
export interface AuditReport {
  /** Labels of the meaningful secrets looked for. */
  secrets: string[];
  /** Names of the places looked in. */
  places: string[];
}

/**
 * Throws when a secret is found in a place ("secret <label> found in <place>", one line each),
 * or when there is nothing to look for (`requireSecrets`, the default: an audit that cannot fail
 * is a defect).
 */
export function auditSecrets(
  secrets: readonly AuditSecret[],
  places: readonly AuditPlace[],
  options: { requireSecrets?: boolean; subject?: string } = {},
): AuditReport {
  const subject = options.subject === undefined ? "" : ` of ${options.subject}`;
  const known = meaningfulSecrets(secrets);
  if ((options.requireSecrets ?? true) && known.length === 0) {
    throw new Error(`secrets audit${subject}: no secret collected, the audit could not fail`);
  }
  const hits = findSecrets(known, places);
  if (hits.length > 0) {
    throw new Error(
      [
        `secrets audit${subject} failed:`,
        ...hits.map((h) => `secret ${h.secret} found in ${h.place}`),
      ].join("\n"),
    );
  }
  return { secrets: known.map((s) => s.label), places: places.map((p) => p.place) };
}

/** Every string leaf of a JSON value, with its dotted path under `label`. */
export function stringLeaves(label: string, value: unknown): AuditSecret[] {
  if (typeof value === "string") {
    return [{ label, value }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => stringLeaves(`${label}[${i}]`, v));
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      stringLeaves(`${label}.${k}`, v),
    );
  }
  return [];
}

/**
 * The serialized dynamic providers of a state (`deployment.resources[].inputs/outputs.__provider`),
 * each as its own place `serialized provider <urn>`.
 */
export function serializedProviders(state: string): AuditPlace[] {
  const parsed = JSON.parse(state) as {
    checkpoint?: { latest?: { resources?: Resource[] } };
    deployment?: { resources?: Resource[] };
  };
  const resources = parsed.checkpoint?.latest?.resources ?? parsed.deployment?.resources ?? [];
  const places: AuditPlace[] = [];
  for (const r of resources) {
    const text = [r.inputs?.["__provider"], r.outputs?.["__provider"]]
      .filter((p): p is string => typeof p === "string")
      .join("\n");
    if (text !== "") {
      places.push({ place: `serialized provider ${r.urn}`, text });
    }
  }
  return places;
}

interface Resource {
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
