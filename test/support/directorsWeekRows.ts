import type { PurchaseOrder, ReportCase, ReportDecision, ReportMark, ReportPlacement, ReportReview, ReportSchool } from "../../src/domain/reports";

/*
 * The rows behind the Director's week of Monday 2 March 2026 (spring 2; half term was 16–20 February), every figure
 * worked out by hand in test/domain/reports/directorsWeek.test.ts. Names are here so tests prove they never leak.
 */

export const today = "2026-03-02";

export const schools: ReportSchool[] = [
  { Urn: "120001", SchoolName: "Oakfield Academy", SencoEmail: "senco@oakfield.example", FinanceEmail: "finance@oakfield.example" },
  { Urn: "120002", SchoolName: "Brookside School", SencoEmail: "senco@brookside.example", FinanceEmail: "finance@brookside.example" },
  { Urn: "120003", SchoolName: "Castle Rock High", SencoEmail: "senco@castlerock.example", FinanceEmail: "finance@castlerock.example" },
];

export const pupilNames = ["Amelia", "Oliver", "Isla", "Noah", "Freya", "Jack", "Poppy", "Harry", "Ava", "Leo"];

let n = 0;
const c = (CaseRef: string, Status: ReportCase["Status"], KeyStage: ReportCase["KeyStage"], ReceivedAt: string, more: Partial<ReportCase> = {}): ReportCase => ({
  CaseRef,
  Status,
  KeyStage,
  ReceivedAt,
  SchoolUrn: "120001",
  PupilFirstName: pupilNames[n++ % pupilNames.length],
  PupilLastName: "Quintrell",
  ...more,
});

export const cases: ReportCase[] = [
  c("LNCIP-2025-0011", "placed", "KS3", "2025-07-01T09:00:00Z"),
  c("LNCIP-2025-0012", "placed", "KS3", "2026-01-10T09:00:00Z", { SchoolUrn: "120002" }),
  c("LNCIP-2025-0013", "placed", "KS4", "2025-09-01T09:00:00Z"),
  c("LNCIP-2025-0014", "placed", "KS4", "2025-12-01T09:00:00Z", { SchoolUrn: "120002" }),
  c("LNCIP-2025-0015", "closed", "KS4", "2025-07-01T09:00:00Z", { SchoolUrn: "120002" }),
  // Waiting list: since Mon 9 Feb (10 school days: 9–13 and 23–27 Feb) and Wed 25 Feb (3).
  c("LNCIP-2026-0021", "waitingList", "KS4", "2026-01-05T09:00:00Z", { WaitingSince: "2026-02-09T10:00:00Z" }),
  c("LNCIP-2026-0022", "waitingList", "KS3", "2026-01-05T09:00:00Z", { WaitingSince: "2026-02-25T15:00:00Z", SchoolUrn: "120002" }),
  // Awaiting triage: received Thu 26 Feb (2 school days), in triage since received Mon 2 Feb (15).
  c("LNCIP-2026-0031", "received", "KS3", "2026-02-26T08:00:00Z"),
  c("LNCIP-2026-0032", "triage", "KS4", "2026-02-02T09:00:00Z"),
  // Awaiting a decision: received Mon 19 Jan (20 school days to half term, 5 after: 25).
  c("LNCIP-2026-0041", "readyForCoreGroup", "KS4", "2026-01-19T09:00:00Z"),
  c("LNCIP-2026-0042", "awaitingInclusionForum", "KS3", "2026-02-02T09:00:00Z"),
];

