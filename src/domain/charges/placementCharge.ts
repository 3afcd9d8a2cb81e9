import { z } from "zod";
import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolDaysIn } from "../calendar/schoolDays";
import { isoWeekday } from "../calendar/days";
import type { KeyStage } from "../referral/keyStage";
import { weekdays, type WeeklyPattern } from "../placement/weeklyPattern";
import { schoolDaysInYear } from "./placeCharge";

/**
 * What the offer charges a school for a place (the offer to schools, docs/domain.md: "the pro rata average pupil cost, pupil premium and any
 * additional SEND funding"), as yearly amounts in whole pence. The average pupil cost is a setting per key stage;
 * the pupil premium is the DfE's secondary rate; the SEND top-up comes from each placement's purchase order.
 */
export const chargeRatesSchema = z.object({
  averagePupilCostPencePerYear: z.object({ KS3: z.number().int().min(0), KS4: z.number().int().min(0) }),
  pupilPremiumPencePerYear: z.number().int().min(0),
});
export type ChargeRates = z.infer<typeof chargeRatesSchema>;

/**
 * Where the defaults come from (to be replaced by the county's own figures where it publishes them):
 *
 * - Average pupil cost: £6,771 — England's average per-pupil funding in the schools national funding formula for
 *   2026-27 (DfE, written ministerial statement on the provisional 2026-27 schools NFF allocations). It is a national
 *   figure across primary and secondary, not Leicestershire's KS3 or KS4 basic entitlement (AWPU): a placeholder
 *   for both key stages until the partnership sets its county's figure.
 * - Pupil premium: £1,075 a year for an eligible secondary-aged pupil (Ever 6 FSM) — DfE, "Pupil premium:
 *   overview", rates for the 2025 to 2026 financial year. The 2026 to 2027 rates were published in March 2026; set
 *   the current rate.
 */
export const chargeRateSources = {
  averagePupilCost: "England's average per-pupil funding, schools national funding formula 2026-27 (DfE): £6,771 — a national placeholder for both key stages",
  pupilPremium: "DfE pupil premium, secondary-aged pupil (Ever 6 FSM), 2025-26 financial year: £1,075",
} as const;

export const defaultChargeRates: ChargeRates = {
  averagePupilCostPencePerYear: { KS3: 677_100, KS4: 677_100 },
  pupilPremiumPencePerYear: 107_500,
};

/** What a placement costs its school over a period, by part of the charge (whole pence, each rounded once). */
export interface PlacementCharge {
  /** School days in the period the pupil was off site (the pattern's centre and AP days). */
  schoolDaysOffSite: number;
  averagePupilCostPence: number;
  pupilPremiumPence: number;
  sendTopUpPence: number;
  totalPence: number;
}

/**
 * What a school pays for a Programme Management place over a period, per school day off site: the key stage's
 * average pupil cost, the pupil premium when the pupil is eligible, and the SEND top-up named on the PO — each a
 * yearly amount, pro rata: a day off site costs the year's amount divided by the school days of its own academic
 * year (term dates decide the year). Home-school days are not charged: part-time costs less than full-time.
 *
 * @example
 * // (illustrative)
 * placementCharge(leicestershire, { pattern: year9PartTime, keyStage: "KS3", placementStart: "2026-11-30", periodStart: "2026-11-30",
 *   periodEnd: "2026-12-04", pupilPremium: true, sendTopUpPencePerYear: 600_000 }, defaultChargeRates)
 * // 3 days off site of 191 school days in 2026/27:
 * // { schoolDaysOffSite: 3, averagePupilCostPence: 10635, pupilPremiumPence: 1688, sendTopUpPence: 9424, totalPence: 21747 }
 */
export function placementCharge(
  calendar: SchoolCalendar,
  p: {
    pattern: WeeklyPattern;
    keyStage: KeyStage;
    placementStart: Day;
    placementEnd?: Day | undefined;
    periodStart: Day;
    periodEnd: Day;
    pupilPremium: boolean;
    sendTopUpPencePerYear?: number | undefined;
  },
  rates: ChargeRates = defaultChargeRates,
): PlacementCharge {
  const from = p.placementStart > p.periodStart ? p.placementStart : p.periodStart;
  const end = p.placementEnd !== undefined && p.placementEnd < p.periodEnd ? p.placementEnd : p.periodEnd;
  const offSite = new Set(weekdays.filter((d) => p.pattern[d].location === "centre" || p.pattern[d].location === "alternativeProvision").map((d) => weekdays.indexOf(d) + 1));
  let days = 0;
  let yearShare = 0; // the sum, over days off site, of 1 / school days in that day's academic year
  if (from <= end) {
    for (const year of calendar.years) {
      const first = year.halfTerms[0]?.first;
      const last = year.halfTerms[year.halfTerms.length - 1]?.last;
      if (!first || !last || last < from || first > end) continue;
      const inYear = schoolDaysIn(calendar, from > first ? from : first, end < last ? end : last).filter((d) => offSite.has(isoWeekday(d))).length;
      days += inYear;
      yearShare += inYear / schoolDaysInYear(calendar, year);
    }
  }
  const part = (pencePerYear: number) => Math.round(pencePerYear * yearShare);
  const averagePupilCostPence = part(rates.averagePupilCostPencePerYear[p.keyStage]);
  const pupilPremiumPence = p.pupilPremium ? part(rates.pupilPremiumPencePerYear) : 0;
  const sendTopUpPence = part(p.sendTopUpPencePerYear ?? 0);
  return { schoolDaysOffSite: days, averagePupilCostPence, pupilPremiumPence, sendTopUpPence, totalPence: averagePupilCostPence + pupilPremiumPence + sendTopUpPence };
}
