import { describe, expect, it } from "vitest";
import {
  daysOffSite,
  defaultPatternTable,
  expectedLocationOn,
  patternEditProblems,
  patternTableProblems,
  providerHours,
  standardPattern,
  unregisteredProviderWarnings,
  weekdays,
  weeklyPatternSchema,
  type PatternTable,
  type WeeklyPattern,
} from "../../../src/domain/placement";

const riverside = { id: "ap-1", name: "Riverside AP", registered: false };
const registered = { id: "ap-2", name: "Hillview School", registered: true };
const count = (p: WeeklyPattern, location: string) => weekdays.filter((d) => p[d].location === location).length;

const where = (p: WeeklyPattern) => weekdays.map((d) => p[d].location);

describe("standardPattern: placements follow the decision", () => {
  it("Years 7–8 full-time is the offer's: one centre day, two AP days, two home-school days; part-time has fewer days off site", () => {
    const p = standardPattern(7, "programmeManagementFullTime", riverside);
    expect([count(p, "centre"), count(p, "alternativeProvision"), count(p, "homeSchool")]).toEqual([1, 2, 2]);
    expect(daysOffSite(standardPattern(8, "programmeManagementPartTime", riverside))).toBe(2);
  });
  it("Year 9 full-time is the offer's two centre days and three AP days; a part-time Year 9 pupil is off site three days, not five", () => {
    const p = standardPattern(9, "programmeManagementFullTime", riverside);
    expect([count(p, "centre"), count(p, "alternativeProvision"), count(p, "homeSchool")]).toEqual([2, 3, 0]);
    expect(where(standardPattern(9, "programmeManagementPartTime", riverside))).toEqual(["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"]);
  });
  it("KS4 full time is five days off site; part time three", () => {
    expect(daysOffSite(standardPattern(10, "programmeManagementFullTime", riverside))).toBe(5);
    expect(daysOffSite(standardPattern(11, "programmeManagementPartTime", riverside))).toBe(3);
  });
  it("has part-time fewer days off site than full-time in every year band", () => {
    expect(patternTableProblems(defaultPatternTable)).toEqual([]);
    for (const year of [7, 8, 9, 10, 11]) expect(daysOffSite(standardPattern(year, "programmeManagementPartTime", riverside))).toBeLessThan(daysOffSite(standardPattern(year, "programmeManagementFullTime", riverside)));
  });
  it("takes a partnership's own table, and refuses one whose part-time is not fewer days off site", () => {
    const own: PatternTable = { ...defaultPatternTable, year9: { ...defaultPatternTable.year9, partTime: ["alternativeProvision", "alternativeProvision", "homeSchool", "homeSchool", "homeSchool"] } };
    expect(where(standardPattern(9, "programmeManagementPartTime", riverside, own))).toEqual(["alternativeProvision", "alternativeProvision", "homeSchool", "homeSchool", "homeSchool"]);
    const bad = { ...defaultPatternTable, keyStage4: { fullTime: defaultPatternTable.keyStage4.fullTime, partTime: defaultPatternTable.keyStage4.fullTime } };
    expect(patternTableProblems(bad)).toEqual(["Key Stage 4: the part-time pattern must have fewer days off site than the full-time one (5, not fewer than 5)."]);
    expect(patternTableProblems({ year9: {} })[0]).toMatch(/years7to8/);
  });
  it("shares the AP days among the providers given, in turn", () => {
    const p = standardPattern(9, "programmeManagementFullTime", [riverside, registered]);
    expect([p.tuesday.provider?.id, p.thursday.provider?.id, p.friday.provider?.id]).toEqual(["ap-1", "ap-2", "ap-1"]);
    expect(providerHours(p)).toEqual([{ provider: riverside, hoursPerWeek: 13 }, { provider: registered, hoursPerWeek: 6.5 }]);
  });
  it("is only for a Programme Management decision", () => {
    expect(() => standardPattern(9, "inSchoolSupport", riverside)).toThrow(RangeError);
  });
  it("tells where the pupil is expected on a weekday", () => {
    expect(expectedLocationOn(standardPattern(8, "programmeManagementPartTime", riverside), "wednesday")).toBe("homeSchool");
  });
});

