import type { ProvidersRow } from "../lists/lists";
import type { Day } from "../calendar/schoolCalendar";
import { providerHours, weekdays, type Provider, type WeeklyPattern } from "./weeklyPattern";
import { isoWeekday } from "../calendar";

/**
 * More than 18 hours a week at one setting is treated as likely full-time education ("full-time" is undefined in
 * law); exactly 18 is not.
 */
export const FULL_TIME_HOURS_LINE = 18;
/** A setting that educates this many pupils full time (or one with an EHCP or looked after) must register as a school. */
export const UNREGISTERED_PUPIL_LIMIT = 5;

/**
 * A provider as a placement's pattern names it, from its row in the Providers list.
 *
 * @example
 * providerFromRow({ Name: "Riverside AP", ProviderId: "riverside", RegisteredSchool: false, ContactEmail: "office@riverside.example" })
 * // { id: "riverside", name: "Riverside AP", registered: false, email: "office@riverside.example" }
 */
export function providerFromRow(row: ProvidersRow): Provider {
  return { id: row.ProviderId, name: row.Name, registered: row.RegisteredSchool, ...(row.ContactEmail ? { email: row.ContactEmail } : {}) };
}

/**
 * Problems with a Providers row the schema cannot see: a provider is identified by its URN (a registered school)
 * or its UKPRN, and a registered school has a URN.
 *
 * @example
 * providerRowProblems({ Name: "Riverside AP", ProviderId: "riverside", RegisteredSchool: false }) // ["Riverside AP needs its URN or UKPRN."]
 */
export function providerRowProblems(row: ProvidersRow): string[] {
  const problems: string[] = [];
  if (!row.Urn && !row.Ukprn) problems.push(`${row.Name} needs its URN or UKPRN.`);
  if (row.RegisteredSchool && !row.Urn) problems.push(`${row.Name} is marked as a registered school but has no URN: check it on Get Information about Schools.`);
  return problems;
}

/** A placement running (or being set up) that the unregistered-school rule must count. No identity: EHCP and care only. */
export interface PlacementAtProviders {
  caseRef: string;
  pattern: WeeklyPattern;
  ehcp: boolean;
  lookedAfter: boolean;
}

/**
 * Why starting a placement would break the unregistered-school rule, in words; empty when it may start. A setting that
 * is not a registered school may not educate full time (more than 18 hours a week) 5 or more pupils, or one pupil
 * with an EHCP or who is looked after. Both limbs are checked at each unregistered provider the new placement gives
 * the pupil more than 18 hours at: the pupil's own EHCP or care, and the partnership's pupils already there for more
 * than 18 hours. The Providers list decides who is registered when given (a pattern keeps the flag it was made with).
 *
 * @example
 * // (illustrative)
 * unregisteredProviderProblems({ caseRef: "LNCIP-2026-0042", pattern: year9FullTime, ehcp: false, lookedAfter: false }, fourOthersFullTimeThere)
 * // ["Riverside AP is not a registered school: starting LNCIP-2026-0042 would make it educate 5 of the partnership's pupils for more than 18 hours a week …"]
 */
export function unregisteredProviderProblems(start: PlacementAtProviders, running: readonly PlacementAtProviders[], providers: readonly Provider[] = []): string[] {
  const registered = new Map(providers.map((p) => [p.id, p.registered]));
  const isRegistered = (p: Provider) => registered.get(p.id) ?? p.registered;
  const problems: string[] = [];
  for (const { provider, hoursPerWeek } of providerHours(start.pattern)) {
    if (isRegistered(provider) || hoursPerWeek <= FULL_TIME_HOURS_LINE) continue;
    const fix = `Reduce the pupil's hours there to ${FULL_TIME_HOURS_LINE} or fewer, or use a registered provider.`;
    if (start.ehcp || start.lookedAfter) {
      problems.push(
        `${provider.name} is not a registered school, and ${start.caseRef}'s pupil ${start.ehcp ? "has an EHCP" : "is looked after"}: ${hoursPerWeek} hours a week there is likely full-time education, which a setting may give even one such pupil only if it is registered as a school. ${fix}`,
      );
    }
    const others = new Set(
      running.filter((r) => r.caseRef !== start.caseRef && providerHours(r.pattern).some((h) => h.provider.id === provider.id && h.hoursPerWeek > FULL_TIME_HOURS_LINE)).map((r) => r.caseRef),
    );
    if (others.size + 1 >= UNREGISTERED_PUPIL_LIMIT) {
      problems.push(
        `${provider.name} is not a registered school: starting ${start.caseRef} would make it educate ${others.size + 1} of the partnership's pupils for more than ${FULL_TIME_HOURS_LINE} hours a week, and a setting that educates ${UNREGISTERED_PUPIL_LIMIT} or more pupils full time must be registered as a school. ${fix}`,
      );
    }
  }
  return problems;
}

/**
 * Whether the unregistered-school rule has anything to judge in a new placement: it gives the pupil more than 18 hours
 * a week at some provider. When it does not, `unregisteredProviderProblems` finds nothing whoever is registered and
 * whatever runs elsewhere, so neither need be read.
 *
 * @example
 * // (illustrative)
 * unregisteredRuleApplies(year9PartTime) // false: 2 AP days of 6.5 hours
 */
export function unregisteredRuleApplies(pattern: WeeklyPattern): boolean {
  return providerHours(pattern).some((h) => h.hoursPerWeek > FULL_TIME_HOURS_LINE);
}

