import { attendanceList, fromListFields, toListFields } from "../../domain/lists";
import { markKeyOf, type MarkInput, type RecordedMark } from "../../domain/attendance";
import type { ListItem, ListItems } from "../../m365/sharepoint/items";

/**
 * A mark as the Attendance list holds it, read into the domain's shape. A mark typed straight into SharePoint
 * may lack its version or time: it counts as version 1 recorded when the item was last changed, until the list
 * handler numbers it. An item that makes no sense (a person's typo) is left out and named by id in `problems`.
 *
 * @example
 * markFromItem(item) // { caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended", version: 1, ... }
 */
export function markFromItem(item: ListItem): (RecordedMark & { itemId: string }) | undefined {
  const f = item.fields;
  const parsed = fromListFields(attendanceList, {
    ...f,
    RecordedAt: f.RecordedAt ?? item.lastModified,
    RecordedBy: f.RecordedBy ?? item.lastModifiedBy ?? "SharePoint",
  });
  if (!parsed.ok) return undefined;
  const r = parsed.row;
  return {
    itemId: item.id,
    caseRef: r.CaseRef,
    date: r.Date,
    session: r.Session,
    happened: r.Happened,
    lateMinutes: r.LateMinutes,
    reasonGiven: r.AbsenceReason,
    providerCode: r.ProviderCode,
    recordedBy: r.RecordedBy,
    recordedAt: r.RecordedAt,
    version: r.Version ?? 1,
    markKey: r.MarkKey,
    correctionOf: r.CorrectionOf,
  };
}

/**
 * The list fields of a mark's version.
 *
 * @example
 * markToFields(mark, 2, "LNCIP-2026-0042:2026-11-23:AM:1", now) // { Title: "LNCIP-2026-0042:2026-11-23:AM:2", Happened: "Absent", Version: 2, CorrectionOf: "…:1", … }
 */
export function markToFields(mark: MarkInput, version: number, correctionOf: string | undefined, recordedAt: Date): Record<string, unknown> {
  return toListFields(attendanceList, {
    MarkKey: markKeyOf(mark.caseRef, mark.date, mark.session, version),
    CaseRef: mark.caseRef,
    Date: mark.date,
    Session: mark.session,
    Happened: mark.happened,
    LateMinutes: mark.lateMinutes,
    AbsenceReason: mark.reasonGiven || undefined,
    ProviderCode: mark.providerCode,
    RecordedBy: mark.recordedBy,
    RecordedAt: recordedAt.toISOString(),
    Version: version,
    CorrectionOf: correctionOf,
  });
}

/**
 * Every version of the marks of one case on one day (CaseRef and Date are indexed columns).
 *
 * @example
 * (await marksOfCaseOnDay(attendance, "LNCIP-2026-0042", "2026-11-23")).map((m) => m.markKey) // ["…:AM:1", "…:PM:1", "…:AM:2"]
 */
export async function marksOfCaseOnDay(attendance: ListItems, caseRef: string, date: string): Promise<(RecordedMark & { itemId: string })[]> {
  const items = await attendance.all({ filter: `fields/CaseRef eq '${caseRef}' and fields/Date eq '${date}'` });
  return items.map(markFromItem).filter((m): m is RecordedMark & { itemId: string } => m !== undefined);
}

/**
 * Every mark (every version) recorded for days from `from` to `to` inclusive.
 *
 * @example
 * latestMarks(await marksBetween(attendance, "2026-11-02", "2026-11-27"))
 */
export async function marksBetween(attendance: ListItems, from: string, to: string): Promise<RecordedMark[]> {
  const items = await attendance.all({ filter: `fields/Date ge '${from}' and fields/Date le '${to}'`, top: 999 });
  return items.map(markFromItem).filter((m): m is RecordedMark & { itemId: string } => m !== undefined);
}
