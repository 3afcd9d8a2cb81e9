import { z } from "zod";
import { fromListFields, placementsList, type SchoolsRow } from "../../domain/lists";
import { weeklyPatternSchema } from "../../domain/placement";
import { calendarOverrideSchema, schoolCalendarFor, shippedCalendars, type PartnershipCalendar, type SchoolCalendar } from "../../domain/calendar";
import type { PupilPlacement, RecordedMark } from "../../domain/attendance";
import type { ListItems } from "../../m365/sharepoint/items";
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

const casePupilSchema = z.object({
  Title: z.string(),
  SchoolUrn: z.string().optional(),
  PupilFirstName: z.string().optional(),
  PupilLastName: z.string().optional(),
  Upn: z.string().optional(),
  YearGroup: z.union([z.number(), z.string()]).optional(),
});

/**
 * The source over the partnership's lists.
 *
 * @example
 * const source = listAttendanceSource({ cases, placements, attendance, schools });
 * (await source.placements()).placements.length // 35
 */
export function listAttendanceSource(lists: { cases: ListItems; placements: ListItems; attendance: ListItems; schools: SchoolDirectory }): AttendanceSource {
  return {
    schools: () => lists.schools.all(),
    async placements() {
      const problems: string[] = [];
      const cases = new Map<string, z.infer<typeof casePupilSchema>>();
      for (const item of await lists.cases.all({ select: ["Title", "SchoolUrn", "PupilFirstName", "PupilLastName", "Upn", "YearGroup"], top: 999 })) {
        const parsed = casePupilSchema.safeParse(item.fields);
        if (parsed.success) cases.set(parsed.data.Title, parsed.data);
      }
      const placements: PupilPlacement[] = [];
      for (const item of await lists.placements.all({ top: 999 })) {
        const parsed = fromListFields(placementsList, item.fields);
        if (!parsed.ok) {
          problems.push(`Placements item ${item.id} could not be read`);
          continue;
        }
        const row = parsed.row;
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
        const year = typeof kase.YearGroup === "number" ? kase.YearGroup : Number(/\d+/.exec(kase.YearGroup ?? "")?.[0]);
        placements.push({
          caseRef: row.CaseRef,
          schoolUrn: kase.SchoolUrn,
          pupil: { firstName: kase.PupilFirstName, lastName: kase.PupilLastName, upn: kase.Upn, yearGroup: Number.isFinite(year) ? year : undefined },
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