/** Something about a provider the Coordinator must look at. */
export interface ProviderFlag {
  kind: "qualityAssuranceVisit" | "safeguardingConfirmation";
  message: string;
}

/**
 * The provider's checks that are due: a quality-assurance visit, or written confirmation of its safeguarding
 * checks, never recorded or older than a year (a year to the day is still current).
 *
 * @example
 * // (illustrative)
 * providerFlags({ Name: "Riverside AP", LastQaVisit: "2025-11-01", SafeguardingConfirmedOn: "2026-09-01", ... }, "2026-11-23")
 * // [{ kind: "qualityAssuranceVisit", message: "Riverside AP: the last quality-assurance visit was on 2025-11-01, more than a year ago. …" }]
 */
export function providerFlags(row: Pick<ProvidersRow, "Name" | "LastQaVisit" | "SafeguardingConfirmedOn">, today: Day): ProviderFlag[] {
  const yearAgo = oneYearBefore(today);
  const flags: ProviderFlag[] = [];
  if (!row.LastQaVisit) flags.push({ kind: "qualityAssuranceVisit", message: `${row.Name}: no quality-assurance visit is recorded. Please visit and record the date.` });
  else if (row.LastQaVisit < yearAgo) flags.push({ kind: "qualityAssuranceVisit", message: `${row.Name}: the last quality-assurance visit was on ${row.LastQaVisit}, more than a year ago. Please visit again and record the date.` });
  if (!row.SafeguardingConfirmedOn) flags.push({ kind: "safeguardingConfirmation", message: `${row.Name}: no written confirmation of its safeguarding checks is recorded. Please ask the provider for it.` });
  else if (row.SafeguardingConfirmedOn < yearAgo) {
    flags.push({ kind: "safeguardingConfirmation", message: `${row.Name}: its safeguarding checks were last confirmed on ${row.SafeguardingConfirmedOn}, more than a year ago. Please ask the provider to confirm them again in writing.` });
  }
  return flags;
}

/**
 * A placement's providers and hours a week at each, as its Placements row shows them.
 *
 * @example
 * // (illustrative)
 * providerHoursText(pattern) // "Riverside AP (riverside): 13; Hillview School (hillview): 6.5"
 */
export function providerHoursText(pattern: WeeklyPattern): string {
  return providerHours(pattern).map((h) => `${h.provider.name} (${h.provider.id}): ${h.hoursPerWeek}`).join("; ");
}

/** The same day a year before (29 February → 28 February). */
function oneYearBefore(day: Day): Day {
  const y = Number(day.slice(0, 4)) - 1;
  const md = day.slice(5) === "02-29" ? "02-28" : day.slice(5);
  return `${String(y).padStart(4, "0")}-${md}`;
}

/** The provider id a key for the partnership's own centre carries: its staff mark the centre days. */
export const CENTRE_PROVIDER_ID = "centre";

/**
 * Who teaches a placement's pupil, by provider id: each alternative provider its pattern names, and the partnership's
 * centre (`CENTRE_PROVIDER_ID`) when it has a centre day. A provider may record marks only for the pupils whose
 * placement names it.
 *
 * @example
 * // (illustrative)
 * placementProviderIds(ks3Pattern) // Set { "centre", "riverside-ap" }
 */
export function placementProviderIds(pattern: WeeklyPattern): Set<string> {
  const ids = new Set<string>();
  for (const day of Object.values(pattern)) {
    if (day.location === "centre") ids.add(CENTRE_PROVIDER_ID);
    if (day.location === "alternativeProvision" && day.provider) ids.add(day.provider.id);
  }
  return ids;
}

/**
 * The provider a new placement's alternative provision days go to: the first in the Providers list with whom the
 * placement could start (no problem under the unregistered-school rule, as `problemsWith` finds them), else the first
 * provider (the Coordinator is warned and chooses another); undefined when the list has none.
 *
 * @example
 * const riverside = { id: "riverside", name: "Riverside AP", registered: false };
 * const hillview = { id: "hillview", name: "Hillview School", registered: true };
 * providerForPlacement([riverside, hillview], (p) => (p.registered ? [] : ["over 18 hours"])).id // "hillview"
 * providerForPlacement([riverside, hillview], () => []).id // "riverside"
 * providerForPlacement([], () => []) // undefined
 */
export function providerForPlacement(providers: readonly Provider[], problemsWith: (provider: Provider) => readonly string[]): Provider | undefined {
  return providers.find((p) => problemsWith(p).length === 0) ?? providers[0];
}

/**
 * Who marks a placed pupil's sessions on a school day: the alternative provider the pattern has them with, the
 * partnership's centre, or — on a day at the home school or a weekend — whoever else teaches them that week (the
 * first the pattern names). Undefined when the pattern names no provider at all. A provider key marks only these.
 *
 * @example
 * // (illustrative)
 * providerMarkingOn(ks3Pattern, "2026-12-08") // "riverside-ap" (a Tuesday at Riverside)
 */
export function providerMarkingOn(pattern: WeeklyPattern, day: Day): string | undefined {
  const weekday = isoWeekday(day);
  const today = weekday <= 5 ? pattern[weekdays[weekday - 1]!] : undefined;
  if (today?.location === "alternativeProvision" && today.provider) return today.provider.id;
  if (today?.location === "centre") return CENTRE_PROVIDER_ID;
  return [...placementProviderIds(pattern)][0];
}
