import { z } from "zod";
import { attendanceCodeSchema, attendanceCodes, categoryOf, type AttendanceCode } from "./codes";
import { sessionHappenedSchema, sessionSchema, type Session, type SessionHappened } from "./session";
import type { SessionMark } from "./statistics";

const caseRefSchema = z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/, "expected a case reference such as LNCIP-2026-0042");

/** What a session mark says, apart from who recorded it. */
const markFields = {
  caseRef: caseRefSchema,
  date: z.iso.date("expected a date as yyyy-MM-dd"),
  session: sessionSchema,
  happened: sessionHappenedSchema,
  lateMinutes: z.number().int().min(1, "minutes late must be at least 1").max(300, "minutes late must be at most 300").optional(),
  reasonGiven: z.string().trim().max(255, "the reason given must be at most 255 characters").optional(),
  providerCode: attendanceCodeSchema.optional(),
};

/** The rules between a mark's fields: minutes late for a late mark only, a reason for an absence only, a code that fits. */
function markRules(m: { happened: SessionHappened; lateMinutes?: number | undefined; reasonGiven?: string | undefined; providerCode?: AttendanceCode | undefined }, ctx: z.RefinementCtx): void {
  if (m.happened === "late" && m.lateMinutes === undefined) ctx.addIssue({ code: "custom", path: ["lateMinutes"], message: "a late mark needs the minutes late" });
  if (m.happened !== "late" && m.lateMinutes !== undefined) ctx.addIssue({ code: "custom", path: ["lateMinutes"], message: "minutes late belong to a late mark only" });
  if (m.happened !== "absent" && m.reasonGiven) ctx.addIssue({ code: "custom", path: ["reasonGiven"], message: "a reason belongs to an absent mark only" });
  if (m.providerCode && !codeFits(m.happened, m.providerCode)) {
    ctx.addIssue({ code: "custom", path: ["providerCode"], message: `code ${m.providerCode} (${attendanceCodes[m.providerCode].meaning}) does not fit "${m.happened}"` });
  }
}

/**
 * One session mark as partnership or AP staff record it: what happened, not the home school's register code.
 * Optionally the provider's own register code (providers keep DfE registers too); when given it must agree with
 * what happened, so "attended" with "I" (illness) is refused rather than guessed at.
 *
 * @example
 * markInputSchema.parse({ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "late", lateMinutes: 12, recordedBy: "ap@riverside.example" })
 */
export const markInputSchema = z
  .object({ ...markFields, recordedBy: z.string().trim().min(1, "say who recorded the mark").max(255) })
  .strict()
  .superRefine(markRules);

/**
 * A mark as a provider sends it to the marks endpoint: who recorded it is never the sender's to say — it comes from
 * the provider's key — so a `recordedBy` in the mark is refused.
 *
 * @example
 * providerMarkSchema.safeParse({ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended" }).success // true
 * providerMarkSchema.safeParse({ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended", recordedBy: "head@school.example" }).success // false
 */
export const providerMarkSchema = z
  .object({ ...markFields, recordedBy: z.never({ error: "who recorded a mark comes from your provider key: leave recordedBy out" }).optional() })
  .strict()
  .superRefine(markRules);
export type ProviderMark = z.infer<typeof providerMarkSchema>;
export type MarkInput = z.infer<typeof markInputSchema>;

/** Which provider codes agree with what happened. */
function codeFits(happened: SessionHappened, code: AttendanceCode): boolean {
  const category = categoryOf(code);
  switch (happened) {
    case "attended":
      return category === "present" || category === "attendingElsewhere";
    case "late":
      return code === "L" || code === "U";
    case "absent":
      // Unable to attend (Q, Y1–Y7) is what happened when a pupil could not come: not a possible session.
      return category === "authorisedAbsence" || category === "unauthorisedAbsence" || code === "Q" || /^Y[1-7]$/.test(code);
    case "notAttendingByArrangement":
      return (category === "notPossible" && code !== "Q" && !/^Y[1-7]$/.test(code)) || code === "C2";
  }
}

/** A mark as stored: the input plus its version for the session (1, then 2 for its first correction, …). */
export interface RecordedMark extends MarkInput {
  version: number;
  markKey: string;
  /** The mark this one corrects (its key), for every version after the first. */
  correctionOf?: string | undefined;
  recordedAt: string;
}

