import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus, tableKey } from "./tableStore";

/**
 * Allocates case numbers per partnership and year with no gaps and no clashes, even when several
 * submissions arrive at once on several instances, and gives a retried submission the number it already had.
 *
 * How: the counter row and a row recording which submission took which number live in one partition and are
 * written in one entity-group transaction, guarded by the counter's ETag. A concurrent allocation makes the
 * transaction fail as a whole (412), and we read again and retry; a retried submission finds its own row.
 * A number is only ever taken together with the submission that owns it, so numbers have no gaps as long as
 * each submission's case is eventually written (the intake retries until it is).
 *
 * @example
 * const numbers = caseNumberAllocator(tableStore(conn, "CaseNumbers"));
 * await numbers.allocate("LNCIP", 2026, "response-17") // 1
 * await numbers.allocate("LNCIP", 2026, "response-18") // 2
 * await numbers.allocate("LNCIP", 2026, "response-17") // 1 again
 */
export interface CaseNumberAllocator {
  allocate(partnership: string, year: number, submissionId: string): Promise<number>;
}

interface CounterRow {
  last: number;
}
interface AllocationRow {
  number: number;
}

const COUNTER = "counter";
const MAX_ATTEMPTS = 50;

export function caseNumberAllocator(store: TableStore): CaseNumberAllocator {
  return {
    async allocate(partnership, year, submissionId) {
      await store.ready();
      const client = store.client;
      const partitionKey = tableKey(`${partnership}-${year}`);
      const rowKey = `submission:${tableKey(submissionId)}`;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const mine = await getEntityOrUndefined<AllocationRow>(client, partitionKey, rowKey);
        if (mine) return mine.number;
        const counter = await getEntityOrUndefined<CounterRow>(client, partitionKey, COUNTER);
        if (!counter) {
          try {
            await client.createEntity({ partitionKey, rowKey: COUNTER, last: 0 });
          } catch (e) {
            if (!isStatus(e, 409)) throw e;
          }
          continue;
        }
        const next = counter.last + 1;
        try {
          await client.submitTransaction([
            ["update", { partitionKey, rowKey: COUNTER, last: next }, "Replace", { etag: counter.etag }],
            ["create", { partitionKey, rowKey, number: next }],
          ]);
          return next;
        } catch (e) {
          // 412: another allocation moved the counter; 409: this submission was allocated concurrently.
          if (!isStatus(e, 409, 412)) throw e;
          await pause(attempt);
        }
      }
      throw new Error(`Could not allocate a case number for ${partnership} ${year} after ${MAX_ATTEMPTS} attempts`);
    },
  };
}

/** Small randomised back-off so colliding allocators spread out instead of colliding again. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
