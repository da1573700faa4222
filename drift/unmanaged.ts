/**
 * Objects on the gateway that the stack does not own (made in the UI or by another tool): listed
 * by `npm run drift` as information, never as drift. Owned objects are the ids in the stack's
 * state: the token hash of each VirtualKey, the model id of each ModelAlias, the name of each
 * ProviderCredential.
 */
import { AdminClient } from "../components/admin/client";
import type { UnmanagedObject } from "./report";

/** The ids of the stack's content resources, by kind, from its exported state. */
export function ownedIds(deployment: unknown): {
  key: Set<string>;
  model: Set<string>;
  credential: Set<string>;
} {
  const resources =
    (deployment as { resources?: Array<{ type?: string; id?: string }> }).resources ?? [];
  const ids = (suffix: string): Set<string> =>
    new Set(
      resources
        .filter((r) => (r.type ?? "").endsWith(`:${suffix}`) && typeof r.id === "string")
        .map((r) => r.id as string),
    );
  return {
    key: ids("VirtualKey"),
    model: ids("ModelAlias"),
    credential: ids("ProviderCredential"),
  };
}

interface KeyRow {
  token?: string;
  key_alias?: string | null;
}
interface ModelRow {
  model_name?: string;
  model_info?: { id?: string; db_model?: boolean };
}
interface CredentialRow {
  credential_name?: string;
}

/** Lists the gateway's keys, models and credentials that are not among `owned`. */
export async function unmanagedObjects(
  connection: { baseUrl: string; masterKey: string; stack: string },
  owned: ReturnType<typeof ownedIds>,
): Promise<UnmanagedObject[]> {
  const client = new AdminClient({ ...connection, maxAttempts: 2, timeoutMs: 10_000 });
  try {
    const found: UnmanagedObject[] = [];
    for (let page = 1; page <= 50; page++) {
      const res = await client.call<{ keys?: KeyRow[]; total_pages?: number }>({
        method: "GET",
        path: `/key/list?return_full_object=true&size=100&page=${page}`,
      });
      for (const k of res.body.keys ?? []) {
        if (typeof k.token === "string" && !owned.key.has(k.token)) {
          found.push({ kind: "key", name: k.key_alias ?? `${k.token.slice(0, 12)}…` });
        }
      }
      if (page >= (res.body.total_pages ?? 1)) {
        break;
      }
    }
    const models = await client.call<{ data?: ModelRow[] }>({ method: "GET", path: "/model/info" });
    for (const m of models.body.data ?? []) {
      const id = m.model_info?.id;
      if (typeof id === "string" && m.model_info?.db_model !== false && !owned.model.has(id)) {
        found.push({ kind: "model", name: m.model_name ?? id });
      }
    }
    const creds = await client.call<{ credentials?: CredentialRow[] }>({
      method: "GET",
      path: "/credentials",
    });
    for (const c of creds.body.credentials ?? []) {
      if (typeof c.credential_name === "string" && !owned.credential.has(c.credential_name)) {
        found.push({ kind: "credential", name: c.credential_name });
      }
    }
    return found;
  } finally {
    await client.close();
  }
}
