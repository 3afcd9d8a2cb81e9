import type { AttendanceRow, CasesRow, PlacementsRow, SchoolsRow } from "../../domain/lists";
import { weeklyPatternSchema } from "../../domain/placement";
import { calendarOverrideSchema, schoolCalendarFor, shippedCalendars, type PartnershipCalendar, type SchoolCalendar } from "../../domain/calendar";
import type { PupilPlacement, RecordedMark } from "../../domain/attendance";
import { isReadable, type ListItems } from "../../m365/sharepoint/items";
import type { SchoolDirectory } from "../schools/schoolDirectory";
import { marksBetween } from "./markItems";

/**
 * What the daily attendance rounds read: the schools, the running placements joined with their cases (the
 * pupil as the home school knows them), and the marks for a span of days.
 */
export interface AttendanceSource {
  schools(): Promise<SchoolsRow[]>;
  /** Placements not setting up, each with its case's school and pupil; unreadable ones are named in `problems`. */
  placements(): Promise<{ placements: PupilPlacement[]; problems: string[] }>;
  marks(from: string, to: string): Promise<RecordedMark[]>;
}

/**
 * The source over the partnership's lists.
 *
 * @example
 * const source = listAttendanceSource({ cases, placements, attendance, schools });
 * (await source.placements()).placements.length // 35
 */
export function listAttendanceSource(lists: { cases: ListItems<CasesRow>; placements: ListItems<PlacementsRow>; attendance: ListItems<AttendanceRow>; schools: SchoolDirectory }): AttendanceSource {
  return {
    schools: () => lists.schools.all(),
    async placements() {
      const problems: string[] = [];
      // Only the columns the register needs are read (and checked): the pupil as the home school knows them.
      const cases = new Map((await lists.cases.columns(["CaseRef", "SchoolUrn", "PupilFirstName", "PupilLastName", "Upn", "YearGroup"], { top: 999 })).map((c) => [c.row.CaseRef, c.row]));
      const placements: PupilPlacement[] = [];
      for (const item of await lists.placements.readAll({ top: 999 })) {
        if (!isReadable(item)) {
          problems.push(`Placements item ${item.id} could not be read`);
          continue;
        }
        const row = item.row;
        // Setting up: not started. Ended with no end date: its last day is unknown, so it is not reported on.
        if (row.PlacementStatus === "settingUp" || (row.PlacementStatus === "ended" && !row.EndDate)) continue;
        const kase = cases.get(row.CaseRef);
        let pattern: unknown;
        try {
          pattern = JSON.parse(row.Pattern);
        } catch {
          pattern = undefined;
        }
        const weekly = weeklyPatternSchema.safeParse(pattern);
        if (!kase?.SchoolUrn || !weekly.success) {
          problems.push(`${row.CaseRef}: ${!kase?.SchoolUrn ? "no case with a home school" : "its weekly pattern is not valid"}`);
          continue;
        }
        placements.push({
          caseRef: row.CaseRef,
          schoolUrn: kase.SchoolUrn,
          pupil: { firstName: kase.PupilFirstName, lastName: kase.PupilLastName, upn: kase.Upn, yearGroup: kase.YearGroup },
          basis: row.AttendanceBasis,
          pattern: weekly.data,
          startDate: row.StartDate,
          endDate: row.EndDate,
        });
      }
      return { placements, problems };
    },
    marks: (from, to) => marksBetween(lists.attendance, from, to),
  };
}

/**
 * Each school's calendar: the partnership's, changed by the school's `CalendarOverride` column — either extra
 * closure days (`2026-11-27,2026-12-01`) or the id of another shipped calendar the school follows.
 *
 * @example
 * schoolCalendars(shippedCalendars.leicestershire)({ ...school, CalendarOverride: "2026-11-27" }) // Oakfield's INSET day closed
 */
export function schoolCalendars(partnership: PartnershipCalendar): (school: SchoolsRow) => SchoolCalendar {
  const cache = new Map<string, SchoolCalendar>();
  return (school) => {
    const key = school.CalendarOverride?.trim() ?? "";
    let calendar = cache.get(key);
    if (calendar) return calendar;
    if (/^\d{4}-\d{2}-\d{2}(\s*,\s*\d{4}-\d{2}-\d{2})*$/.test(key)) {
      calendar = schoolCalendarFor(partnership, calendarOverrideSchema.parse({ id: `closures-${key}`, extraClosures: key.split(",").map((d) => d.trim()) }));
    } else {
      calendar = schoolCalendarFor(shippedCalendars[key] ?? partnership);
    }
    cache.set(key, calendar);
    return calendar;
  };
}
