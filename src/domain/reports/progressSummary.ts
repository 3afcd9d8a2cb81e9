import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolDaysIn } from "../calendar/schoolDays";
import type { ProgressBand } from "../lists/outcomeLists";
import { academicYearSpan, yearGroupIn } from "./academicYear";
import { reviewDay, type ReportCase, type ReportPlacement, type ReportQualification, type ReportReview } from "./reportInputs";
import { wholePercent } from "./wholePercent";

/** A count and its whole-number percentage (null when there was no one to count). */
export interface CountPct {
  count: number;
  pct: number | null;
}
export interface OfCountPct extends CountPct {
  of: number;
}
export interface SubjectProgress {
  students: number;
  expectedOrBetter: CountPct;
  aboveExpectedOrBetter: CountPct;
  accelerated: CountPct;
  functionalQualification: CountPct;
}
export interface Attainment5 extends CountPct {
  pupilPremium: OfCountPct;
  ehcp: OfCountPct;
}

/** The annual Progress & Achievement summary: exactly the JSON the issue asks for (seed 003's figures). */
export interface ProgressSummary {
  academicYear: string;
  ks3: { english: SubjectProgress; maths: SubjectProgress };
  ks4: {
    year11Leavers: number;
    attainment5Premier: Attainment5;
    attainment5Preliminary: Attainment5;
    eetDestinations: OfCountPct;
    cCap30: { of: number; atLeast15: number; pct: number | null };
  };
}

export interface ProgressSummaryInput {
  academicYear: string;
  /** The partnership's calendar: its terms measure time on the Key Stage 4 programme. */
  calendar: SchoolCalendar;
  /** Today in the UK: a year still running is counted up to today. */
  today: Day;
  cases: readonly ReportCase[];
  placements: readonly ReportPlacement[];
  reviews: readonly ReportReview[];
  qualifications: readonly ReportQualification[];
}

export interface ProgressSummaryResult {
  summary: ProgressSummary;
  /** What a person should fill in before the summary is published (case references only, for staff). */
  gaps: string[];
}

/** The definitions of the figures, in the words printed with the summary (and in the README). */
export const progressSummaryDefinitions = {
  students:
    "Key Stage 3 students in a subject's tuition programme: pupils in Years 7 to 9 during the year with at least one review in the year that records them in that programme.",
  band: "A pupil's progress for the year is the band (below expected, expected, above expected, accelerated) recorded at their last review of the year.",
  expectedOrBetter: "Expected or better: expected, above expected or accelerated. Above expected or better: above expected or accelerated.",
  functionalQualification: "A functional qualification: a Functional Skills qualification in the subject passed during the year.",
  year11Leavers: "Year 11 leavers: pupils in Year 11 during the year who were on the Key Stage 4 programme at any time in it.",
  terms:
    "A term on the Key Stage 4 programme: an autumn, spring or summer term for at least half of whose school days the pupil was on a Key Stage 4 placement (any year).",
  premier: "Attainment 5 – Premier: a Year 11 leaver with 3 or more terms on the Key Stage 4 programme and 5 or more qualifications passed at Level 1 or above.",
  preliminary: "Attainment 5 – Preliminary: a Year 11 leaver not in Premier with 1 or more terms on the programme and 3 or more qualifications passed at Level 1 or above.",
  subgroups: "Pupil premium and EHCP figures are out of the Year 11 leavers in that group.",
  eet: "EET destinations: Year 11 leavers whose exit records an offer of education, employment or training.",
  cCap30: "C-CAP 30: Key Stage 4 leavers (Year 11 leavers, and any Key Stage 4 pupil whose placement ended in the year) who had at least 15 of the 30 cultural capital experiences; a count not recorded counts as fewer than 15.",
  percentages: "Percentages are rounded to whole numbers, halves up.",
} as const;

const EXPECTED_OR_BETTER: readonly ProgressBand[] = ["expected", "aboveExpected", "accelerated"];
const ABOVE_OR_BETTER: readonly ProgressBand[] = ["aboveExpected", "accelerated"];

interface Pupil {
  key: string;
  /** The pupil's latest case (year group, pupil premium and SEND status are read from it). */
  latest: ReportCase;
  caseRefs: Set<string>;
}

/**
 * The annual Progress & Achievement summary in the unit's format (seed 003), for one academic year, with the
 * gaps in the records that would change it. A pupil is one UPN (a re-referral is a new case for the same pupil);
 * a case with no UPN is its own pupil. Each figure follows `progressSummaryDefinitions`.
 *
 * @example
 * // (illustrative)
 * progressSummary({ academicYear: "2025/26", calendar, today: "2026-09-07", cases, placements, reviews, qualifications }).summary.ks4
 * // { year11Leavers: 10, attainment5Premier: { count: 7, pct: 70, pupilPremium: { of: 3, count: 3, pct: 100 }, … }, … }
 */
