import type { AttendanceRow } from "../../domain/lists";
import { odataString } from "../../m365/odata";
import { markKeyOf, type MarkInput, type RecordedMark } from "../../domain/attendance";
import { isReadable, type ListItem, type ListItems } from "../../m365/sharepoint/items";

/**
 * A mark as the Attendance list holds it, in the domain's shape. A mark typed straight into SharePoint may lack
 * its version or time: it counts as version 1 recorded when the item was last changed (the list's stand-ins),
 * until the list handler numbers it.
 *
 * @example
 * markFromItem(item) // { caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended", version: 1, ... }
 */
export function markFromItem(item: ListItem<AttendanceRow>): RecordedMark & { itemId: string } {
  const r = item.row;
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
 * The Attendance row of a mark's version.
 *
 * @example
 * markRow(mark, 2, "LNCIP-2026-0042:2026-11-23:AM:1", now) // { MarkKey: "LNCIP-2026-0042:2026-11-23:AM:2", Happened: "absent", Version: 2, CorrectionOf: "…:1", … }
 */
export function markRow(mark: MarkInput, version: number, correctionOf: string | undefined, recordedAt: Date): AttendanceRow {
  return {
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
  };
}

/**
 * Every version of the marks of one case on one day (CaseRef and Date are indexed columns).
 *
 * @example
 * (await marksOfCaseOnDay(attendance, "LNCIP-2026-0042", "2026-11-23")).map((m) => m.markKey) // ["…:AM:1", "…:PM:1", "…:AM:2"]
 */
export async function marksOfCaseOnDay(attendance: ListItems<AttendanceRow>, caseRef: string, date: string): Promise<(RecordedMark & { itemId: string })[]> {
  const items = await attendance.readAll({ filter: `fields/CaseRef eq ${odataString(caseRef)} and fields/Date eq ${odataString(date)}` });
  return items.filter(isReadable).map(markFromItem);
}

/**
 * Every mark (every version) recorded for days from `from` to `to` inclusive.
 *
 * @example
 * latestMarks(await marksBetween(attendance, "2026-11-02", "2026-11-27"))
 */
export async function marksBetween(attendance: ListItems<AttendanceRow>, from: string, to: string): Promise<RecordedMark[]> {
  const items = await attendance.readAll({ filter: `fields/Date ge ${odataString(from)} and fields/Date le ${odataString(to)}`, top: 999 });
  return items.filter(isReadable).map(markFromItem);
}