export const placements: ReportPlacement[] = [
  { CaseRef: "LNCIP-2025-0011", KeyStage: "KS3", StartDate: "2025-09-08", PlacementStatus: "active", SchoolUrn: "120001", LastSchoolVisit: "2026-01-20", ChargeToDatePence: 300_000, PurchaseOrderNumber: "PO-OAK-1" },
  { CaseRef: "LNCIP-2025-0012", KeyStage: "KS3", StartDate: "2026-03-04", PlacementStatus: "settingUp", SchoolUrn: "120002", PurchaseOrderNumber: "PO-BRK-1" },
  { CaseRef: "LNCIP-2025-0013", KeyStage: "KS4", StartDate: "2025-10-06", EndDate: "2026-03-06", PlacementStatus: "active", SchoolUrn: "120001", LastSchoolVisit: "2025-12-01", ChargeToDatePence: 250_000, PurchaseOrderNumber: "PO-OAK-1" },
  { CaseRef: "LNCIP-2025-0014", KeyStage: "KS4", StartDate: "2026-01-12", PlacementStatus: "active", SchoolUrn: "120002", ChargeToDatePence: 120_000, PurchaseOrderNumber: "PO-BRK-2" },
  { CaseRef: "LNCIP-2025-0015", KeyStage: "KS4", StartDate: "2025-09-08", EndDate: "2025-12-19", PlacementStatus: "ended", SchoolUrn: "120002", ChargeToDatePence: 400_000, PurchaseOrderNumber: "PO-BRK-1" },
];

export const reviews: ReportReview[] = [
  { CaseRef: "LNCIP-2025-0011", Number: 3, DueDate: "2026-02-24" }, // overdue 4 school days
  { CaseRef: "LNCIP-2025-0013", Number: 2, DueDate: "2026-02-10", ReturnToMainstream: "notYet" },
  { CaseRef: "LNCIP-2025-0014", Number: 1, DueDate: "2026-02-12", ReviewStatus: "cancelled" },
  { CaseRef: "LNCIP-2025-0014", Number: 2, DueDate: "2026-03-02" }, // due today: not overdue yet
  { CaseRef: "LNCIP-2025-0013", Number: 1, DueDate: "2026-01-13" }, // overdue 29 school days
];

export const decisions: ReportDecision[] = [
  { CaseRef: "LNCIP-2025-0012", Outcome: "programmeManagementPartTime", DecidedAt: "2026-02-24T16:00:00Z" },
  { CaseRef: "LNCIP-2026-0050", Outcome: "schoolContinuesWithAdvice", DecidedAt: "2026-02-20T10:00:00Z" },
  { CaseRef: "LNCIP-2026-0051", Outcome: "inSchoolSupport", DecidedAt: "2026-03-01T20:00:00Z" },
  { CaseRef: "LNCIP-2026-0052", Outcome: "referBackToInclusionForum", DecidedAt: "2026-03-02T09:00:00Z" },
];

const week = ["2026-02-23", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27"];
const both = (ref: string, day: string, am: ReportMark["Code"], pm: ReportMark["Code"]): ReportMark[] => [
  { CaseRef: ref, Date: day, Session: "AM", Code: am },
  { CaseRef: ref, Date: day, Session: "PM", Code: pm },
];
export const marks: ReportMark[] = [
  // 0011 (Oakfield): 8 present, Friday I then N: 10 possible, 8 present, 1 unauthorised.
  ...week.slice(0, 4).flatMap((d) => both("LNCIP-2025-0011", d, "/", "\\")),
  ...both("LNCIP-2025-0011", "2026-02-27", "I", "N"),
  // 0013 (Oakfield): B ×6, O ×2, X ×2: 8 possible, 6 present, 2 unauthorised.
  ...week.slice(0, 3).flatMap((d) => both("LNCIP-2025-0013", d, "B", "B")),
  ...both("LNCIP-2025-0013", "2026-02-26", "O", "O"),
  ...both("LNCIP-2025-0013", "2026-02-27", "X", "X"),
  // 0014 (Brookside): late every session, before the register closed: 10 of 10.
  ...week.flatMap((d) => both("LNCIP-2025-0014", d, "L", "L")),
  // The week before half term: not last week.
  { CaseRef: "LNCIP-2025-0014", Date: "2026-02-13", Session: "AM", Code: "/" },
];

export const purchaseOrders: PurchaseOrder[] = [
  { SchoolUrn: "120001", PurchaseOrderNumber: "PO-OAK-1", ValuePence: 600_000 },
  { SchoolUrn: "120002", PurchaseOrderNumber: "PO-BRK-1", ValuePence: 350_000 },
  { SchoolUrn: "120003", PurchaseOrderNumber: "PO-CAS-1", ValuePence: 100_000 },
];
