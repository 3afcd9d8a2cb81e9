import type { TableStore } from "./tableStore";
import { odataString } from "../odata";
import { getEntityOrUndefined, isStatus, tableKey } from "./tableStore";

/**
 * Submissions received from the Referral Form, kept in the app's own storage from the moment they are accepted
 * until their case is written to SharePoint (and afterwards, as the record of what the school sent). This is
 * what makes "nothing submitted is ever lost" hold while Graph is throttling or down: the HTTP answer is given
 * only after the submission is stored here, and the queue message that drives the rest carries only the
 * response id.
 *
 * @example
 * const first = await submissions.accept({ responseId: "17", caseRef: "LNCIP-2026-0042", ... });
 * first.firstTime // true; the same responseId again → false with the stored caseRef
 */
export interface StoredSubmission {
  responseId: string;
  caseRef: string;
  receivedAt: string;
  /** The validated form as JSON (personal data: stays in app storage and SharePoint, never in a queue or log). */
  formJson: string;
  /** Case this submission was linked to instead of opening a new one (a pupil with an open case). */
  linkedTo?: string | undefined;
  state: "accepted" | "written";
}

export interface SubmissionStore {
  /** Stores a new submission, or returns the one already stored under the same response id. */
  accept(s: Omit<StoredSubmission, "state">): Promise<{ submission: StoredSubmission; firstTime: boolean }>;
  get(responseId: string): Promise<StoredSubmission | undefined>;
  markWritten(responseId: string): Promise<void>;
  /** Submissions accepted but not yet written: the sweep re-queues them. */
  pending(): Promise<StoredSubmission[]>;
}

const PARTITION = "submission";
// A Table property holds at most 64 KiB. The form is stored as UTF-8 bytes in binary properties of up to
// 60,000 bytes: binary travels as base64 (plain ASCII), which also sidesteps Azurite mangling a multi-byte
// character split across network chunks, and chunking means no valid form can be refused by storage.
const CHUNK_BYTES = 60_000;

export function submissionStore(store: TableStore): SubmissionStore {
  const read = async (responseId: string) => {
    const row = await getEntityOrUndefined<Record<string, unknown>>(store.client, PARTITION, tableKey(responseId));
    return row ? fromRow(row) : undefined;
  };
  return {
    async accept(s) {
      await store.ready();
      const submission: StoredSubmission = { ...s, state: "accepted" };
      try {
        await store.client.createEntity({ partitionKey: PARTITION, rowKey: tableKey(s.responseId), ...toRow(submission) });
        return { submission, firstTime: true };
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
        const existing = await read(s.responseId);
        if (!existing) throw e;
        return { submission: existing, firstTime: false };
      }
    },
    async get(responseId) {
      await store.ready();
      return read(responseId);
    },
    async markWritten(responseId) {
      await store.ready();
      await store.client.updateEntity({ partitionKey: PARTITION, rowKey: tableKey(responseId), state: "written" }, "Merge");
    },
    async pending() {
      await store.ready();
      const out: StoredSubmission[] = [];
      for await (const row of store.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: `PartitionKey eq ${odataString(PARTITION)} and state eq ${odataString("accepted")}` },
      })) {
        out.push(fromRow(row));
      }
      return out;
    },
  };
}

function toRow(s: StoredSubmission): Record<string, string | Uint8Array> {
  const row: Record<string, string | Uint8Array> = {
    responseId: s.responseId,
    caseRef: s.caseRef,
    receivedAt: s.receivedAt,
    linkedTo: s.linkedTo ?? "",
    state: s.state,
  };
  const bytes = Buffer.from(s.formJson, "utf8");
  const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  row.formChunks = String(chunks);
  for (let i = 0; i < chunks; i++) row[`form${i}`] = new Uint8Array(bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  return row;
}

function fromRow(row: Record<string, unknown>): StoredSubmission {
  const chunks = Number(row.formChunks ?? "1");
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const part = row[`form${i}`];
    if (part instanceof Uint8Array) parts.push(Buffer.from(part));
  }
  const text = (key: string) => (typeof row[key] === "string" ? (row[key] as string) : "");
  const formJson = Buffer.concat(parts).toString("utf8");
  return {
    responseId: text("responseId"),
    caseRef: text("caseRef"),
    receivedAt: text("receivedAt"),
    formJson,
    linkedTo: text("linkedTo") || undefined,
    state: text("state") === "written" ? "written" : "accepted",
  };
}