/**
 * The key of a session mark's version: one per case, day, session and version, so a repeat finds what it wrote.
 *
 * @example
 * markKeyOf("LNCIP-2026-0042", "2026-11-23", "AM", 2) // "LNCIP-2026-0042:2026-11-23:AM:2"
 */
export function markKeyOf(caseRef: string, date: string, session: Session, version: number): string {
  return `${caseRef}:${date}:${session}:${version}`;
}

/**
 * Whether a mark says the same as one already recorded (who recorded it aside): a repeat, not a correction.
 *
 * @example
 * const m = { caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended" };
 * sameMark({ ...m, recordedBy: "a" }, { ...m, recordedBy: "b" }) // true
 * sameMark({ ...m, recordedBy: "a" }, { ...m, happened: "late", lateMinutes: 5, recordedBy: "a" }) // false
 */
export function sameMark(a: MarkInput, b: MarkInput): boolean {
  return (
    a.caseRef === b.caseRef &&
    a.date === b.date &&
    a.session === b.session &&
    a.happened === b.happened &&
    (a.lateMinutes ?? null) === (b.lateMinutes ?? null) &&
    (a.reasonGiven || null) === (b.reasonGiven || null) &&
    (a.providerCode ?? null) === (b.providerCode ?? null)
  );
}

/**
 * The mark that counts for each case, day and session: the latest correction (highest version, then latest
 * recorded). Earlier versions stay in the list as the history; they never count.
 *
 * @example
 * const v1 = { caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "absent", recordedBy: "ap@riverside.example",
 *   version: 1, markKey: "LNCIP-2026-0042:2026-11-23:AM:1", recordedAt: "2026-11-23T09:30:00Z" };
 * const v2 = { ...v1, happened: "late", lateMinutes: 20, version: 2, markKey: "LNCIP-2026-0042:2026-11-23:AM:2", correctionOf: v1.markKey };
 * latestMarks([v2, v1]).get("LNCIP-2026-0042:2026-11-23:AM") // v2
 */
export function latestMarks<M extends RecordedMark>(marks: readonly M[]): Map<string, M> {
  const out = new Map<string, M>();
  for (const m of marks) {
    const key = sessionKeyOf(m.caseRef, m.date, m.session);
    const current = out.get(key);
    if (!current || m.version > current.version || (m.version === current.version && m.recordedAt > current.recordedAt)) out.set(key, m);
  }
  return out;
}

/**
 * The key of a case's session on a day (no version).
 *
 * @example
 * sessionKeyOf("LNCIP-2026-0042", "2026-11-23", "PM") // "LNCIP-2026-0042:2026-11-23:PM"
 */
export function sessionKeyOf(caseRef: string, date: string, session: Session): string {
  return `${caseRef}:${date}:${session}`;
}

/**
 * The register code a mark stands for in the partnership's own figures: the provider's code when given, else
 * attended → `/` or `\`, late → `L`, absent → `N` (reason not yet given: the school decides its own mark, so the
 * statistics count it as an absence awaiting a code, never as a recorded unauthorised one), not attending by
 * arrangement → `C2`.
 *
 * @example
 * registerCodeOf({ happened: "absent", providerCode: "I", session: "AM" }) // "I"
 * registerCodeOf({ happened: "attended", session: "PM" }) // "\\"
 */
export function registerCodeOf(mark: Pick<MarkInput, "happened" | "providerCode" | "session">): AttendanceCode {
  if (mark.providerCode) return mark.providerCode;
  switch (mark.happened) {
    case "attended":
      return mark.session === "AM" ? "/" : "\\";
    case "late":
      return "L";
    case "absent":
      return "N";
    case "notAttendingByArrangement":
      return "C2";
  }
}

/**
 * A recorded mark as a register mark for the statistics. An absence the provider gave no code for stands as `N`
 * (reason not yet given) with `codeRecorded: false`: an absence, but not a recorded unauthorised one.
 *
 * @example
 * asSessionMark({ date: "2026-11-23", session: "AM", happened: "late" }) // { day: "2026-11-23", session: "AM", code: "L", codeRecorded: true }
 * asSessionMark({ date: "2026-11-23", session: "PM", happened: "absent" }) // { ..., code: "N", codeRecorded: false }
 */
export function asSessionMark(mark: Pick<MarkInput, "happened" | "providerCode" | "session" | "date">): SessionMark {
  return { day: mark.date, session: mark.session, code: registerCodeOf(mark), codeRecorded: mark.providerCode !== undefined || mark.happened !== "absent" };
}