describe("the Coordinator's best-fit edit", () => {
  const year9 = standardPattern(9, "programmeManagementPartTime", riverside);
  const edit = (p: unknown, outcome?: "programmeManagementPartTime" | "programmeManagementFullTime") => patternEditProblems(typeof p === "string" ? p : JSON.stringify(p), outcome);
  const problems = (r: ReturnType<typeof edit>) => (r.ok ? [] : r.problems);

  it("accepts a best fit that keeps to the rules", () => {
    const fit = { ...year9, wednesday: { location: "centre", hours: 5 } };
    expect(edit(fit, "programmeManagementPartTime")).toEqual({ ok: true, pattern: fit });
  });
  it("says which day has no setting, and which AP day no provider", () => {
    const { tuesday: _t, ...noTuesday } = year9;
    expect(problems(edit(noTuesday))).toEqual(["Tuesday has no setting: say where the pupil is (Partnership centre, Alternative provision, Home school, Not timetabled)."]);
    expect(problems(edit({ ...year9, thursday: { location: "alternativeProvision", hours: 6.5 } }))).toEqual(["Thursday is at alternative provision but names no provider: choose one from the Providers list."]);
    expect(problems(edit({ ...year9, monday: { location: "gym", hours: 6.5 } }))).toEqual(["Monday has no setting: say where the pupil is (Partnership centre, Alternative provision, Home school, Not timetabled)."]);
  });
  it("keeps the week to five school days, each day's hours to 8", () => {
    expect(problems(edit({ ...year9, saturday: { location: "centre", hours: 3 } }))).toEqual(["A week has five school days; this pattern has 6.", '"saturday" is not a school day: a pattern has Monday to Friday only.']);
    expect(problems(edit({ ...year9, monday: { location: "centre", hours: 9 } }))).toEqual(["Monday has 9 hours: a placement day has 0 to 8."]);
    expect(problems(edit({ ...year9, monday: { location: "centre" } }))).toEqual(["Monday at Partnership centre needs its hours (more than 0, at most 8)."]);
  });
  it("keeps a part-time programme part-time: off site every day is Core Group's full-time decision", () => {
    const everyDay = standardPattern(9, "programmeManagementFullTime", riverside);
    expect(problems(edit(everyDay, "programmeManagementPartTime"))).toEqual([
      "A part-time programme has fewer than five days off site; this pattern has the pupil off site every day. Give the home school at least one day, or ask Core Group to decide full-time.",
    ]);
    expect(edit(everyDay, "programmeManagementFullTime").ok).toBe(true);
  });
  it("says so when the column is not a pattern at all", () => {
    expect(problems(edit("{monday: centre"))).toEqual(["The weekly pattern cannot be read: it must be the pattern as the app wrote it (JSON), Monday to Friday."]);
    expect(problems(edit("[1,2]"))).toEqual(["The weekly pattern must give each school day, Monday to Friday, its setting."]);
  });
});

describe("weeklyPatternSchema", () => {
  it("needs a provider for every AP day and at most 8 hours a day", () => {
    const p = standardPattern(9, "programmeManagementPartTime", riverside);
    expect(weeklyPatternSchema.safeParse(p).success).toBe(true);
    expect(weeklyPatternSchema.safeParse({ ...p, tuesday: { location: "alternativeProvision", hours: 6 } }).success).toBe(false);
    expect(weeklyPatternSchema.safeParse({ ...p, monday: { location: "centre", hours: 9 } }).success).toBe(false);
  });
});

describe("unregisteredProviderWarnings", () => {
  const year9 = standardPattern(9, "programmeManagementFullTime", riverside);
  it("warns for a pupil with an EHCP or in care at one unregistered provider for more than 18 hours", () => {
    expect(unregisteredProviderWarnings(year9, { ehcp: true, lookedAfter: false })).toEqual([
      expect.objectContaining({ providerName: "Riverside AP", hoursPerWeek: 19.5 }),
    ]);
    expect(unregisteredProviderWarnings(year9, { ehcp: false, lookedAfter: true })).toHaveLength(1);
  });
  it("does not warn at exactly 18 hours, for a registered provider, or for other pupils", () => {
    const eighteen: WeeklyPattern = { ...year9, tuesday: { ...year9.tuesday, hours: 6 }, thursday: { ...year9.thursday, hours: 6 }, friday: { ...year9.friday, hours: 6 } };
    expect(unregisteredProviderWarnings(eighteen, { ehcp: true, lookedAfter: false })).toEqual([]);
    expect(unregisteredProviderWarnings(standardPattern(9, "programmeManagementFullTime", registered), { ehcp: true, lookedAfter: true })).toEqual([]);
    expect(unregisteredProviderWarnings(year9, { ehcp: false, lookedAfter: false })).toEqual([]);
  });
});
