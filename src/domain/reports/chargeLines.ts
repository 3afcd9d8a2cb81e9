import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { placeCharge } from "../charges/placeCharge";
import { daysOffSite, weeklyPatternSchema } from "../placement/weeklyPattern";
import type { KeyStage } from "../referral/keyStage";
import type { ReportPlacement } from "./reportInputs";

/**
 * One pupil's charge for a period, as the charging rules work it out (src/domain/charges; issue 13's rules when
 * they land): the reports take these lines as given, so they follow whichever rules produced them.
 */
export interface ChargeLine {
  CaseRef: string;
  SchoolUrn: string;
  KeyStage: KeyStage;
  PurchaseOrderNumber: string;
  /** School days charged in the period. */
  daysCharged: number;
  /** What the days were charged at (e.g. "£18,000.00 a year pro rata, 3 days a week"), as the rules describe it. */
  rates: string;
  pence: number;
}

/** A school's purchase order and its value, when the value is known (issue 13 keeps POs and their values). */
export interface PurchaseOrder {
  SchoolUrn: string;
  PurchaseOrderNumber: string;
  ValuePence?: number | undefined;
}

/**
 * Charge lines from the Placements list as it stands today: each placement's charge to date (ChargeToDatePence,
 * kept by the daily timer), for when no other charge lines are at hand. A placement with no home school or no
 * charge yet has no line.
 *
 * @example
 * // (illustrative)
 * chargeLinesFromPlacements([{ CaseRef: "LNCIP-2026-0042", SchoolUrn: "120001", ChargeToDatePence: 150_000, PurchaseOrderNumber: "PO-7", … }])
 * // [{ CaseRef: "LNCIP-2026-0042", SchoolUrn: "120001", PurchaseOrderNumber: "PO-7", pence: 150_000, daysCharged: 0, rates: "charge to date", … }]
 */
export function chargeLinesFromPlacements(placements: readonly ReportPlacement[]): ChargeLine[] {
  return placements.flatMap((p) =>
    p.SchoolUrn && p.ChargeToDatePence !== undefined
      ? [{ CaseRef: p.CaseRef, SchoolUrn: p.SchoolUrn, KeyStage: p.KeyStage, PurchaseOrderNumber: p.PurchaseOrderNumber ?? "", daysCharged: 0, rates: "charge to date", pence: p.ChargeToDatePence }]
      : [],
  );
}

export interface PurchaseOrderUse {
  PurchaseOrderNumber: string;
  valuePence: number | undefined;
  usedPence: number;
  /** Value less used; undefined when the value is not known. Negative when the PO is overspent. */
  leftPence: number | undefined;
}

/**
 * How much of each of a school's purchase orders its charge lines use, and what is left.
 *
 * @example
 * // (illustrative)
 * purchaseOrderUse("120001", lines, [{ SchoolUrn: "120001", PurchaseOrderNumber: "PO-7", ValuePence: 600_000 }])
 * // [{ PurchaseOrderNumber: "PO-7", valuePence: 600_000, usedPence: 150_000, leftPence: 450_000 }]
 */
export function purchaseOrderUse(schoolUrn: string, lines: readonly ChargeLine[], orders: readonly PurchaseOrder[] = []): PurchaseOrderUse[] {
  const used = new Map<string, number>();
  for (const o of orders) if (o.SchoolUrn === schoolUrn) used.set(o.PurchaseOrderNumber, 0);
  for (const l of lines) if (l.SchoolUrn === schoolUrn) used.set(l.PurchaseOrderNumber, (used.get(l.PurchaseOrderNumber) ?? 0) + l.pence);
  return [...used.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([number, usedPence]) => {
      const value = orders.find((o) => o.SchoolUrn === schoolUrn && o.PurchaseOrderNumber === number)?.ValuePence;
      return { PurchaseOrderNumber: number, valuePence: value, usedPence, leftPence: value === undefined ? undefined : value - usedPence };
    });
}

/**
 * Charge lines for a period from the placements, with the charging rules in src/domain/charges (placeCharge: the
 * yearly rate pro rata for the school days used, times the days a week off site). Until issue 13's rules land this
 * is how a statement gets its lines; a placement whose weekly pattern cannot be read is left out and named in
 * `problems` rather than guessed at.
 *
 * @example
 * // (illustrative)
 * chargeLinesForPeriod(calendar, placements, { KS3: 1_800_000, KS4: 1_800_000 }, { first: "2026-01-05", last: "2026-03-27" })
 * // { lines: [{ CaseRef: "LNCIP-2025-0011", daysCharged: 54, rates: "£18,000.00 a year pro rata, 3 of 5 days a week", pence: 449_587, … }], problems: [] }
 */
export function chargeLinesForPeriod(
  calendar: SchoolCalendar,
  placements: readonly ReportPlacement[],
  ratePencePerYear: Record<KeyStage, number>,
  period: { first: Day; last: Day },
): { lines: ChargeLine[]; problems: string[] } {
  const lines: ChargeLine[] = [];
  const problems: string[] = [];
  for (const p of placements) {
    if (p.PlacementStatus === "settingUp" || !p.SchoolUrn) continue;
    if (p.StartDate > period.last || (p.EndDate !== undefined && p.EndDate < period.first)) continue;
    const pattern = safeParsePattern(p.Pattern);
    if (!pattern) {
      problems.push(`${p.CaseRef}: the weekly pattern cannot be read, so no charge is worked out.`);
      continue;
    }
    const days = daysOffSite(pattern);
    const rate = ratePencePerYear[p.KeyStage];
    const charge = placeCharge(calendar, { ratePencePerYear: rate, placementStart: p.StartDate, placementEnd: p.EndDate, periodStart: period.first, periodEnd: period.last, daysPerWeek: days });
    lines.push({
      CaseRef: p.CaseRef,
      SchoolUrn: p.SchoolUrn,
      KeyStage: p.KeyStage,
      PurchaseOrderNumber: p.PurchaseOrderNumber ?? "",
      daysCharged: charge.schoolDaysUsed,
      rates: `${penceAsPounds(rate)} a year pro rata, ${days} of 5 days a week`,
      pence: charge.pence,
    });
  }
  return { lines, problems };
}

function safeParsePattern(json: string | undefined) {
  if (!json) return undefined;
  try {
    const parsed = weeklyPatternSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function penceAsPounds(pence: number): string {
  return `£${Math.floor(pence / 100).toLocaleString("en-GB")}.${String(pence % 100).padStart(2, "0")}`;
}
