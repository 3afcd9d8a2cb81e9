import { attendanceStatistics, type AttendanceStatistics } from "../attendance/statistics";
import type { AttendanceCode } from "../attendance/codes";
import { addDays } from "../calendar/days";
import type { Day } from "../calendar/schoolCalendar";
import { academicYearOf } from "../calendar/schoolDays";
import { weekdays, weeklyPatternSchema, type Weekday } from "../placement/weeklyPattern";
import { placementLocationLabels, type PlacementLocation } from "../placement/attendanceBasis";
import type { ProgressBand, QualificationsRow, Visitor, WorkingAtLevel } from "../lists/outcomeLists";
import type { KeyStage } from "../referral/keyStage";
import { yearGroupIn } from "./academicYear";
import { reviewDay, type ReportCase, type ReportMark, type ReportPlacement, type ReportQualification, type ReportReview, type ReportSchool, type ReportVisit } from "./reportInputs";

export interface OfstedPackInput {
  school: ReportSchool;
  /** Today in the UK: attendance and reviews are to date. */
  today: Day;
  cases: readonly ReportCase[];
  placements: readonly ReportPlacement[];
  reviews: readonly ReportReview[];
  qualifications: readonly ReportQualification[];
  /** The marks that count (latest per session). */
  marks: readonly ReportMark[];
  /** The Visits list's visits (any case's: only the pack's pupils' are used). */
  visits?: readonly ReportVisit[];
}

export interface PackReview {
  number: number;
  day: Day;
  returnToMainstream: "yes" | "partly" | "notYet" | undefined;
  englishProgress: ProgressBand | undefined;
  mathsProgress: ProgressBand | undefined;
  nextSteps: string | undefined;
  pupilVoice: string | undefined;
  /** Attendance from the day after the previous review (or the placement's start) to this review's day. */
  attendanceForPeriod: AttendanceStatistics;
}

export interface PackPupil {
  caseRef: string;
  /** The pupil's name: the pack goes to the pupil's own school only (docs/domain.md, Data protection: the body may name them). */
  name: string;
  yearGroup: number | undefined;
  keyStage: KeyStage;
  placement: { startDate: Day; endDate: Day | undefined; status: ReportPlacement["PlacementStatus"]; attendanceBasis: string | undefined };
  /** The weekly pattern, weekday by weekday, with each provider and whether it is a registered school. */
  pattern: { day: Weekday; where: string; provider: string | undefined; registered: boolean | undefined; hours: number }[] | undefined;
  providers: { name: string; registered: boolean }[];
  attendanceToDate: AttendanceStatistics & { codes: { code: AttendanceCode; sessions: number }[] };
  reviewsHeld: PackReview[];
  /** The home school's last recorded visit (the Placements row keeps the last one). */
  lastSchoolVisit: Day | undefined;
  /**
   * Every visit recorded for the pupil (the Visits list), oldest first, with the placement's LastSchoolVisit as a
   * home-school visit when the list does not already have it.
   */
  visits: { day: Day; visitor: Visitor }[];
  baseline: { english: WorkingAtLevel | undefined; maths: WorkingAtLevel | undefined; assessedOn: Day | undefined };
  latestProgress: { english: ProgressBand | undefined; maths: ProgressBand | undefined };
  qualifications: Pick<QualificationsRow, "Subject" | "QualificationName" | "QualificationType" | "Level" | "Result" | "Grade" | "AwardedOn">[];
  dsl: { name: string | undefined; email: string | undefined; phone: string | undefined };
}

export interface OfstedPack {
  school: { urn: string; name: string };
  today: Day;
  academicYear: string;
  pupils: PackPupil[];
}

/**
 * A school's Ofsted pack: for each of its programme-managed pupils (a placement running, or one that ran this
 * academic year, whose home school is this school), the pattern and providers with their registration status,
 * attendance to date with its codes, the reviews held and their outcomes (with each period's attendance, computed),
 * the visits with their dates (the Visits list, and the placement's last school visit), baseline and progress
 * bands, qualifications, and the DSL contact arrangement. Only this school's
 * pupils, ever: a pupil is in the pack only through a placement (or, without one, a case) naming this school.
 *
 * @example
 * // (illustrative)
 * ofstedPack({ school: { Urn: "120001", SchoolName: "Oakfield Academy" }, today: "2026-03-02", cases, placements, … }).pupils.map((p) => p.caseRef)
 * // ["LNCIP-2025-0011", "LNCIP-2025-0013"]
 */
