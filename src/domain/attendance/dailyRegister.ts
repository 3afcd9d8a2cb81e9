import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolDaysIn, termOf, addSchoolDays } from "../calendar/schoolDays";
import { isoWeekday } from "../calendar/days";
import type { AttendanceBasis, PlacementLocation } from "../placement/attendanceBasis";
import { weekdays, type Provider, type WeeklyPattern } from "../placement/weeklyPattern";
import type { CodeRules, AttendanceCode } from "./codes";
import { absenceFlags, type AbsenceFlags } from "./flags";
import { asSessionMark, sessionKeyOf, type RecordedMark } from "./marks";
import type { Session, SessionHappened } from "./session";
import { attendanceStatistics, type AttendanceStatistics, type SessionMark } from "./statistics";
import { suggestedHomeSchoolCode, type SuggestedCode } from "./suggestedCode";

/** A pupil's placement as the daily register needs it: who (as the home school knows them), where, on what basis. */
export interface PupilPlacement {
  caseRef: string;
  schoolUrn: string;
  /** The pupil as their home school knows them: only ever shown to that school. */
  pupil: { firstName?: string | undefined; lastName?: string | undefined; upn?: string | undefined; yearGroup?: number | undefined };
  basis: AttendanceBasis;
  pattern: WeeklyPattern;
  startDate: Day;
  endDate?: Day | undefined;
}

/** What the digest says about one session of one pupil. */
export interface SessionLine {
  date: Day;
  session: Session;
  expectedAt: PlacementLocation;
  provider?: Provider | undefined;
  /** `notExpected`: a home-school or untimetabled session with no mark (the school's own register). */
  happened: SessionHappened | "notYetRecorded" | "notExpected";
  lateMinutes?: number | undefined;
  reasonGiven?: string | undefined;
  providerCode?: AttendanceCode | undefined;
  /** The mark shown is a correction of an earlier one. */
  corrected: boolean;
  suggested: SuggestedCode;
}

/** One pupil's lines in a school's end-of-day digest. */
export interface DigestRow {
  placement: PupilPlacement;
  am: SessionLine;
  pm: SessionLine;
  thisPlacement: AttendanceStatistics;
  thisTerm: AttendanceStatistics;
  flags: AbsenceFlags;
  /** Any flag the DSL should see as well as the attendance lead. */
  flagged: boolean;
  /** Sessions off site, today or in the ten school days before, that the provider has still not recorded. */
  notYetRecorded: SessionLine[];
  /** Older unrecorded sessions of this placement, counted so none is silently dropped. */
  olderNotYetRecorded: number;
}

/**
 * Is the placement running on the day (started, not ended)?
 *
 * @example
 * placementRunsOn({ startDate: "2026-11-24" }, "2026-11-23") // false
 */
export function placementRunsOn(p: Pick<PupilPlacement, "startDate" | "endDate">, day: Day): boolean {
  return p.startDate <= day && (p.endDate === undefined || p.endDate >= day);
}

/**
 * Where the pattern expects the pupil on a day (weekends: nowhere).
 *
 * @example
 * const pattern = standardPattern(8, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false });
 * expectedOn(pattern, "2026-11-24") // { location: "alternativeProvision", provider: { id: "riverside", ... } }
 * expectedOn(pattern, "2026-11-28") // { location: "none" } — a Saturday
 */
export function expectedOn(pattern: WeeklyPattern, day: Day): { location: PlacementLocation; provider?: Provider | undefined } {
  const w = isoWeekday(day);
  if (w > 5) return { location: "none" };
  const d = pattern[weekdays[w - 1] as (typeof weekdays)[number]];
  return { location: d.location, provider: d.provider };
}

const offSite = (l: PlacementLocation) => l === "centre" || l === "alternativeProvision";

