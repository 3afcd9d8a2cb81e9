import type { TableStore } from "./tableStore";
import { odataString } from "../odata";
import { getEntityOrUndefined, isStatus, tableKey } from "./tableStore";

/**
 * Small named JSON values the app keeps between invocations (a list's delta link, its subscription id, the last
 * state of each item the app saw), with optimistic concurrency: `put` with the version read fails with
 * `StaleStateError` if someone else wrote in between.
 *
 * @example
 * const state = appState(tableStore(conn, "AppState"));
 * const link = await state.get<string>("delta", "Cases");
 * await state.put("delta", "Cases", nextLink, link?.version);
 */
export interface AppState {
  get<T>(scope: string, name: string): Promise<{ value: T; version: string } | undefined>;
  put<T>(scope: string, name: string, value: T, expectedVersion?: string): Promise<string>;
  /** Writes a value only if there is none yet (else `StaleStateError`): a first write that never overwrites another. */
  create<T>(scope: string, name: string, value: T): Promise<string>;
  remove(scope: string, name: string): Promise<void>;
  list<T>(scope: string): Promise<{ name: string; value: T }[]>;
}

export class StaleStateError extends Error {
  constructor(scope: string, name: string) {
    super(`State ${scope}/${name} was changed by another attempt; read it again.`);
    this.name = "StaleStateError";
  }
}

interface StateRow {
  name: string;
  value: string;
}

export function appState(store: TableStore): AppState {
  return {
    async get<T>(scope: string, name: string) {
      await store.ready();
      const row = await getEntityOrUndefined<StateRow>(store.client, tableKey(scope), tableKey(name));
      return row ? { value: JSON.parse(row.value) as T, version: row.etag } : undefined;
    },
    async put<T>(scope: string, name: string, value: T, expectedVersion?: string) {
      await store.ready();
      const entity = { partitionKey: tableKey(scope), rowKey: tableKey(name), name, value: JSON.stringify(value) };
      try {
        const res = expectedVersion
          ? await store.client.updateEntity(entity, "Replace", { etag: expectedVersion })
          : await store.client.upsertEntity(entity, "Replace");
        return res.etag ?? "";
      } catch (e) {
        if (isStatus(e, 412, 404)) throw new StaleStateError(scope, name);
        throw e;
      }
    },
    async create<T>(scope: string, name: string, value: T) {
      await store.ready();
      try {
        const res = await store.client.createEntity({ partitionKey: tableKey(scope), rowKey: tableKey(name), name, value: JSON.stringify(value) });
        return res.etag ?? "";
      } catch (e) {
        if (isStatus(e, 409)) throw new StaleStateError(scope, name);
        throw e;
      }
    },
    async remove(scope, name) {
      await store.ready();
      try {
        await store.client.deleteEntity(tableKey(scope), tableKey(name));
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    },
    async list<T>(scope: string) {
      await store.ready();
      const out: { name: string; value: T }[] = [];
      const rows = store.client.listEntities<StateRow>({
        queryOptions: { filter: `PartitionKey eq ${odataString(tableKey(scope))}` },
      });
      for await (const row of rows) out.push({ name: row.name, value: JSON.parse(row.value) as T });
      return out;
    },
  };
}
