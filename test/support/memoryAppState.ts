import { StaleStateError, type AppState } from "../../src/m365/tables/appState";

/**
 * The app-state table in memory, with versions as Table storage has ETags: a `put` with a version that is no
 * longer current fails with `StaleStateError`, as the real one does on 412.
 */
export function memoryAppState(): AppState {
  const data = new Map<string, { value: unknown; version: string }>();
  let counter = 0;
  const key = (s: string, n: string) => `${s}/${n}`;
  return {
    async get<T>(s: string, n: string) {
      const row = data.get(key(s, n));
      return row ? { value: structuredClone(row.value) as T, version: row.version } : undefined;
    },
    async put(s, n, v, expectedVersion) {
      const row = data.get(key(s, n));
      if (expectedVersion !== undefined && row?.version !== expectedVersion) throw new StaleStateError(s, n);
      const version = `v${++counter}`;
      data.set(key(s, n), { value: structuredClone(v), version });
      return version;
    },
    async create(s, n, v) {
      if (data.has(key(s, n))) throw new StaleStateError(s, n);
      const version = `v${++counter}`;
      data.set(key(s, n), { value: structuredClone(v), version });
      return version;
    },
    async remove(s, n) {
      data.delete(key(s, n));
    },
    async list<T>(s: string) {
      return [...data].filter(([k]) => k.startsWith(`${s}/`)).map(([k, v]) => ({ name: k.slice(s.length + 1), value: structuredClone(v.value) as T }));
    },
  };
}
