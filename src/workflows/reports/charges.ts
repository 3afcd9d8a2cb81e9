import type { Day, SchoolCalendar } from "../../domain/calendar";
import type { KeyStage } from "../../domain/referral/keyStage";
import { chargeLinesForPeriod, type ChargeLine, type ReportPlacement } from "../../domain/reports";

/** What the reports ask of the charging rules: every placement's charge for a period, and what could not be worked out. */
export type ChargeLinesFor = (input: { calendar: SchoolCalendar; placements: readonly ReportPlacement[]; ratePencePerYear: Record<KeyStage, number>; period: { first: Day; last: Day } }) => {
  lines: ChargeLine[];
  problems: string[];
};

/**
 * The one place the reports get their charge lines (the Director's charges to date, the termly statements): the
 * domain's charge for each placement's school days in the period, at the key stage's yearly rate pro rata, for the
 * days a week off site. When issue 13's `placementCharge` is wired into the placements, it replaces this function
 * (src/app/composition.ts passes it to the report ports) and every report follows.
 *
 * @example
 * placementChargeLines({ calendar, placements, ratePencePerYear: { KS3: 1_800_000, KS4: 1_800_000 }, period: { first: "2026-01-06", last: "2026-03-27" } })
 * // { lines: [{ CaseRef: "LNCIP-2025-0011", daysCharged: 54, … }], problems: [] }
 */
export const placementChargeLines: ChargeLinesFor = ({ calendar, placements, ratePencePerYear, period }) => chargeLinesForPeriod(calendar, placements, ratePencePerYear, period);
