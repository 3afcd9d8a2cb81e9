import { createHash } from "node:crypto";
import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus, tableKey } from "./tableStore";

/**
 * Counts per day and per key (how many submissions a responder or a school made today), for quotas. Keys are
 * hashed (the table holds no email address), one partition per day; an increment is conditional on the row's ETag,
 * so concurrent increments never lose one.
 *
 * @example
 * const counts = dailyCounts(tableStore(conn, "DailyCounts"));
 * await counts.add("responder", "senco@oakfield.example", "2026-11-23") // 1
 * await counts.get("responder", "senco@oakfield.example", "2026-11-23") // 1
 */
export interface DailyCounts {
  get(scope: string, key: string, day: string): Promise<number>;
  /** Adds one; the count after it. */
  add(scope: string, key: string, day: string): Promise<number>;
}

export function dailyCounts(store: TableStore): DailyCounts {
  const locate = (scope: string, key: string, day: string) => ({ partitionKey: tableKey(day), rowKey: tableKey(`${scope}:${createHash("sha256").update(key.trim().toLowerCase()).digest("hex")}`) });
  return {
    async get(scope, key, day) {
      await store.ready();
      const { partitionKey, rowKey } = locate(scope, key, day);
      return (await getEntityOrUndefined<{ count: number }>(store.client, partitionKey, rowKey))?.count ?? 0;
    },
    async add(scope, key, day) {
      await store.ready();
      const { partitionKey, rowKey } = locate(scope, key, day);
      for (let attempt = 0; attempt < 20; attempt++) {
        const row = await getEntityOrUndefined<{ count: number }>(store.client, partitionKey, rowKey);
        try {
          if (!row) await store.client.createEntity({ partitionKey, rowKey, count: 1 });
          else await store.client.updateEntity({ partitionKey, rowKey, count: row.count + 1 }, "Replace", { etag: row.etag });
          return (row?.count ?? 0) + 1;
        } catch (e) {
          if (!isStatus(e, 409, 412)) throw e; // another increment came first: read again
        }
      }
      throw new Error(`Could not count ${scope} for ${day}; it will be retried.`);
    },
  };
}
