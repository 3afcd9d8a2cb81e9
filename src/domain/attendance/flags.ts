import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolWeeksBack } from "../calendar/schoolDays";
import { categoryOf, type CodeRules } from "./codes";
import { attendanceStatistics, type SessionMark } from "./statistics";

export interface AbsenceFlags {
  /** 10 % or more of possible sessions missed. */
  persistent: boolean;
  /** 50 % or more missed. */
  severe: boolean;
  /** Unauthorised sessions in the last 10 school weeks, and whether that reaches the penalty-notice trigger of 10. */
  unauthorisedInTenWeeks: number;
  penaltyNoticeTrigger: boolean;
  /** Days of absence (two sessions a day, authorised or not), and whether that reaches the 15 days the LA must hear of. */
  daysAbsent: number;
  fifteenDaysAbsence: boolean;
}

/**
 * The flags a home school must see, from a pupil's marks so far (docs/domain.md, Attendance: persistent and severe absence,
 * 10 unauthorised sessions in 10 school weeks, 15 days' absence). Days absent count two absent sessions as a
 * day, so 30 absent sessions are 15 days.
 *
 * @example
 * const marks = [{ day: "2026-11-23", session: "AM", code: "/" }, { day: "2026-11-23", session: "PM", code: "\\" },
 *   { day: "2026-11-24", session: "AM", code: "/" }, { day: "2026-11-24", session: "PM", code: "O" }];
 * absenceFlags(marks, leicestershire, "2026-11-27")
 * // { persistent: true, severe: false, unauthorisedInTenWeeks: 1, penaltyNoticeTrigger: false, daysAbsent: 0.5, fifteenDaysAbsence: false }
 * // one session in four missed: persistent absence
 */
export function absenceFlags(marks: readonly SessionMark[], calendar: SchoolCalendar, today: Day, rules: CodeRules = {}): AbsenceFlags {
  const stats = attendanceStatistics(marks, rules);
  const absence = stats.absencePercent ?? 0;
  const recent = new Set(schoolWeeksBack(calendar, today, 10));
  const unauthorisedInTenWeeks = marks.filter((m) => recent.has(m.day) && categoryOf(m.code, rules) === "unauthorisedAbsence").length;
  const daysAbsent = (stats.authorised + stats.unauthorised) / 2;
  return {
    persistent: stats.possible > 0 && absence >= 10,
    severe: stats.possible > 0 && absence >= 50,
    unauthorisedInTenWeeks,
    penaltyNoticeTrigger: unauthorisedInTenWeeks >= 10,
    daysAbsent,
    fifteenDaysAbsence: daysAbsent >= 15,
  };
}
