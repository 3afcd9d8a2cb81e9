import { isDue, londonDay, type Day } from "../../domain/calendar";
import type { AppState } from "../../m365/tables/appState";
import { runAttendanceRound, type AttendanceRoundKind, type AttendanceRoundPorts, type AttendanceRoundReport } from "./dailyAttendance";

export interface AttendanceTimes {
  /** ATTENDANCE_ALERT_TIME, UK local HH:mm. */
  alert: string;
  /** ATTENDANCE_DIGEST_TIME, UK local HH:mm: also the register cut-off for chasing providers. */
  digest: string;
}

/**
 * What is due at an instant, decided in UK time (the timer itself runs in UTC: Flex Consumption has no time
 * zone setting). The morning alert is due from its time until the digest's (after that the digest says more);
 * the digest from its time until midnight. Whether the day is a school day is each school's own calendar's
 * question, asked in the round.
 *
 * @example
 * dueAttendanceRounds(new Date("2026-11-23T10:05:00Z"), { alert: "10:00", digest: "16:30" }) // [{ kind: "alert", day: "2026-11-23" }]
 * dueAttendanceRounds(new Date("2026-06-23T15:35:00Z"), { alert: "10:00", digest: "16:30" }) // [{ kind: "digest", day: "2026-06-23" }] (16:35 BST)
 */
export function dueAttendanceRounds(now: Date, times: AttendanceTimes): { kind: AttendanceRoundKind; day: Day }[] {
  const day = londonDay(now);
  if (isDue(now, day, times.digest)) return [{ kind: "digest", day }];
  if (isDue(now, day, times.alert)) return [{ kind: "alert", day }];
  return [];
}

export const ATTENDANCE_ROUNDS_SCOPE = "attendance-rounds";

/**
 * The attendance timer's work: runs each round that is due and not yet complete for today. A round is complete
 * when nothing failed or was left to another run; until then every timer run tries again (each message is
 * still sent once: see `runAttendanceRound`). A complete round is remembered, so later runs that day cost one
 * table read.
 *
 * @example
 * await runDueAttendanceRounds(ports, new Date("2026-11-23T16:40:00Z"), { alert: "10:00", digest: "16:30" })
 * // [{ kind: "digest", day: "2026-11-23", sent: 12, ... }]
 */
export async function runDueAttendanceRounds(ports: AttendanceRoundPorts & { state: AppState }, now: Date, times: AttendanceTimes): Promise<AttendanceRoundReport[]> {
  const reports: AttendanceRoundReport[] = [];
  for (const { kind, day } of dueAttendanceRounds(now, times)) {
    const name = `${day}:${kind}`;
    if (await ports.state.get(ATTENDANCE_ROUNDS_SCOPE, name)) continue;
    const report = await runAttendanceRound(ports, kind, day);
    reports.push(report);
    if (report.failed === 0 && report.inProgressElsewhere === 0) {
      await ports.state.put(ATTENDANCE_ROUNDS_SCOPE, name, { completedAt: now.toISOString(), sent: report.sent, alreadySent: report.alreadySent, schoolsWithPupils: report.schoolsWithPupils });
    }
  }
  return reports;
}
