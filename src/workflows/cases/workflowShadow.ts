import type { CasesRow, RowChanges } from "../../domain/lists";
import { StaleStateError, type AppState } from "../../m365/tables/appState";
import type { WatchedColumns } from "../../m365/sharepoint/items";

/**
 * The workflow's own record of each case item, where only the app writes (Table storage, AppState scope
 * `caseWorkflow`, one entry per item id). The Cases list shows the same columns, but a person's edit of them changes
 * no outcome: the app decides from this record, writes it back over the edit, and reports the edit.
 */
export const WORKFLOW_SHADOW_SCOPE = "caseWorkflow";

/** Columns only the workflow writes: an edit to any of them is put back from the record. */
export const workflowOwnedColumns = [
  "WorkflowStatus",
  "WorkflowVersion",
  "WorkflowTransition",
  "WaitingSince",
  "PreviousIfCase",
  "PreviousCaseRef",
  "RequestType",
  "Named",
  "KeyStage",
  "InclusionForumOutcome",
  "DecidedBy",
  "IfOverrideBy",
  "IfOverrideAt",
  "ExceptionRefusedBy",
  "ExceptionRefusedAt",
  "ExtraPlaceBy",
  "ExtraPlaceAt",
  "ReferralResponseId",
] as const satisfies readonly (keyof CasesRow)[];

/**
 * Columns a person fills in to ask for something (a decision, an override's reason, the Director's reasons): theirs
 * to type while nothing is recorded, the workflow's once it has recorded one (then an edit is put back).
 */
export const workflowRecordedColumns = ["CoreGroupOutcome", "DecidedAt", "IfOverrideReason", "ExceptionRefusedReason", "ExtraPlaceReason"] as const satisfies readonly (keyof CasesRow)[];

type Owned = (typeof workflowOwnedColumns)[number] | (typeof workflowRecordedColumns)[number];
/** The workflow's record of one case item. */
export type WorkflowRecord = Partial<Pick<CasesRow, Owned>>;

/**
 * The workflow's columns of a row (absent ones left out).
 *
 * @example
 * workflowRecordOf({ ...row, WorkflowStatus: "triage", WorkflowVersion: 1, ReasonForReferral: "…" })
 * // { WorkflowStatus: "triage", WorkflowVersion: 1, Named: true, KeyStage: "KS3", … } — never the form's answers
 */
export function workflowRecordOf(row: Partial<CasesRow>): WorkflowRecord {
  const out: Record<string, unknown> = {};
  for (const k of [...workflowOwnedColumns, ...workflowRecordedColumns]) if (row[k] !== undefined) out[k] = row[k];
  return out as WorkflowRecord;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The workflow's columns in which an item differs from the record: owned columns always, recorded columns only once
 * the record holds a value.
 */
export function editedColumns(item: Partial<CasesRow>, record: WorkflowRecord): Owned[] {
  const edited: Owned[] = workflowOwnedColumns.filter((k) => !sameValue(item[k], record[k]));
  for (const k of workflowRecordedColumns) if (record[k] !== undefined && !sameValue(item[k], record[k])) edited.push(k);
  return edited;
}

/** The row the workflow decides from: the item with the edited workflow columns as the record has them. */
export function withRecord(row: CasesRow, record: WorkflowRecord, edited: readonly Owned[]): CasesRow {
  const out: Record<string, unknown> = { ...row };
  for (const k of edited) {
    if (record[k] === undefined) delete out[k];
    else out[k] = record[k];
  }
  return out as CasesRow;
}

/** What writing the record back over the edited columns writes (a column the record lacks is cleared). */
export function restoreChanges(record: WorkflowRecord, edited: readonly Owned[]): RowChanges<CasesRow> {
  const changes: Record<string, unknown> = {};
  for (const k of edited) changes[k] = record[k] ?? null;
  return changes as RowChanges<CasesRow>;
}

/** The record kept for an item, if any. */
export async function readWorkflowRecord(state: AppState, itemId: string): Promise<WorkflowRecord | undefined> {
  return (await state.get<WorkflowRecord>(WORKFLOW_SHADOW_SCOPE, itemId))?.value;
}

/**
 * Keeps the record of an item after one of the app's own writes landed. Never goes back: a record of a later
 * transition (a higher WorkflowVersion) is kept over an earlier one written late by a slower worker.
 */
export async function keepWorkflowRecord(state: AppState, itemId: string, record: WorkflowRecord): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await state.get<WorkflowRecord>(WORKFLOW_SHADOW_SCOPE, itemId);
    if (current && (current.value.WorkflowVersion ?? 0) > (record.WorkflowVersion ?? 0)) return;
    if (current && sameValue(current.value, record)) return;
    try {
      // A first record is created, never upserted: it must not overwrite a later one kept meanwhile.
      if (current) await state.put(WORKFLOW_SHADOW_SCOPE, itemId, record, current.version);
      else await state.create(WORKFLOW_SHADOW_SCOPE, itemId, record);
      return;
    } catch (e) {
      if (!(e instanceof StaleStateError)) throw e;
    }
  }
  throw new StaleStateError(WORKFLOW_SHADOW_SCOPE, itemId);
}

/**
 * The workflow's columns watched for change (so an edit to any of them reaches the Cases handler and is put back).
 * Text that may name a person is watched by its hash.
 */
export const workflowWatches: WatchedColumns<CasesRow> = Object.fromEntries(
  [...workflowOwnedColumns, ...workflowRecordedColumns].map((k) => [`wf:${k}`, { column: k, as: k === "WorkflowVersion" ? "number" : k === "Named" ? "text" : "hash" }]),
) as WatchedColumns<CasesRow>;