export function progressSummary(input: ProgressSummaryInput): ProgressSummaryResult {
  const span = academicYearSpan(input.calendar, input.academicYear);
  const upTo = input.today < span.last ? input.today : span.last;
  const inYear = (d: Day) => d >= span.first && d <= upTo;
  const gaps: string[] = [];

  const pupils = groupPupils(input.cases);
  const pupilOf = new Map<string, Pupil>();
  for (const p of pupils) for (const ref of p.caseRefs) pupilOf.set(ref, p);
  const byPupil = <T extends { CaseRef: string }>(rows: readonly T[]) => {
    const out = new Map<string, T[]>();
    for (const r of rows) {
      const p = pupilOf.get(r.CaseRef);
      if (p) out.set(p.key, [...(out.get(p.key) ?? []), r]);
    }
    return out;
  };
  const reviews = byPupil(input.reviews.filter((r) => r.ReviewStatus !== "cancelled" && inYear(reviewDay(r))));
  const quals = byPupil(input.qualifications.filter((q) => q.Result === "passed" && q.AwardedOn <= upTo));
  const ks4Placements = byPupil(input.placements.filter((p) => p.KeyStage === "KS4" && p.PlacementStatus !== "settingUp"));

  const yearGroup = (p: Pupil) => yearGroupIn(p.latest, input.academicYear);

  // Key Stage 3: English and maths tuition programmes.
  const ks3 = pupils.filter((p) => {
    const y = yearGroup(p);
    return y !== undefined ? y <= 9 : p.latest.KeyStage === "KS3";
  });
  const subject = (tuition: "EnglishTuition" | "MathsTuition", band: "EnglishProgress" | "MathsProgress", qualSubject: "english" | "maths"): SubjectProgress => {
    const words = qualSubject === "english" ? "English" : "maths";
    let students = 0;
    const counts = { expectedOrBetter: 0, aboveExpectedOrBetter: 0, accelerated: 0, functionalQualification: 0 };
    for (const p of ks3) {
      const own = reviews.get(p.key) ?? [];
      if (!own.some((r) => r[tuition] === true)) continue;
      students++;
      const last = own.filter((r) => r[band] !== undefined).sort((a, b) => reviewDay(a).localeCompare(reviewDay(b)) || a.Number - b.Number).at(-1)?.[band];
      if (last === undefined) gaps.push(`${[...p.caseRefs].join(", ")}: in the ${words} tuition programme but no ${words} progress band recorded at any review this year.`);
      if (last && EXPECTED_OR_BETTER.includes(last)) counts.expectedOrBetter++;
      if (last && ABOVE_OR_BETTER.includes(last)) counts.aboveExpectedOrBetter++;
      if (last === "accelerated") counts.accelerated++;
      if ((quals.get(p.key) ?? []).some((q) => q.QualificationType === "functionalSkills" && q.Subject === qualSubject && inYear(q.AwardedOn))) counts.functionalQualification++;
    }
    const cp = (n: number): CountPct => ({ count: n, pct: wholePercent(n, students) });
    return {
      students,
      expectedOrBetter: cp(counts.expectedOrBetter),
      aboveExpectedOrBetter: cp(counts.aboveExpectedOrBetter),
      accelerated: cp(counts.accelerated),
      functionalQualification: cp(counts.functionalQualification),
    };
  };

  // Key Stage 4: Year 11 leavers, Attainment 5, destinations, C-CAP 30.
  const overlapsYear = (p: ReportPlacement) => p.StartDate <= upTo && (p.EndDate ?? upTo) >= span.first;
  const leavers = pupils.filter((p) => {
    const y = yearGroup(p);
    if (y === undefined && (ks4Placements.get(p.key) ?? []).some(overlapsYear)) gaps.push(`${[...p.caseRefs].join(", ")}: no year group recorded, so not counted as a Year 11 leaver.`);
    return y === 11 && (ks4Placements.get(p.key) ?? []).some(overlapsYear);
  });
  const latestKs4 = (p: Pupil) => [...(ks4Placements.get(p.key) ?? [])].sort((a, b) => a.StartDate.localeCompare(b.StartDate)).at(-1);
  const level1Plus = (p: Pupil) => (quals.get(p.key) ?? []).filter((q) => q.Level === "level1" || q.Level === "level2").length;
  const terms = new Map(leavers.map((p) => [p.key, termsOnProgramme(input.calendar, ks4Placements.get(p.key) ?? [], upTo, (m) => gaps.push(`${[...p.caseRefs].join(", ")}: ${m}`))]));
  const premier = new Set(leavers.filter((p) => (terms.get(p.key) ?? 0) >= 3 && level1Plus(p) >= 5).map((p) => p.key));
  const preliminary = new Set(leavers.filter((p) => !premier.has(p.key) && (terms.get(p.key) ?? 0) >= 1 && level1Plus(p) >= 3).map((p) => p.key));
  const attainment = (measure: Set<string>): Attainment5 => {
    const sub = (inGroup: (p: Pupil) => boolean): OfCountPct => {
      const group = leavers.filter(inGroup);
      const count = group.filter((p) => measure.has(p.key)).length;
      return { of: group.length, count, pct: wholePercent(count, group.length) };
    };
    return {
      count: measure.size,
      pct: wholePercent(measure.size, leavers.length),
      pupilPremium: sub((p) => p.latest.PupilPremium === true),
      ehcp: sub((p) => p.latest.SendStatus === "ehcp"),
    };
  };

  let eet = 0;
  for (const p of leavers) {
    const exit = latestKs4(p);
    if (exit?.EetOffer === true) eet++;
    if (exit?.EetOffer === undefined) gaps.push(`${[...p.caseRefs].join(", ")}: Year 11 leaver with no EET offer recorded (counted as no offer).`);
  }

  const ks4Leavers = pupils.filter((p) => leavers.includes(p) || (ks4Placements.get(p.key) ?? []).some((pl) => pl.EndDate !== undefined && inYear(pl.EndDate)));
  let atLeast15 = 0;
  for (const p of ks4Leavers) {
    const n = latestKs4(p)?.CCap30Experiences;
    if (n === undefined) gaps.push(`${[...p.caseRefs].join(", ")}: Key Stage 4 leaver with no C-CAP 30 count recorded (counted as fewer than 15).`);
    else if (n >= 15) atLeast15++;
  }

  return {
    summary: {
      academicYear: input.academicYear,
      ks3: { english: subject("EnglishTuition", "EnglishProgress", "english"), maths: subject("MathsTuition", "MathsProgress", "maths") },
      ks4: {
        year11Leavers: leavers.length,
        attainment5Premier: attainment(premier),
        attainment5Preliminary: attainment(preliminary),
        eetDestinations: { of: leavers.length, count: eet, pct: wholePercent(eet, leavers.length) },
        cCap30: { of: ks4Leavers.length, atLeast15, pct: wholePercent(atLeast15, ks4Leavers.length) },
      },
    },
    gaps,
  };
}

