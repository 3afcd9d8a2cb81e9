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

/** The year bands whose usual patterns differ (the offer: Years 7–8, Year 9, Key Stage 4). */
export const patternBands = ["years7to8", "year9", "keyStage4"] as const;
export type PatternBand = (typeof patternBands)[number];

/** Core Group's decision on the programme's time off site: part-time or full-time Programme Management. */
export type ProgrammeTime = "partTime" | "fullTime";

/** Where the pupil is each weekday, Monday to Friday: a pattern before its AP days are given their provider. */
const dayPlanSchema = z.tuple([placementLocationSchema, placementLocationSchema, placementLocationSchema, placementLocationSchema, placementLocationSchema]);

/**
 * The usual patterns as data: for each year band, part-time and full-time, where the pupil is each weekday. A
 * partnership can override the table (a setting holding this JSON); `patternTableProblems` checks an override.
 */
export const patternTableSchema = z.strictObject({
  years7to8: z.strictObject({ partTime: dayPlanSchema, fullTime: dayPlanSchema }),
  year9: z.strictObject({ partTime: dayPlanSchema, fullTime: dayPlanSchema }),
  keyStage4: z.strictObject({ partTime: dayPlanSchema, fullTime: dayPlanSchema }),
});
export type PatternTable = z.infer<typeof patternTableSchema>;

/**
 * The offer's patterns (docs/domain.md, Placements): Years 7–8 one day at the partnership centre, two at AP and two back at the home
 * school; Year 9 two centre days and three AP days; Key Stage 4 full-time five days off site (two centre, three
 * AP). Part-time has fewer days off site: Years 7–8 one centre and one AP day; Year 9 and Key Stage 4 one centre and
 * two AP days, with the other days at the home school.
 */
export const defaultPatternTable: PatternTable = {
  years7to8: {
    fullTime: ["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"],
    partTime: ["centre", "alternativeProvision", "homeSchool", "homeSchool", "homeSchool"],
  },
  year9: {
    fullTime: ["centre", "alternativeProvision", "centre", "alternativeProvision", "alternativeProvision"],
    partTime: ["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"],
  },
  keyStage4: {
    fullTime: ["centre", "alternativeProvision", "centre", "alternativeProvision", "alternativeProvision"],
    partTime: ["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"],
  },
};

/**
 * The year band of a year group.
 *
 * @example
 * patternBandOf(8)  // "years7to8"
 * patternBandOf(10) // "keyStage4"
 */
export function patternBandOf(yearGroup: number): PatternBand {
  return yearGroup <= 8 ? "years7to8" : yearGroup === 9 ? "year9" : "keyStage4";
}

/**
 * Part-time or full-time, from Core Group's decision (anything else is not a Programme Management placement).
 *
 * @example
 * programmeTimeOf("programmeManagementFullTime") // "fullTime"
 */
export function programmeTimeOf(outcome: CoreGroupOutcome): ProgrammeTime {
  if (outcome === "programmeManagementFullTime") return "fullTime";
  if (outcome === "programmeManagementPartTime") return "partTime";
  throw new RangeError(`${outcome} is not a Programme Management decision`);
}

/**
 * Problems with a partnership's own pattern table (an override setting), in words: each pattern must have a setting
 * for each of the five weekdays, and a part-time pattern fewer days off site than the full-time one for its years.
 *
 * @example
 * // (illustrative)
 * patternTableProblems({ ...defaultPatternTable, year9: { fullTime: [...], partTime: [five AP days] } })
 * // ["Year 9: the part-time pattern must have fewer days off site than the full-time one (5, not fewer than 5)."]
 */
export function patternTableProblems(input: unknown): string[] {
  const parsed = patternTableSchema.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(" ")}: ${i.message}`);
  const bandName: Record<PatternBand, string> = { years7to8: "Years 7–8", year9: "Year 9", keyStage4: "Key Stage 4" };
  const offSite = (plan: readonly PlacementLocation[]) => plan.filter((l) => l === "centre" || l === "alternativeProvision").length;
  return patternBands
    .filter((b) => offSite(parsed.data[b].partTime) >= offSite(parsed.data[b].fullTime))
    .map((b) => `${bandName[b]}: the part-time pattern must have fewer days off site than the full-time one (${offSite(parsed.data[b].partTime)}, not fewer than ${offSite(parsed.data[b].fullTime)}).`);
}

/**
 * The usual weekly pattern for a placement, from Core Group's decision (part-time or full-time) and the pupil's year
 * group, in the partnership's table (the offer's by default): a starting point the Coordinator then edits to a best
 * fit. The AP days name the provider given (or the providers, in turn); every day off site is a full day.
 *
 * @example
 * // (illustrative)
 * standardPattern(9, "programmeManagementPartTime", ap) // centre, AP, home school, AP, home school: 3 days off site
 * standardPattern(9, "programmeManagementFullTime", ap) // centre, AP, centre, AP, AP: 5 days off site
 */
export function standardPattern(yearGroup: number, outcome: CoreGroupOutcome, ap: Provider | readonly Provider[], table: PatternTable = defaultPatternTable): WeeklyPattern {
  const plan = table[patternBandOf(yearGroup)][programmeTimeOf(outcome)];
  const providers = Array.isArray(ap) ? (ap as readonly Provider[]) : [ap as Provider];
  if (providers.length === 0) throw new RangeError("A placement's AP days need a provider");
  let apDays = 0;
  const days = plan.map((location) => (location === "alternativeProvision" ? day(location, FULL_DAY_HOURS, providers[apDays++ % providers.length]) : day(location)));
  return { monday: days[0]!, tuesday: days[1]!, wednesday: days[2]!, thursday: days[3]!, friday: days[4]! };
}

/**
 * Where the pattern expects the pupil on a weekday.
 *
 * @example
 * // (illustrative)
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
 * // (illustrative)
 * unregisteredProviderWarnings(year9Pattern, { ehcp: true, lookedAfter: false })
 * // [{ providerName: "Riverside AP", hoursPerWeek: 19.5, message: "…more than 18 hours a week…" }]
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

/** One provider of a placement and the hours a week the pupil spends there. */
export interface ProviderHours {
  provider: Provider;
  hoursPerWeek: number;
}

/**
 * The providers a placement names and the hours a week at each (its alternative provision days), in the order the
 * week first meets them.
 *
 * @example
 * // (illustrative)
 * providerHours(year9FullTime) // [{ provider: { id: "riverside", name: "Riverside AP", registered: false }, hoursPerWeek: 19.5 }]
 */
export function providerHours(pattern: WeeklyPattern): ProviderHours[] {
  const hours = new Map<string, ProviderHours>();
  for (const d of weekdays) {
    const p = pattern[d].provider;
    if (pattern[d].location !== "alternativeProvision" || !p) continue;
    const entry = hours.get(p.id) ?? { provider: p, hoursPerWeek: 0 };
    entry.hoursPerWeek += pattern[d].hours;
    hours.set(p.id, entry);
  }
  return [...hours.values()];
}
