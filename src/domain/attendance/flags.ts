import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolWeeksBack } from "../calendar/schoolDays";
import { categoryOf, type CodeRules } from "./codes";
import { attendanceStatistics, type SessionMark } from "./statistics";

export interface AbsenceFlags {
  /** 10 % or more of possible sessions missed. */
  persistent: boolean;
  /** 50 % or more missed. */
  severe: boolean;
  /**
   * Unauthorised sessions in the last 10 school weeks, counting recorded codes only, and whether that reaches the
   * penalty-notice trigger of 10.
   */
  unauthorisedInTenWeeks: number;
  /** Absences in the last 10 school weeks with no code recorded yet: the school decides them, so they count in no flag above. */
  absentAwaitingCodeInTenWeeks: number;
  penaltyNoticeTrigger: boolean;
  /** Days of absence (two sessions a day, authorised or not), and whether that reaches the 15 days the LA must hear of. */
  daysAbsent: number;
  fifteenDaysAbsence: boolean;
}

/**
 * The flags a home school must see, from a pupil's recorded marks so far (docs/domain.md, Attendance: persistent and severe absence,
 * 10 unauthorised sessions in 10 school weeks, 15 days' absence). Judged on marks, not gaps: a session with no mark
 * is not passed in (it is "not yet recorded" and chased), and an absence no one has coded yet is missed time but
 * never counted as unauthorised — the school decides its own mark. Days absent count two absent sessions as a day,
 * so 30 absent sessions are 15 days.
 *
 * @example
 * // (illustrative)
 * absenceFlags(marks, calendar, "2026-11-27")
 * // { persistent: true, severe: false, unauthorisedInTenWeeks: 4, absentAwaitingCodeInTenWeeks: 1, penaltyNoticeTrigger: false, daysAbsent: 3, fifteenDaysAbsence: false }
 */
export function absenceFlags(marks: readonly SessionMark[], calendar: SchoolCalendar, today: Day, rules: CodeRules = {}): AbsenceFlags {
  const stats = attendanceStatistics(marks, rules);
  const absence = stats.absencePercent ?? 0;
  const recent = new Set(schoolWeeksBack(calendar, today, 10));
  const unauthorisedRecent = marks.filter((m) => recent.has(m.day) && categoryOf(m.code, rules) === "unauthorisedAbsence");
  const unauthorisedInTenWeeks = unauthorisedRecent.filter((m) => m.codeRecorded !== false).length;
  const daysAbsent = (stats.authorised + stats.unauthorised + stats.absentAwaitingCode) / 2;
  return {
    persistent: stats.possible > 0 && absence >= 10,
    severe: stats.possible > 0 && absence >= 50,
    unauthorisedInTenWeeks,
    absentAwaitingCodeInTenWeeks: unauthorisedRecent.length - unauthorisedInTenWeeks,
    penaltyNoticeTrigger: unauthorisedInTenWeeks >= 10,
    daysAbsent,
    fifteenDaysAbsence: daysAbsent >= 15,
  };
}