/**
 * One session's line: what was expected, what happened (the latest correction), and the suggested code for the
 * home school. A session expected off site with no mark is "not yet recorded": never guessed.
 *
 * @example
 * const placement = { caseRef: "LNCIP-2026-0042", schoolUrn: "120345", pupil: {}, basis: "B", startDate: "2026-11-02",
 *   pattern: standardPattern(8, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false }) };
 * const marks = latestMarks([{ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended",
 *   recordedBy: "centre@lncip.example", version: 1, markKey: "LNCIP-2026-0042:2026-11-23:AM:1", recordedAt: "2026-11-23T09:05:00Z" }]);
 * sessionLine(placement, marks, "2026-11-23", "AM") // { expectedAt: "centre", happened: "attended", suggested: { kind: "code", code: "B", ... }, ... }
 * sessionLine(placement, marks, "2026-11-23", "PM") // { expectedAt: "centre", happened: "notYetRecorded", ... } — never guessed
 */
export function sessionLine(p: PupilPlacement, marks: ReadonlyMap<string, RecordedMark>, day: Day, session: Session): SessionLine {
  const { location, provider } = expectedOn(p.pattern, day);
  const mark = marks.get(sessionKeyOf(p.caseRef, day, session));
  const base = { date: day, session, expectedAt: location, provider, corrected: (mark?.version ?? 1) > 1 };
  if (!mark) {
    if (offSite(location)) return { ...base, happened: "notYetRecorded", suggested: suggestedHomeSchoolCode({ happened: "notYetRecorded", expectedAt: location }, p.basis) };
    const suggested =
      location === "homeSchool"
        ? suggestedHomeSchoolCode({ happened: "attended", expectedAt: "homeSchool" }, p.basis)
        : suggestedHomeSchoolCode({ happened: "notAttendingByArrangement", expectedAt: location }, p.basis);
    return { ...base, happened: "notExpected", suggested };
  }
  const detail = { lateMinutes: mark.lateMinutes, reasonGiven: mark.reasonGiven || undefined, providerCode: mark.providerCode };
  // Late after the provider's register closed is an absence for the school to judge, not the basis code.
  const lateAfterClose = mark.happened === "late" && mark.providerCode === "U";
  const suggested = lateAfterClose
    ? suggestedHomeSchoolCode({ happened: "absent", expectedAt: location, reasonGiven: `Arrived ${mark.lateMinutes ?? "?"} minutes late, after the provider's register closed (U).` }, p.basis)
    : suggestedHomeSchoolCode({ happened: mark.happened, expectedAt: location, reasonGiven: mark.reasonGiven || "No reason given yet." }, p.basis);
  return { ...base, ...detail, happened: mark.happened, suggested };
}

/**
 * The register-equivalent marks of a placement from its start up to a day, on the home school's school days:
 * sessions off site (and any recorded on untimetabled days); home-school sessions are the school's own, and
 * sessions not yet recorded are left out (never guessed).
 */
function placementMarks(p: PupilPlacement, marks: ReadonlyMap<string, RecordedMark>, calendar: SchoolCalendar, day: Day): { counted: SessionMark[]; missing: SessionLine[] } {
  const counted: SessionMark[] = [];
  const missing: SessionLine[] = [];
  const last = p.endDate !== undefined && p.endDate < day ? p.endDate : day;
  if (p.startDate > last) return { counted, missing };
  for (const d of schoolDaysIn(calendar, p.startDate, last)) {
    const { location } = expectedOn(p.pattern, d);
    if (location === "homeSchool") continue;
    for (const session of ["AM", "PM"] as const) {
      const mark = marks.get(sessionKeyOf(p.caseRef, d, session));
      if (mark) counted.push(asSessionMark(mark));
      else if (offSite(location)) missing.push(sessionLine(p, marks, d, session));
    }
  }
  return { counted, missing };
}

/**
 * A school's end-of-day register for one school day: a row per pupil whose placement runs that day, with both
 * sessions, the suggested codes for the school's register (by the placement's basis), attendance this placement
 * and this term, and the absence flags. Pure: marks are the latest corrections (see `latestMarks`).
 *
 * @example
 * // (illustrative)
 * const rows = dailyRegister(placements, latestMarks(marks), oakfieldCalendar, "2026-11-27");
 * rows[0].thisPlacement.attendancePercent // 80
 * rows[0].am.suggested // { kind: "code", code: "B", ... }
 */
