import { z } from "zod";
import { caseStatuses } from "../case/caseStatus";
import { coreGroupOutcomes } from "../case/outcomes";
import { keyStageSchema } from "../referral/keyStage";
import { sendStatusLabels } from "../referral/referralForm";
import type { PlacementsRow, ReviewsRow, SchoolsRow } from "../lists/lists";
import type { QualificationsRow, VisitsRow } from "../lists/outcomeLists";

/*
 * What the reports read: plain rows as the lists hold them (column names as keys), narrowed to the columns each
 * report uses, so a report can be fed from the lists, a JSON file or a test without the rest of a row.
 */

const sendStatuses = Object.keys(sendStatusLabels) as [keyof typeof sendStatusLabels, ...(keyof typeof sendStatusLabels)[]];

/**
 * The Cases columns the reports use. The Cases row types the Referral Form's columns loosely (they are generated
 * from the form schema), so a report parses a row with this schema at its edge: a row a person edited into
 * nonsense is refused by name, not half-counted.
 *
 * @example
 * // (illustrative)
 * reportCaseSchema.parse(casesRow) // { CaseRef: "LNCIP-2026-0042", Status: "placed", YearGroup: 10, PupilPremium: true, … }
 */
export const reportCaseSchema = z.object({
  CaseRef: z.string().min(1),
  Status: z.enum(caseStatuses),
  KeyStage: keyStageSchema,
  ReceivedAt: z.iso.datetime({ offset: true }),
  SchoolUrn: z.string().regex(/^\d{6}$/).optional(),
  YearGroup: z.number().int().min(7).max(11).optional(),
  PupilPremium: z.boolean().optional(),
  SendStatus: z.enum(sendStatuses).optional(),
  Upn: z.string().optional(),
  PupilFirstName: z.string().optional(),
  PupilLastName: z.string().optional(),
  WaitingSince: z.iso.datetime({ offset: true }).optional(),
  DecidedAt: z.iso.datetime({ offset: true }).optional(),
  CoreGroupOutcome: z.enum(coreGroupOutcomes).optional(),
  DslName: z.string().optional(),
  DslEmail: z.string().optional(),
  DslPhone: z.string().optional(),
});
export type ReportCase = z.output<typeof reportCaseSchema>;

/** A placement as the reports read it: the Placements row's columns, the outcome ones optional. */
export type ReportPlacement = Pick<PlacementsRow, "CaseRef" | "KeyStage" | "StartDate" | "PlacementStatus"> &
  Partial<
    Pick<
      PlacementsRow,
      | "EndDate"
      | "SchoolUrn"
      | "Pattern"
      | "PurchaseOrderNumber"
      | "AttendanceBasis"
      | "LastSchoolVisit"
      | "ChargeToDatePence"
      | "ExitRoute"
      | "EnglishBaseline"
      | "MathsBaseline"
      | "BaselineOn"
      | "Destination"
      | "EetOffer"
      | "CCap30Experiences"
    >
  >;

/** A review as the reports read it. */
export type ReportReview = Pick<ReviewsRow, "CaseRef" | "Number" | "DueDate"> &
  Partial<Pick<ReviewsRow, "ReviewStatus" | "HeldOn" | "ReturnToMainstream" | "NextSteps" | "EnglishProgress" | "MathsProgress" | "EnglishTuition" | "MathsTuition" | "PupilVoice">>;

export type ReportQualification = QualificationsRow;

/** A visit as the reports read it (the Visits list; notes are never read). */
export type ReportVisit = Pick<VisitsRow, "CaseRef" | "VisitedOn" | "Visitor">;

/**
 * Placements with their home school's last visit brought up to date from the Visits list: the later of the
 * placement's LastSchoolVisit (which a Coordinator may still type) and the case's latest home-school visit, so
 * "schools with no visit this term" counts a visit recorded either way.
 *
 * @example
 * withLatestSchoolVisit([{ CaseRef: "LNCIP-2026-0042", KeyStage: "KS3", StartDate: "2026-09-07", PlacementStatus: "active", LastSchoolVisit: "2026-09-20" }],
 *   [{ CaseRef: "LNCIP-2026-0042", VisitedOn: "2026-11-03", Visitor: "homeSchool" }])[0].LastSchoolVisit // "2026-11-03"
 */
export function withLatestSchoolVisit<P extends Pick<ReportPlacement, "CaseRef" | "LastSchoolVisit">>(placements: readonly P[], visits: readonly ReportVisit[]): P[] {
  const latest = new Map<string, string>();
  for (const v of visits) if (v.Visitor === "homeSchool" && v.VisitedOn > (latest.get(v.CaseRef) ?? "")) latest.set(v.CaseRef, v.VisitedOn);
  return placements.map((p) => {
    const visited = latest.get(p.CaseRef);
    return visited && visited > (p.LastSchoolVisit ?? "") ? { ...p, LastSchoolVisit: visited } : p;
  });
}

export type ReportSchool = Pick<SchoolsRow, "Urn" | "SchoolName"> & Partial<Pick<SchoolsRow, "SencoEmail" | "DslEmail" | "FinanceEmail">>;

/** A session mark as the reports read it: the mark that counts for the session (see latestMarks) and its code. */
export interface ReportMark {
  CaseRef: string;
  Date: string;
  Session: "AM" | "PM";
  /** The register code the mark stands for (registerCodeOf). */
  Code: import("../attendance/codes").AttendanceCode;
}

/** A Core Group decision as the reports read it. */
export interface ReportDecision {
  CaseRef: string;
  Outcome: (typeof coreGroupOutcomes)[number];
  DecidedAt: string;
}

/**
 * A review's day: when it was held if that was recorded, else its due day.
 *
 * @example
 * reviewDay({ CaseRef: "LNCIP-2026-0042", Number: 2, DueDate: "2026-02-02", HeldOn: "2026-02-04" }) // "2026-02-04"
 */
export function reviewDay(review: Pick<ReportReview, "DueDate" | "HeldOn">): string {
  return review.HeldOn ?? review.DueDate;
}
