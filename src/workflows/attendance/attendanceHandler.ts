import { markKeyOf } from "../../domain/attendance";
import type { AuditTrail } from "../../m365/tables/auditTrail";
import type { ListItem, ListItems } from "../../m365/sharepoint/items";
import type { ListChangeHandler, Snapshot } from "../listChanges/processListChanges";
import { markFromItem, marksOfCaseOnDay } from "./markItems";

export interface AttendanceHandlerPorts {
  attendance: ListItems;
  audit: AuditTrail;
  log: (message: string) => void;
}

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
 * listChangeHandlers(ports, log).get("Attendance") // this handler
 */
export function attendanceHandler(ports: AttendanceHandlerPorts): ListChangeHandler {
  return {
    list: "Attendance",
    snapshot: (item: ListItem): Snapshot => ({
      happened: str(item.fields.Happened),
      lateMinutes: typeof item.fields.LateMinutes === "number" ? item.fields.LateMinutes : null,
      providerCode: str(item.fields.ProviderCode),
      version: typeof item.fields.Version === "number" ? item.fields.Version : null,
    }),
    async changed(before, after) {
      const mark = markFromItem(after);
      if (!mark) {
        ports.log(`Attendance item ${after.id} cannot be read as a session mark; left for a coordinator`);
        return;
      }
      const by = after.lastModifiedBy ?? "SharePoint";
      if (typeof after.fields.Version !== "number") {
        const others = (await marksOfCaseOnDay(ports.attendance, mark.caseRef, mark.date)).filter((m) => m.session === mark.session && m.itemId !== after.id);
        const latest = others.sort((a, b) => b.version - a.version)[0];
        const version = (latest?.version ?? 0) + 1;
        const key = markKeyOf(mark.caseRef, mark.date, mark.session, version);
        await ports.attendance.update(after.id, { Title: key, Version: version, RecordedAt: mark.recordedAt, RecordedBy: mark.recordedBy, ...(latest ? { CorrectionOf: latest.markKey } : {}) }, after.etag);
        await ports.audit.append({ caseRef: mark.caseRef, key: `mark:${key}`, at: new Date(mark.recordedAt), by, source: "sharepoint", action: latest ? "correctSessionMark" : "recordSessionMark", from: latest?.happened, to: mark.happened, detail: `${mark.date} ${mark.session}` });
        return;
      }
      const now = { happened: str(after.fields.Happened), lateMinutes: after.fields.LateMinutes ?? null, providerCode: str(after.fields.ProviderCode) };
      if (before && (before.happened !== now.happened || before.lateMinutes !== now.lateMinutes || before.providerCode !== now.providerCode)) {
        await ports.audit.append({
          caseRef: mark.caseRef,
          key: `mark-edit:${after.id}:${after.lastModified ?? mark.recordedAt}`,
          at: new Date(after.lastModified ?? mark.recordedAt),
          by,
          source: "sharepoint",
          action: "editSessionMarkInPlace",
          from: `${before.happened ?? ""}${before.lateMinutes !== null && before.lateMinutes !== undefined ? ` ${before.lateMinutes} min` : ""}${before.providerCode ? ` (${before.providerCode})` : ""}`,
          to: `${now.happened ?? ""}${now.lateMinutes !== null ? ` ${String(now.lateMinutes)} min` : ""}${now.providerCode ? ` (${now.providerCode})` : ""}`,
          detail: `${mark.markKey}: edited in place; the earlier value is kept here`,
        });
      }
    },
  };
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}
