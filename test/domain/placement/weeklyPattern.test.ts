import { describe, expect, it } from "vitest";
import { daysOffSite, expectedLocationOn, standardPattern, unregisteredProviderWarnings, weekdays, weeklyPatternSchema, type WeeklyPattern } from "../../../src/domain/placement";

const riverside = { id: "ap-1", name: "Riverside AP", registered: false };
const registered = { id: "ap-2", name: "Hillview School", registered: true };
const count = (p: WeeklyPattern, location: string) => weekdays.filter((d) => p[d].location === location).length;

describe("standardPattern", () => {
  it("Years 7–8: one centre day, two AP days, two home-school days", () => {
    const p = standardPattern(7, "programmeManagementPartTime", riverside);
    expect([count(p, "centre"), count(p, "alternativeProvision"), count(p, "homeSchool")]).toEqual([1, 2, 2]);
  });
  it("Year 9: two centre days and three AP days", () => {
    const p = standardPattern(9, "programmeManagementPartTime", riverside);
    expect([count(p, "centre"), count(p, "alternativeProvision"), count(p, "homeSchool")]).toEqual([2, 3, 0]);
  });
  it("KS4 full time is five days off site; part time three", () => {
    expect(daysOffSite(standardPattern(10, "programmeManagementFullTime", riverside))).toBe(5);
    expect(daysOffSite(standardPattern(11, "programmeManagementPartTime", riverside))).toBe(3);
  });
  it("tells where the pupil is expected on a weekday", () => {
    expect(expectedLocationOn(standardPattern(8, "programmeManagementPartTime", riverside), "wednesday")).toBe("homeSchool");
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
  const year9 = standardPattern(9, "programmeManagementPartTime", riverside);
  it("warns for a pupil with an EHCP or in care at one unregistered provider for more than 18 hours", () => {
    expect(unregisteredProviderWarnings(year9, { ehcp: true, lookedAfter: false })).toEqual([
      expect.objectContaining({ providerName: "Riverside AP", hoursPerWeek: 19.5 }),
    ]);
    expect(unregisteredProviderWarnings(year9, { ehcp: false, lookedAfter: true })).toHaveLength(1);
  });
  it("does not warn at exactly 18 hours, for a registered provider, or for other pupils", () => {
    const eighteen: WeeklyPattern = { ...year9, tuesday: { ...year9.tuesday, hours: 6 }, thursday: { ...year9.thursday, hours: 6 }, friday: { ...year9.friday, hours: 6 } };
    expect(unregisteredProviderWarnings(eighteen, { ehcp: true, lookedAfter: false })).toEqual([]);
    expect(unregisteredProviderWarnings(standardPattern(9, "programmeManagementPartTime", registered), { ehcp: true, lookedAfter: true })).toEqual([]);
    expect(unregisteredProviderWarnings(year9, { ehcp: false, lookedAfter: false })).toEqual([]);
  });
});
