import type { CoreGroupOutcome } from "../case/outcomes";
import type { KeyStage } from "../referral/keyStage";
import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { addSchoolDays } from "../calendar/schoolDays";
import { placeCharge } from "../charges/placeCharge";
import type { AttendanceBasis } from "./attendanceBasis";
import { daysOffSite, standardPattern, unregisteredProviderWarnings, type PatternTable, type Provider, type WeeklyPattern } from "./weeklyPattern";

/** What setting up a placement needs to know of a case (no identity: year group, key stage, EHCP, in care). */
export interface PlacementCase {
  caseRef: string;
  keyStage: KeyStage;
  yearGroup: number;
  outcome: CoreGroupOutcome;
  ehcp: boolean;
  lookedAfter: boolean;
  purchaseOrderNumber: string;
  schoolUrn?: string | undefined;
}

/** A new placement as its Placements row will hold it, with the warnings the Coordinator must see. */
export interface NewPlacement {
  caseRef: string;
  keyStage: KeyStage;
  schoolUrn?: string | undefined;
  pattern: WeeklyPattern;
  startDate: Day;
  attendanceBasis: AttendanceBasis;
  purchaseOrderNumber: string;
  unregisteredProviderWarning?: string | undefined;
}

/**
 * Sets up a Programme Management placement: the usual weekly pattern for the year group and Core Group's decision,
 * part-time or full-time (the partnership's pattern table, the offer's by default; the AP days at the given
 * provider or providers), starting `leadSchoolDays` school days after the decision (time to arrange
 * transport and induction; the Coordinator edits it), with the attendance basis given (B unless the case
 * says otherwise) and the unregistered-provider warning where the pupil has an EHCP or is in care.
 *
 * @example
 * // (illustrative)
 * const placement = newPlacement(calendar, { caseRef: "LNCIP-2026-0042", keyStage: "KS3", yearGroup: 9, outcome: "programmeManagementPartTime",
 *   ehcp: true, lookedAfter: false, purchaseOrderNumber: "PO-1" }, { today: "2026-11-26", leadSchoolDays: 5, basis: "B",
 *   provider: { id: "riverside", name: "Riverside AP", registered: false } });
 * placement.startDate // "2026-12-03": five school days after the decision
 * placement.pattern.friday // { location: "alternativeProvision", hours: 6.5, provider: { id: "riverside", ... } }
 * placement.unregisteredProviderWarning.startsWith("Riverside AP is not a registered school") // true: three AP days are 19.5 hours
 */
export function newPlacement(
  calendar: SchoolCalendar,
  c: PlacementCase,
  options: { today: Day; leadSchoolDays: number; basis: AttendanceBasis; provider: Provider | readonly Provider[]; patterns?: PatternTable | undefined },
): NewPlacement {
  const pattern = standardPattern(c.yearGroup, c.outcome, options.provider, options.patterns);
  const warnings = unregisteredProviderWarnings(pattern, { ehcp: c.ehcp, lookedAfter: c.lookedAfter });
  let startDate: Day;
  try {
    startDate = addSchoolDays(calendar, options.today, Math.max(1, options.leadSchoolDays));
  } catch {
    startDate = options.today; // past the known term dates: the Coordinator sets it
  }
  return {
    caseRef: c.caseRef,
    keyStage: c.keyStage,
    schoolUrn: c.schoolUrn,
    pattern,
    startDate,
    attendanceBasis: options.basis,
    purchaseOrderNumber: c.purchaseOrderNumber,
    unregisteredProviderWarning: warnings.length ? warnings.map((w) => w.message).join(" ") : undefined,
  };
}

/** A case on the waiting list: its reference and when it joined. */
export interface WaitingCase {
  caseRef: string;
  waitingSince: string;
}

/**
 * The waiting list of a key stage in the order it is served: earliest `WaitingSince` first, the case reference
 * breaking a tie (references are allocated in order of receipt).
 *
 * @example
 * waitingOrder([{ caseRef: "LNCIP-2026-0003", waitingSince: "2026-11-03T09:00:00Z" }, { caseRef: "LNCIP-2026-0007", waitingSince: "2026-11-02T10:00:00Z" }])
 *   .map((w) => w.caseRef)
 * // ["LNCIP-2026-0007", "LNCIP-2026-0003"]
 */
export function waitingOrder(waiting: readonly WaitingCase[]): WaitingCase[] {
  return [...waiting].sort((a, b) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince) || a.caseRef.localeCompare(b.caseRef, undefined, { numeric: true }));
}

/**
 * A case's position (1 = next to be offered a place) on its key stage's waiting list; undefined if not on it.
 *
 * @example
 * const waiting = [{ caseRef: "LNCIP-2026-0003", waitingSince: "2026-11-03T09:00:00Z" }, { caseRef: "LNCIP-2026-0007", waitingSince: "2026-11-02T10:00:00Z" }];
 * waitingPosition(waiting, "LNCIP-2026-0003") // 2
 * waitingPosition(waiting, "LNCIP-2026-0042") // undefined: not waiting
 */
export function waitingPosition(waiting: readonly WaitingCase[], caseRef: string): number | undefined {
  const i = waitingOrder(waiting).findIndex((w) => w.caseRef === caseRef);
  return i < 0 ? undefined : i + 1;
}

/**
 * What a placement has cost its school so far: the key stage's full-year rate, pro rata for the school days
 * from its start to `today` (or its end, if earlier), times the days a week it takes off site.
 *
 * @example
 * const pattern = standardPattern(10, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false });
 * chargeToDate(calendar, { ratePencePerYear: 1_800_000, startDate: "2026-11-30", endDate: undefined, pattern, today: "2026-12-18" })
 * // { schoolDaysUsed: 15, pence: 84817 } — 3 days a week off site: 3/5 of £18,000 × 15 ÷ 191 school days
 */
export function chargeToDate(
  calendar: SchoolCalendar,
  p: { ratePencePerYear: number; startDate: Day; endDate: Day | undefined; pattern: WeeklyPattern; today: Day },
): { schoolDaysUsed: number; pence: number } {
  if (p.today < p.startDate) return { schoolDaysUsed: 0, pence: 0 };
  return placeCharge(calendar, {
    ratePencePerYear: p.ratePencePerYear,
    placementStart: p.startDate,
    placementEnd: p.endDate,
    periodStart: p.startDate,
    periodEnd: p.today,
    daysPerWeek: daysOffSite(p.pattern),
  });
}
