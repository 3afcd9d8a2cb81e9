import type { AttendanceRow, CasesRow, DecisionsRow, PlacementsRow, QualificationsRow, ReviewsRow, SchoolsRow, VisitsRow } from "../../src/domain/lists";
import { standardPattern, type WeeklyPattern } from "../../src/domain/placement/weeklyPattern";
import type { ReportMark } from "../../src/domain/reports";
import { cases as weekCases, decisions as weekDecisions, marks as weekMarks, placements as weekPlacements, reviews as weekReviews, schools as weekSchools } from "./directorsWeekRows";

/*
 * The Director's week of Monday 2 March 2026 (test/support/directorsWeekRows.ts, every figure worked out by hand in
 * test/domain/reports/directorsWeek.test.ts) as the lists' rows, for the end-to-end report tests; with what the Ofsted
 * pack and the termly statements read besides (weekly patterns, the DSL, reviews with bands, qualifications, visits).
 *
 * Charges, worked out by hand: the average pupil cost the reports charge (AVERAGE_PUPIL_COST_KS3/KS4_PENCE_PER_YEAR,
 * issue 13's charge rates) is set to £19,000 a year for both key stages and 2025/26 has 190 school days, so a school
 * day costs £100 for a 5-day-a-week place and £60 for a 3-day one (0011: Year 8, centre Monday, AP Tuesday and
 * Thursday). School days in 2025/26: autumn 77 (from 8 Sep 68, from 6 Oct 48), spring 1 29 (from 12 Jan 25),
 * spring 2 25 (23 Feb to 2 Mar: 6; to 6 Mar: 10).
 */

/** The yearly average pupil cost the tests set for both key stages, in pence (a setting's text). */
export const placeRate = "1900000";
const riverside = { id: "riverside", name: "Riverside AP", registered: false };
const centreAllWeek: WeeklyPattern = { monday: { location: "centre", hours: 6.5 }, tuesday: { location: "centre", hours: 6.5 }, wednesday: { location: "centre", hours: 6.5 }, thursday: { location: "centre", hours: 6.5 }, friday: { location: "centre", hours: 6.5 } };

export const schoolRows: SchoolsRow[] = weekSchools.map((s) => ({
  Urn: s.Urn,
  SchoolName: s.SchoolName,
  AttendanceLeadEmail: `attendance@${s.SencoEmail!.split("@")[1]}`,
  SencoEmail: s.SencoEmail!,
  DslEmail: `dsl@${s.SencoEmail!.split("@")[1]}`,
  FinanceEmail: s.FinanceEmail!,
}));

const purchaseOrderOfCase: Record<string, Pick<CasesRow, "PurchaseOrderNumber" | "PoValue">> = {
  "LNCIP-2025-0011": { PurchaseOrderNumber: "PO-OAK-1", PoValue: 18_000 },
  "LNCIP-2025-0013": { PurchaseOrderNumber: "PO-OAK-1", PoValue: 20_000 },
  "LNCIP-2025-0012": { PurchaseOrderNumber: "PO-BRK-1" },
  "LNCIP-2025-0015": { PurchaseOrderNumber: "PO-BRK-1", PoValue: 6_000 },
  "LNCIP-2025-0014": { PurchaseOrderNumber: "PO-BRK-2" },
};

export const caseRows: CasesRow[] = weekCases.map((c) => ({
  ...c,
  WorkflowStatus: c.Status,
  Named: true,
  WorkflowVersion: 3,
  ...(c.CaseRef === "LNCIP-2025-0011" ? { YearGroup: 8, DslName: "Sam Patel", DslEmail: "dsl@oakfield.example", DslPhone: "0116 496 0000" } : {}),
  // The POs' values as the cases give them (the form's PO value, £): PO-OAK-1 given twice (the larger counts),
  // PO-BRK-1 by one of its two cases, PO-BRK-2 by none.
  ...purchaseOrderOfCase[c.CaseRef],
})) as CasesRow[];

