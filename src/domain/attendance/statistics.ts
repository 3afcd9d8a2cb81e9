import type { Day } from "../calendar/schoolCalendar";
import { categoryOf, type AttendanceCode, type CodeRules } from "./codes";
import type { Session } from "./session";

/** One register mark: a session of a day and its code. */
export interface SessionMark {
  day: Day;
  session: Session;
  code: AttendanceCode;
  /**
   * False when no one recorded the code: the provider said the pupil was absent but gave no code, so the code stands
   * for "reason not yet given" until the school decides. Such a session is an absence, but counts as neither
   * authorised nor unauthorised. Missing (true): a code someone recorded.
   */
  codeRecorded?: boolean | undefined;
}

export interface AttendanceStatistics {
  possible: number;
  /** Present or attending approved education elsewhere. */
  present: number;
  authorised: number;
  /** Unauthorised absences with a recorded code (G, N, O, U as the provider or school recorded them). */
  unauthorised: number;
  /** Absences with no code recorded yet: the school decides whether they are authorised. */
  absentAwaitingCode: number;
  /** Present ÷ possible, to one decimal place; undefined when there were no possible sessions. */
  attendancePercent: number | undefined;
  /** (Authorised + unauthorised + awaiting a code) ÷ possible, to one decimal place; undefined when nothing was possible. */
  absencePercent: number | undefined;
}

/**
 * A pupil's attendance from their marks. Sessions coded D, X, Y1–Y7, Z, # (and Q unless configured) are not
 * possible sessions and change nothing. An absence whose code no one recorded is missed time, counted apart from
 * authorised and unauthorised absence (the school decides). Sessions with no mark at all are not passed in: they are
 * not yet recorded, never guessed. Percentages are rounded half up to one decimal place.
 *
 * @example
 * const day = "2026-11-23", d2 = "2026-11-24";
 * attendanceStatistics([{ day, session: "AM", code: "/" }, { day, session: "PM", code: "I" }, { day: d2, session: "AM", code: "D" }])
 * // { possible: 2, present: 1, authorised: 1, unauthorised: 0, absentAwaitingCode: 0, attendancePercent: 50, absencePercent: 50 }
 */
export function attendanceStatistics(marks: readonly SessionMark[], rules: CodeRules = {}): AttendanceStatistics {
  let present = 0;
  let authorised = 0;
  let unauthorised = 0;
  let absentAwaitingCode = 0;
  for (const mark of marks) {
    switch (categoryOf(mark.code, rules)) {
      case "present":
      case "attendingElsewhere":
        present++;
        break;
      case "authorisedAbsence":
        authorised++;
        break;
      case "unauthorisedAbsence":
        if (mark.codeRecorded === false) absentAwaitingCode++;
        else unauthorised++;
        break;
      case "notPossible":
        break;
    }
  }
  const possible = present + authorised + unauthorised + absentAwaitingCode;
  return {
    possible,
    present,
    authorised,
    unauthorised,
    absentAwaitingCode,
    attendancePercent: percent(present, possible),
    absencePercent: percent(authorised + unauthorised + absentAwaitingCode, possible),
  };
}

function percent(part: number, whole: number): number | undefined {
  if (whole === 0) return undefined;
  return Math.round((part * 1000) / whole) / 10;
}