export function ofstedPack(input: OfstedPackInput): OfstedPack {
  const academicYear = academicYearOf(input.today);
  const yearStart = `${academicYear.slice(0, 4)}-08-01`;
  const caseOf = new Map(input.cases.map((c) => [c.CaseRef, c]));
  const schoolOf = (p: ReportPlacement) => p.SchoolUrn ?? caseOf.get(p.CaseRef)?.SchoolUrn;
  const own = input.placements
    .filter((p) => schoolOf(p) === input.school.Urn && p.PlacementStatus !== "settingUp" && p.StartDate <= input.today && (p.EndDate ?? input.today) >= yearStart)
    .sort((a, b) => a.CaseRef.localeCompare(b.CaseRef) || a.StartDate.localeCompare(b.StartDate));
  // One entry per case: its latest placement.
  const latest = new Map<string, ReportPlacement>();
  for (const p of own) latest.set(p.CaseRef, p);

  const pupils = [...latest.values()].flatMap((p): PackPupil[] => {
    const c = caseOf.get(p.CaseRef);
    if (!c) return [];
    const to = p.EndDate && p.EndDate < input.today ? p.EndDate : input.today;
    const marks = input.marks.filter((m) => m.CaseRef === p.CaseRef && m.Date >= p.StartDate && m.Date <= to);
    const stats = (from: Day, until: Day) => attendanceStatistics(marks.filter((m) => m.Date >= from && m.Date <= until).map((m) => ({ day: m.Date, session: m.Session, code: m.Code })));
    const codeCounts = new Map<AttendanceCode, number>();
    for (const m of marks) codeCounts.set(m.Code, (codeCounts.get(m.Code) ?? 0) + 1);

    const held = input.reviews
      .filter((r) => r.CaseRef === p.CaseRef && r.ReviewStatus !== "cancelled" && reviewDay(r) <= input.today && reviewDay(r) >= p.StartDate)
      .sort((a, b) => reviewDay(a).localeCompare(reviewDay(b)) || a.Number - b.Number);
    let periodStart = p.StartDate;
    const reviewsHeld = held.map((r): PackReview => {
      const day = reviewDay(r);
      const review = {
        number: r.Number,
        day,
        returnToMainstream: r.ReturnToMainstream,
        englishProgress: r.EnglishProgress,
        mathsProgress: r.MathsProgress,
        nextSteps: r.NextSteps,
        pupilVoice: r.PupilVoice,
        attendanceForPeriod: stats(periodStart, day),
      };
      periodStart = addDays(day, 1);
      return review;
    });
    const banded = (k: "EnglishProgress" | "MathsProgress") => held.filter((r) => r[k] !== undefined).at(-1)?.[k];

    const pattern = readPattern(p.Pattern);
    const visits = visitsOf(p, input.visits ?? [], input.today);
    const providers = new Map<string, { name: string; registered: boolean }>();
    for (const d of pattern ?? []) if (d.provider !== undefined && d.registered !== undefined) providers.set(d.provider, { name: d.provider, registered: d.registered });

    return [
      {
        caseRef: p.CaseRef,
        name: [c.PupilFirstName, c.PupilLastName].filter(Boolean).join(" ") || "(name not recorded)",
        yearGroup: yearGroupIn(c, academicYear),
        keyStage: p.KeyStage,
        placement: { startDate: p.StartDate, endDate: p.EndDate, status: p.PlacementStatus, attendanceBasis: p.AttendanceBasis },
        pattern,
        providers: [...providers.values()],
        attendanceToDate: { ...stats(p.StartDate, to), codes: [...codeCounts.entries()].map(([code, sessions]) => ({ code, sessions })).sort((a, b) => b.sessions - a.sessions || a.code.localeCompare(b.code)) },
        reviewsHeld,
        lastSchoolVisit: visits.filter((v) => v.visitor === "homeSchool").at(-1)?.day,
        visits,
        baseline: { english: p.EnglishBaseline, maths: p.MathsBaseline, assessedOn: p.BaselineOn },
        latestProgress: { english: banded("EnglishProgress"), maths: banded("MathsProgress") },
        qualifications: input.qualifications
          .filter((q) => q.CaseRef === p.CaseRef)
          .sort((a, b) => a.AwardedOn.localeCompare(b.AwardedOn))
          .map(({ Subject, QualificationName, QualificationType, Level, Result, Grade, AwardedOn }) => ({ Subject, QualificationName, QualificationType, Level, Result, Grade, AwardedOn })),
        dsl: { name: c.DslName, email: c.DslEmail ?? input.school.DslEmail, phone: c.DslPhone },
      },
    ];
  });
  return { school: { urn: input.school.Urn, name: input.school.SchoolName }, today: input.today, academicYear, pupils };
}

function visitsOf(p: ReportPlacement, visits: readonly ReportVisit[], today: Day): PackPupil["visits"] {
  const own = visits.filter((v) => v.CaseRef === p.CaseRef && v.VisitedOn <= today).map((v) => ({ day: v.VisitedOn, visitor: v.Visitor }));
  if (p.LastSchoolVisit && !own.some((v) => v.visitor === "homeSchool" && v.day === p.LastSchoolVisit)) own.push({ day: p.LastSchoolVisit, visitor: "homeSchool" });
  return own.sort((a, b) => a.day.localeCompare(b.day) || a.visitor.localeCompare(b.visitor));
}

function readPattern(json: string | undefined): PackPupil["pattern"] {
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = weeklyPatternSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return weekdays.map((day) => {
    const d = parsed.data[day];
    return { day, where: placementLocationLabels[d.location as PlacementLocation], provider: d.provider?.name, registered: d.provider?.registered, hours: d.hours };
  });
}
