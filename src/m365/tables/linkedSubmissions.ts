import type { LinkedSubmission } from "../../domain/case/linkedSubmissions";
import type { TableStore } from "./tableStore";
import { isStatus, tableKey } from "./tableStore";
import { odataString } from "../odata";

/**
 * Every later submission linked to an open case, kept in the app's own storage (one partition per case): a case can
 * take any number of them, where a SharePoint column holds 4,000 characters (about 80 lines).
 *
 * @example
 * await linked.add("LNCIP-2026-0042", { responseId: "17", receivedAt: "2026-11-23T09:12:00Z" }) // again: no second row
 * (await linked.forCase("LNCIP-2026-0042")).length // 1
 */
export interface LinkedSubmissions {
  add(caseRef: string, submission: LinkedSubmission): Promise<void>;
  forCase(caseRef: string): Promise<LinkedSubmission[]>;
}

export function linkedSubmissions(store: TableStore): LinkedSubmissions {
  return {
    async add(caseRef, s) {
      await store.ready();
      try {
        await store.client.createEntity({ partitionKey: tableKey(caseRef), rowKey: tableKey(s.responseId), responseId: s.responseId, receivedAt: s.receivedAt });
      } catch (e) {
        if (!isStatus(e, 409)) throw e; // already linked: a retry
      }
    },
    async forCase(caseRef) {
      await store.ready();
      const out: LinkedSubmission[] = [];
      for await (const row of store.client.listEntities<{ responseId: string; receivedAt: string }>({ queryOptions: { filter: `PartitionKey eq ${odataString(tableKey(caseRef))}` } })) {
        out.push({ responseId: row.responseId, receivedAt: row.receivedAt });
      }
      return out;
    },
  };
}
