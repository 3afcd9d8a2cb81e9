import type { TableStore } from "./tableStore";
import { odataString } from "../odata";
import { isStatus, tableKey } from "./tableStore";

/**
 * One transition of a case, as kept for the record: who, what, when, from which source. Entries carry the case
 * reference and codes, never a pupil's identity or free text from the form.
 */
export interface AuditEntry {
  caseRef: string;
  /** Stable key of the transition (the state machine's idempotency key): recording it twice keeps one entry. */
  key: string;
  at: Date;
  by: string;
  source: "forms" | "sharepoint" | "teams" | "timer" | "system";
  action: string;
  from?: string | undefined;
  to?: string | undefined;
  detail?: string | undefined;
}

/**
 * The audit trail: an append-only table partitioned by case reference.
 *
 * @example
 * await audit.append({ caseRef: "LNCIP-2026-0042", key: "LNCIP-2026-0042:decide:1", at, by: "chair@school.example",
 *   source: "teams", action: "recordCoreGroupDecision", from: "readyForCoreGroup", to: "decided" });
 * (await audit.forCase("LNCIP-2026-0042")).length // 1, however often that append is retried
 */
export interface AuditTrail {
  append(entry: AuditEntry): Promise<void>;
  forCase(caseRef: string): Promise<AuditEntry[]>;
}

export function auditTrail(store: TableStore): AuditTrail {
  return {
    async append(entry) {
      await store.ready();
      try {
        await store.client.createEntity({
          partitionKey: tableKey(entry.caseRef),
          rowKey: tableKey(entry.key),
          caseRef: entry.caseRef,
          key: entry.key,
          at: entry.at.toISOString(),
          by: entry.by,
          source: entry.source,
          action: entry.action,
          from: entry.from ?? "",
          to: entry.to ?? "",
          detail: entry.detail ?? "",
        });
      } catch (e) {
        if (!isStatus(e, 409)) throw e; // already recorded: a retry of the same transition
      }
    },
    async forCase(caseRef) {
      await store.ready();
      const entries: AuditEntry[] = [];
      const rows = store.client.listEntities<Record<string, string>>({
        queryOptions: { filter: `PartitionKey eq ${odataString(tableKey(caseRef))}` },
      });
      for await (const row of rows) {
        entries.push({
          caseRef: row.caseRef ?? caseRef,
          key: row.key ?? "",
          at: new Date(row.at ?? 0),
          by: row.by ?? "",
          source: (row.source ?? "system") as AuditEntry["source"],
          action: row.action ?? "",
          from: row.from || undefined,
          to: row.to || undefined,
          detail: row.detail || undefined,
        });
      }
      return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    },
  };
}