export function dailyRegister(
  placements: readonly PupilPlacement[],
  marks: ReadonlyMap<string, RecordedMark>,
  calendar: SchoolCalendar,
  day: Day,
  rules: CodeRules = {},
): DigestRow[] {
  const term = termOf(calendar, day);
  const windowStart = addSchoolDays(calendar, day, -10);
  return placements
    .filter((p) => placementRunsOn(p, day))
    .sort((a, b) => a.caseRef.localeCompare(b.caseRef))
    .map((p) => {
      const { counted, missing } = placementMarks(p, marks, calendar, day);
      const inTerm = term ? counted.filter((m) => m.day >= term.first && m.day <= term.last) : [];
      const flags = absenceFlags(counted, calendar, day, rules);
      return {
        placement: p,
        am: sessionLine(p, marks, day, "AM"),
        pm: sessionLine(p, marks, day, "PM"),
        thisPlacement: attendanceStatistics(counted, rules),
        thisTerm: attendanceStatistics(inTerm, rules),
        flags,
        flagged: flags.persistent || flags.severe || flags.penaltyNoticeTrigger || flags.fifteenDaysAbsence,
        notYetRecorded: missing.filter((m) => m.date >= windowStart),
        olderNotYetRecorded: missing.filter((m) => m.date < windowStart).length,
      };
    });
}

/**
 * The morning alert's lines for a school: pupils expected off site in the AM session who were absent (or late
 * after the register closed) or are not yet marked, so the school can make its first-day call. Empty: send nothing.
 *
 * @example
 * const placement = { caseRef: "LNCIP-2026-0042", schoolUrn: "120345", pupil: {}, basis: "B", startDate: "2026-11-02",
 *   pattern: standardPattern(8, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false }) };
 * morningAlert([placement], new Map(), "2026-11-23").map((l) => l.line.happened) // ["notYetRecorded"]
 * morningAlert([placement], new Map(), "2026-11-25") // [] — a home-school day: the school takes its own register
 */
export function morningAlert(placements: readonly PupilPlacement[], marks: ReadonlyMap<string, RecordedMark>, day: Day): { placement: PupilPlacement; line: SessionLine }[] {
  return placements
    .filter((p) => placementRunsOn(p, day))
    .sort((a, b) => a.caseRef.localeCompare(b.caseRef))
    .map((placement) => ({ placement, line: sessionLine(placement, marks, day, "AM") }))
    .filter(({ line }) => offSite(line.expectedAt) && (line.happened === "absent" || line.happened === "notYetRecorded" || (line.happened === "late" && line.providerCode === "U")));
}

/**
 * Unrecorded sessions grouped by who must record them: the AP's id from the pattern, or "centre" for the
 * partnership's own centre. What the provider chase sends (case references and sessions only).
 *
 * @example
 * // (illustrative)
 * missingByProvider(rows).get("riverside")
 * // { provider: { id: "riverside", ... }, sessions: [{ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "PM", ... }] }
 */
export function missingByProvider(rows: readonly DigestRow[]): Map<string, { provider?: Provider | undefined; sessions: (SessionLine & { caseRef: string; yearGroup?: number | undefined })[] }> {
  const out = new Map<string, { provider?: Provider | undefined; sessions: (SessionLine & { caseRef: string; yearGroup?: number | undefined })[] }>();
  for (const row of rows) {
    for (const line of row.notYetRecorded) {
      const id = line.expectedAt === "alternativeProvision" && line.provider ? line.provider.id : "centre";
      const entry = out.get(id) ?? { provider: id === "centre" ? undefined : line.provider, sessions: [] };
      entry.sessions.push({ ...line, caseRef: row.placement.caseRef, yearGroup: row.placement.pupil.yearGroup });
      out.set(id, entry);
    }
  }
  return out;
}
