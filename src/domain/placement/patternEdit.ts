import type { CoreGroupOutcome } from "../case/outcomes";
import { placementLocationLabels, placementLocations, type PlacementLocation } from "./attendanceBasis";
import { daysOffSite, providerSchema, weekdays, weeklyPatternSchema, type Weekday, type WeeklyPattern } from "./weeklyPattern";

const dayName: Record<Weekday, string> = { monday: "Monday", tuesday: "Tuesday", wednesday: "Wednesday", thursday: "Thursday", friday: "Friday" };
const settings = placementLocations.map((l) => placementLocationLabels[l]).join(", ");
const MAX_DAY_HOURS = 8;

/**
 * Checks the Coordinator's best-fit edit of a placement's weekly pattern (the Pattern column, JSON) and says every
 * problem in words: the week has at most five school days, Monday to Friday, each with a setting (where the pupil
 * is); a day off site has its hours (at most 8) and an alternative provision day its provider; a part-time
 * programme has fewer than five days off site (off site every day is full-time: Core Group's decision to change).
 *
 * @example
 * // (illustrative)
 * patternEditProblems('{"monday":{"location":"centre","hours":6.5}, …}', "programmeManagementPartTime")
 * // { ok: false, problems: ["Tuesday has no setting: say where the pupil is (Partnership centre, …)."] }
 */
export function patternEditProblems(input: unknown, outcome?: CoreGroupOutcome): { ok: true; pattern: WeeklyPattern } | { ok: false; problems: string[] } {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, problems: ["The weekly pattern cannot be read: it must be the pattern as the app wrote it (JSON), Monday to Friday."] };
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problems: ["The weekly pattern must give each school day, Monday to Friday, its setting."] };
  }
  const given = value as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(given).filter((k) => !(weekdays as readonly string[]).includes(k.toLowerCase()));
  if (Object.keys(given).length > 5) problems.push(`A week has five school days; this pattern has ${Object.keys(given).length}.`);
  for (const k of extra) problems.push(`"${k}" is not a school day: a pattern has Monday to Friday only.`);

  for (const d of weekdays) {
    const raw = given[d];
    const name = dayName[d];
    if (raw === undefined || raw === null || typeof raw !== "object") {
      problems.push(`${name} has no setting: say where the pupil is (${settings}).`);
      continue;
    }
    const day = raw as Record<string, unknown>;
    const location = day.location as PlacementLocation;
    if (!placementLocations.includes(location)) {
      problems.push(`${name} has no setting: say where the pupil is (${settings}).`);
      continue;
    }
    const offSite = location === "centre" || location === "alternativeProvision";
    const hours = day.hours;
    if (offSite && (typeof hours !== "number" || !Number.isFinite(hours) || hours <= 0)) problems.push(`${name} at ${placementLocationLabels[location]} needs its hours (more than 0, at most ${MAX_DAY_HOURS}).`);
    else if (typeof hours === "number" && (hours < 0 || hours > MAX_DAY_HOURS)) problems.push(`${name} has ${hours} hours: a placement day has 0 to ${MAX_DAY_HOURS}.`);
    if (location === "alternativeProvision" && !providerSchema.safeParse(day.provider).success) problems.push(`${name} is at alternative provision but names no provider: choose one from the Providers list.`);
  }
  if (problems.length) return { ok: false, problems };

  const parsed = weeklyPatternSchema.safeParse(Object.fromEntries(weekdays.map((d) => [d, given[d]])));
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${dayName[i.path[0] as Weekday] ?? i.path.join(" ")}: ${i.message}`) };
  if (outcome === "programmeManagementPartTime" && daysOffSite(parsed.data) >= 5) {
    return { ok: false, problems: ["A part-time programme has fewer than five days off site; this pattern has the pupil off site every day. Give the home school at least one day, or ask Core Group to decide full-time."] };
  }
  return { ok: true, pattern: parsed.data };
}
