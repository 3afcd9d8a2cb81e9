import type { AppPorts } from "./composition";
import { listItems } from "../m365/sharepoint/items";
import { pacedMailSender, sentWithSubject } from "../m365/outlook/pacedMailSender";
import { shippedCalendars } from "../domain/calendar";
import { listAttendanceSource, schoolCalendars } from "../workflows/attendance/attendanceSource";
import type { AttendanceRoundPorts } from "../workflows/attendance/dailyAttendance";
import type { AppState } from "../m365/tables/appState";
import type { RecordMarksPorts } from "../workflows/attendance/recordMarks";

/**
 * The attendance rounds' ports from the app's: a new paced sender for each run (its pacing starts afresh, as
 * Exchange's per-minute window has long passed between timer runs), Sent Items as the witness of what went.
 *
 * @example
 * await runDueAttendanceRounds(attendanceRoundPorts(appPorts(settings), log), new Date(), times)
 */
export function attendanceRoundPorts(ports: AppPorts, log: (m: string) => void): AttendanceRoundPorts & { state: AppState } {
  const mailbox = ports.settings.PARTNERSHIP_MAILBOX;
  const calendar = shippedCalendars[ports.settings.PARTNERSHIP_CALENDAR];
  if (!calendar) throw new Error(`PARTNERSHIP_CALENDAR "${ports.settings.PARTNERSHIP_CALENDAR}" is not a shipped calendar (${Object.keys(shippedCalendars).join(", ")}).`);
  return {
    source: listAttendanceSource({ cases: ports.cases, placements: listItems(ports.list("Placements")), attendance: listItems(ports.list("Attendance")), schools: ports.schools }),
    mailer: pacedMailSender(ports.graph, mailbox),
    ledger: ports.ledger,
    wasSent: (subject) => sentWithSubject(ports.graph, mailbox, subject),
    calendarFor: schoolCalendars(calendar),
    partnershipName: ports.settings.PARTNERSHIP_NAME,
    coordinatorEmail: ports.settings.COORDINATOR_EMAIL,
    state: ports.state,
    log,
  };
}

/**
 * The session-mark endpoint's ports: the Attendance and Placements lists, the ledger, the clock.
 *
 * @example
 * await recordMarks(recordMarksPorts(appPorts(settings)), body)
 */
export function recordMarksPorts(ports: AppPorts): RecordMarksPorts {
  return { attendance: listItems(ports.list("Attendance")), placements: listItems(ports.list("Placements")), ledger: ports.ledger, now: ports.now };
}
