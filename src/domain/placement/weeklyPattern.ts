import { z } from "zod";
import type { CoreGroupOutcome } from "../case/outcomes";
import { placementLocationSchema, type PlacementLocation } from "./attendanceBasis";

export const weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"] as const;
export type Weekday = (typeof weekdays)[number];

export const providerSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(100),
  /** Registered as an independent school (or a school); unregistered settings have legal limits. */
  registered: z.boolean(),
  /** Where the partnership chases session marks the provider has not recorded by the register cut-off. */
  email: z.email().optional(),
});
export type Provider = z.infer<typeof providerSchema>;

export const patternDaySchema = z
  .object({
    location: placementLocationSchema,
    provider: providerSchema.optional(),
    hours: z.number().min(0, "Hours cannot be negative.").max(8, "A placement day is at most 8 hours."),
  })
  .refine((d) => d.location !== "alternativeProvision" || d.provider !== undefined, {
    message: "Every alternative provision day needs its provider.",
    path: ["provider"],
  });
export type PatternDay = z.infer<typeof patternDaySchema>;

/** A placement's weekly pattern: where the pupil is each weekday, with whom and for how long. */
export const weeklyPatternSchema = z.object({
  monday: patternDaySchema,
  tuesday: patternDaySchema,
  wednesday: patternDaySchema,
  thursday: patternDaySchema,
  friday: patternDaySchema,
});
export type WeeklyPattern = z.infer<typeof weeklyPatternSchema>;

/** Length of a full day at the centre or an AP. 6.5 hours makes three AP days 19.5 hours: over the 18-hour line. */
export const FULL_DAY_HOURS = 6.5;

const day = (location: PlacementLocation, hours = FULL_DAY_HOURS, provider?: Provider): PatternDay =>
  provider ? { location, hours, provider } : { location, hours: location === "none" ? 0 : hours };

/**
 * The usual weekly pattern for a placement (docs/domain.md, Placements): Years 7–8 one centre day, two AP days and two days
 * at the home school; Year 9 two centre days and three AP days; KS4 full time five days off site (two centre,
 * three AP); KS4 part time three days (one centre, two AP) with two home-school days. A starting point the
 * Coordinator then edits; the AP days name the provider given.
 *
 * @example
 * const ap = { id: "riverside", name: "Riverside AP", registered: false };
 * standardPattern(8, "programmeManagementPartTime", ap).monday // { location: "centre", hours: 6.5 }
 * standardPattern(8, "programmeManagementPartTime", ap).wednesday // { location: "homeSchool", hours: 6.5 }
 */
export function standardPattern(yearGroup: number, outcome: CoreGroupOutcome, ap: Provider): WeeklyPattern {
  const centre = day("centre");
  const atAp = day("alternativeProvision", FULL_DAY_HOURS, ap);
  const home = day("homeSchool");
  if (yearGroup <= 8) return { monday: centre, tuesday: atAp, wednesday: home, thursday: atAp, friday: home };
  if (yearGroup === 9) return { monday: centre, tuesday: atAp, wednesday: centre, thursday: atAp, friday: atAp };
  if (outcome === "programmeManagementFullTime") return { monday: centre, tuesday: atAp, wednesday: centre, thursday: atAp, friday: atAp };
  return { monday: centre, tuesday: atAp, wednesday: home, thursday: atAp, friday: home };
}

/**
 * Where the pattern expects the pupil on a weekday.
 *
 * @example
 * const pattern = standardPattern(8, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false });
 * expectedLocationOn(pattern, "tuesday") // "alternativeProvision"
 */
export function expectedLocationOn(pattern: WeeklyPattern, weekday: Weekday): PlacementLocation {
  return pattern[weekday].location;
}

/** Days a week spent off site (centre or AP): what a part-time place is charged by. */
export function daysOffSite(pattern: WeeklyPattern): number {
  return weekdays.filter((d) => pattern[d].location === "centre" || pattern[d].location === "alternativeProvision").length;
}

export interface UnregisteredProviderWarning {
  providerId: string;
  providerName: string;
  hoursPerWeek: number;
  message: string;
}

/**
 * A setting must register as a school if it educates full time one pupil with an EHCP or who is looked after;
 * more than 18 hours a week is treated as likely full time. Warns, per unregistered provider, when this
 * pattern puts such a pupil there for more than 18 hours. Exactly 18 hours is not a warning.
 *
 * @example
 * const year9Pattern = standardPattern(9, "programmeManagementPartTime", { id: "riverside", name: "Riverside AP", registered: false });
 * unregisteredProviderWarnings(year9Pattern, { ehcp: true, lookedAfter: false })
 * // [{ providerId: "riverside", providerName: "Riverside AP", hoursPerWeek: 19.5, ... }]
 * unregisteredProviderWarnings(year9Pattern, { ehcp: false, lookedAfter: false }) // []
 */
export function unregisteredProviderWarnings(pattern: WeeklyPattern, pupil: { ehcp: boolean; lookedAfter: boolean }): UnregisteredProviderWarning[] {
  if (!pupil.ehcp && !pupil.lookedAfter) return [];
  const hours = new Map<string, { provider: Provider; hours: number }>();
  for (const d of weekdays) {
    const p = pattern[d].provider;
    if (pattern[d].location !== "alternativeProvision" || !p || p.registered) continue;
    const entry = hours.get(p.id) ?? { provider: p, hours: 0 };
    entry.hours += pattern[d].hours;
    hours.set(p.id, entry);
  }
  return [...hours.values()]
    .filter((e) => e.hours > 18)
    .map((e) => ({
      providerId: e.provider.id,
      providerName: e.provider.name,
      hoursPerWeek: e.hours,
      message: `${e.provider.name} is not a registered school, and this pattern places a pupil with an EHCP or in care there for ${e.hours} hours a week: more than 18 hours is likely to count as full-time education, which an unregistered setting may not provide to such a pupil. Reduce the hours or use a registered provider.`,
    }));
}