export const placementRows: PlacementsRow[] = weekPlacements.map((p) => ({
  AttendanceBasis: "B",
  PurchaseOrderNumber: "",
  ...p,
  ChargeToDatePence: undefined,
  Pattern: JSON.stringify(p.CaseRef === "LNCIP-2025-0011" ? standardPattern(8, "programmeManagementFullTime", riverside) : centreAllWeek),
  ...(p.CaseRef === "LNCIP-2025-0011" ? { EnglishBaseline: "entry2" as const, MathsBaseline: "entry1" as const, BaselineOn: "2025-09-10" } : {}),
})) as PlacementsRow[];

export const reviewRows: ReviewsRow[] = [
  ...weekReviews,
  { CaseRef: "LNCIP-2025-0011", Number: 1, DueDate: "2025-10-13", ReturnToMainstream: "notYet" as const, EnglishProgress: "expected" as const, MathsProgress: "belowExpected" as const },
  { CaseRef: "LNCIP-2025-0011", Number: 2, DueDate: "2025-12-08", HeldOn: "2025-12-10", ReturnToMainstream: "partly" as const, EnglishProgress: "aboveExpected" as const, NextSteps: "More maths at the centre", PupilVoice: "I like the centre" },
].map((r) => ({ ReviewKey: `${r.CaseRef}:review:${r.Number}`, AttendeesConfirmed: true, ...r }));

export const decisionRows: DecisionsRow[] = weekDecisions.map((d, i) => ({ DecisionKey: `${d.CaseRef}:decision:${i}`, CaseRef: d.CaseRef, Outcome: d.Outcome, DecidedBy: "chair@oakfield.example", DecidedAt: d.DecidedAt, Source: "teams" }));

export const qualificationRows: QualificationsRow[] = [
  { CaseRef: "LNCIP-2025-0011", Subject: "english", QualificationName: "Functional Skills English", QualificationType: "functionalSkills", Level: "entry3", Result: "passed", Grade: "Pass", AwardedOn: "2026-01-15" },
  { CaseRef: "LNCIP-2025-0014", Subject: "maths", QualificationName: "GCSE Maths", QualificationType: "gcse", Level: "level1", Result: "awaited", AwardedOn: "2026-02-01" },
];

/** 0011's visits (the school's matches the placement's LastSchoolVisit); Brookside visited 0014 on 25 February. */
export const visitRows: VisitsRow[] = [
  { CaseRef: "LNCIP-2025-0011", VisitedOn: "2025-11-12", Visitor: "partnership", VisitNotes: "Met the AP's key worker" },
  { CaseRef: "LNCIP-2025-0011", VisitedOn: "2026-01-20", Visitor: "homeSchool" },
  { CaseRef: "LNCIP-2025-0014", VisitedOn: "2026-02-25", Visitor: "homeSchool" },
];

/** A register code back as the session mark a provider would have recorded. */
function markRow(m: ReportMark, i: number): AttendanceRow {
  const happened: Record<string, AttendanceRow["Happened"]> = { "/": "attended", "\\": "attended", B: "attended", L: "late", I: "absent", N: "absent", O: "absent", X: "notAttendingByArrangement" };
  const providerCode = ["B", "I", "O", "X"].includes(m.Code) ? m.Code : undefined;
  return {
    MarkKey: `${m.CaseRef}:${m.Date}:${m.Session}:1`,
    CaseRef: m.CaseRef,
    Date: m.Date,
    Session: m.Session,
    Happened: happened[m.Code]!,
    ...(providerCode ? { ProviderCode: providerCode } : {}),
    ...(m.Code === "L" ? { LateMinutes: 5 } : {}),
    RecordedBy: "centre@lncip.example",
    RecordedAt: `${m.Date}T${m.Session === "AM" ? "09" : "13"}:${String(i % 60).padStart(2, "0")}:00Z`,
    Version: 1,
  } as AttendanceRow;
}
export const attendanceRows: AttendanceRow[] = weekMarks.map(markRow);

/** Every pupil's name in the fixture: none may reach a subject, the Director's email, or another school's pack. */
export const pupilNames = weekCases.flatMap((c) => [c.PupilFirstName!, c.PupilLastName!]);
