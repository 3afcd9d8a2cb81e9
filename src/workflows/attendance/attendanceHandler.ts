import { markKeyOf } from "../../domain/attendance";
import type { AuditTrail } from "../../m365/tables/auditTrail";
import type { AttendanceRow } from "../../domain/lists";
import { isReadable, type ListItems, type WatchedColumns } from "../../m365/sharepoint/items";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { markFromItem, marksOfCaseOnDay } from "./markItems";

export interface AttendanceHandlerPorts {
  attendance: ListItems<AttendanceRow>;
  audit: AuditTrail;
  log: (message: string) => void;
}

/** The Attendance columns whose change means something (coded only: never the free-text reason). */
export const attendanceWatches: WatchedColumns<AttendanceRow> = {
  happened: { column: "Happened", as: "nonEmptyText" },
  lateMinutes: { column: "LateMinutes", as: "number" },
  providerCode: { column: "ProviderCode", as: "nonEmptyText" },
  version: { column: "Version", as: "number" },
};

/**
 * What the app does when someone changes the Attendance list in SharePoint (marks typed in by partnership
 * staff rather than sent through the endpoint):
 *
 * - a new mark without a version is numbered as the next version of its session, with `CorrectionOf` naming the
 *   mark it corrects, so the latest correction counts and the earlier one stays as history;
 * - a mark edited in place (what happened, minutes late, provider's code) is recorded in the case's audit trail
 *   with its old and new values — never a silent overwrite.
 *
 * Snapshots hold coded fields only (never the free-text reason).
 *
 * @example
 * watchedList(attendanceHandler({ attendance, audit, log })) // the Attendance list, watched through this handler
 */
export function attendanceHandler(ports: AttendanceHandlerPorts): ListChangeHandler<AttendanceRow> {
  return {
    items: ports.attendance,
    watches: attendanceWatches,
    async changed(before, after, now) {
      if (!isReadable(after)) {
        ports.log(`Attendance item ${after.id} cannot be read as a session mark; left for a coordinator`);
        return;
      }
      const mark = markFromItem(after);
      const by = after.lastModifiedBy ?? "SharePoint";
      if (after.row.Version === undefined) {
        const others = (await marksOfCaseOnDay(ports.attendance, mark.caseRef, mark.date)).filter((m) => m.session === mark.session && m.itemId !== after.id);
        const latest = others.sort((a, b) => b.version - a.version)[0];
        const version = (latest?.version ?? 0) + 1;
        const key = markKeyOf(mark.caseRef, mark.date, mark.session, version);
        await ports.attendance.update(after, { MarkKey: key, Version: version, RecordedAt: mark.recordedAt, RecordedBy: mark.recordedBy, ...(latest ? { CorrectionOf: latest.markKey } : {}) }, { ifUnchanged: true });
        await ports.audit.append({ caseRef: mark.caseRef, key: `mark:${key}`, at: new Date(mark.recordedAt), by, source: "sharepoint", action: latest ? "correctSessionMark" : "recordSessionMark", from: latest?.happened, to: mark.happened, detail: `${mark.date} ${mark.session}` });
        return;
      }
      if (before && (before.happened !== now.happened || before.lateMinutes !== now.lateMinutes || before.providerCode !== now.providerCode)) {
        await ports.audit.append({
          caseRef: mark.caseRef,
          key: `mark-edit:${after.id}:${after.lastModified ?? mark.recordedAt}`,
          at: new Date(after.lastModified ?? mark.recordedAt),
          by,
          source: "sharepoint",
          action: "editSessionMarkInPlace",
          from: `${before.happened ?? ""}${before.lateMinutes !== null && before.lateMinutes !== undefined ? ` ${before.lateMinutes} min` : ""}${before.providerCode ? ` (${before.providerCode})` : ""}`,
          to: `${now.happened ?? ""}${now.lateMinutes !== null && now.lateMinutes !== undefined ? ` ${String(now.lateMinutes)} min` : ""}${now.providerCode ? ` (${now.providerCode})` : ""}`,
          detail: `${mark.markKey}: edited in place; the earlier value is kept here`,
        });
      }
    },
  };
}
