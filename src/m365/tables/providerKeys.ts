import { createHash, randomBytes } from "node:crypto";
import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus } from "./tableStore";
import { odataString } from "../odata";

/**
 * One key per provider for the session-marks endpoint: the key says who is sending marks (its provider id), so a
 * provider records marks for its own pupils only, and who recorded a mark is never self-declared. Only the key's
 * SHA-256 is kept (the key itself is shown once, when issued); revoking a provider removes its keys.
 *
 * @example
 * const keys = providerKeys(tableStore(conn, "ProviderKeys"));
 * const key = await keys.issue("riverside-ap", now) // "ifpk_…" (shown once)
 * await keys.identify(key) // { providerId: "riverside-ap" }
 * await keys.revoke("riverside-ap") // 1
 */
export interface ProviderKeys {
  issue(providerId: string, at: Date): Promise<string>;
  identify(key: string): Promise<{ providerId: string } | undefined>;
  /** Removes every key of the provider; how many there were. */
  revoke(providerId: string): Promise<number>;
  list(): Promise<{ providerId: string; issuedAt: string; fingerprint: string }[]>;
}

const PARTITION = "key";
const hashOf = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export function providerKeys(store: TableStore): ProviderKeys {
  return {
    async issue(providerId, at) {
      await store.ready();
      const key = `ifpk_${randomBytes(32).toString("base64url")}`;
      await store.client.createEntity({ partitionKey: PARTITION, rowKey: hashOf(key), providerId, issuedAt: at.toISOString() });
      return key;
    },
    async identify(key) {
      // A key is 'ifpk_' and 43 base64url characters: anything else is refused without a look-up.
      if (!/^ifpk_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
      await store.ready();
      const row = await getEntityOrUndefined<{ providerId: string }>(store.client, PARTITION, hashOf(key));
      return row ? { providerId: row.providerId } : undefined;
    },
    async revoke(providerId) {
      await store.ready();
      let removed = 0;
      for await (const row of store.client.listEntities<{ providerId: string }>({ queryOptions: { filter: `PartitionKey eq ${odataString(PARTITION)} and providerId eq ${odataString(providerId)}` } })) {
        try {
          await store.client.deleteEntity(PARTITION, row.rowKey as string);
          removed++;
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
      }
      return removed;
    },
    async list() {
      await store.ready();
      const out: { providerId: string; issuedAt: string; fingerprint: string }[] = [];
      for await (const row of store.client.listEntities<{ providerId: string; issuedAt: string }>({ queryOptions: { filter: `PartitionKey eq ${odataString(PARTITION)}` } })) {
        out.push({ providerId: row.providerId, issuedAt: row.issuedAt, fingerprint: String(row.rowKey).slice(0, 8) });
      }
      return out;
    },
  };
}