/** Pupils from cases: one per UPN, a case without a UPN on its own; the latest case speaks for the pupil. */
function groupPupils(cases: readonly ReportCase[]): Pupil[] {
  const out = new Map<string, Pupil>();
  for (const c of [...cases].sort((a, b) => a.ReceivedAt.localeCompare(b.ReceivedAt))) {
    const key = c.Upn ? `upn:${c.Upn}` : `case:${c.CaseRef}`;
    const p = out.get(key);
    if (p) {
      p.latest = c;
      p.caseRefs.add(c.CaseRef);
    } else out.set(key, { key, latest: c, caseRefs: new Set([c.CaseRef]) });
  }
  return [...out.values()];
}

/**
 * Terms a pupil spent on the Key Stage 4 programme up to a day: autumn, spring and summer terms of the calendar
 * (any year) for at least half of whose school days one of the placements was running. Days before the calendar's
 * known term dates cannot be counted; `gap` is told.
 *
 * @example
 * // (illustrative)
 * termsOnProgramme(calendar, [{ StartDate: "2025-09-01", EndDate: undefined, … }], "2026-07-10", note) // 3
 */
export function termsOnProgramme(calendar: SchoolCalendar, placements: readonly Pick<ReportPlacement, "StartDate" | "EndDate">[], upTo: Day, gap: (message: string) => void = () => undefined): number {
  const knownFirst = calendar.years[0]?.halfTerms[0]?.first;
  if (!knownFirst) return 0;
  const days = new Set<Day>();
  for (const p of placements) {
    let from = p.StartDate;
    const to = p.EndDate && p.EndDate < upTo ? p.EndDate : upTo;
    if (from < knownFirst) {
      gap(`placement from ${p.StartDate} began before the term dates the calendar knows (from ${knownFirst}); its earlier terms are not counted.`);
      from = knownFirst;
    }
    if (from <= to) for (const d of schoolDaysIn(calendar, from, to)) days.add(d);
  }
  let terms = 0;
  for (const year of calendar.years) {
    for (const term of ["autumn", "spring", "summer"] as const) {
      const parts = year.halfTerms.filter((h) => h.name.startsWith(term));
      const first = parts[0]?.first;
      const last = parts.at(-1)?.last;
      if (!first || !last || first > upTo) continue;
      const termDays = schoolDaysIn(calendar, first, last);
      const covered = termDays.filter((d) => days.has(d)).length;
      if (termDays.length > 0 && covered * 2 >= termDays.length) terms++;
    }
  }
  return terms;
}
