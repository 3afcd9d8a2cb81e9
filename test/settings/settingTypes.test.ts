import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultPatternTable } from "../../src/domain/placement";
import { loadSettings, SettingsError } from "../../src/settings/settings";

const example = (JSON.parse(readFileSync(join(__dirname, "../../local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;

function problemsOf(env: Record<string, string | undefined>): { setting: string; expected: string }[] {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a SettingsError");
}

describe("settings that are a choice or a yes/no", () => {
  it("parse PARTNERSHIP_CALENDAR as one of the shipped calendars, refusing any other at start-up", () => {
    expect(loadSettings({ ...example, PARTNERSHIP_CALENDAR: " leicestershire " }).PARTNERSHIP_CALENDAR).toBe("leicestershire");
    expect(loadSettings({ ...example, PARTNERSHIP_CALENDAR: undefined }).PARTNERSHIP_CALENDAR).toBe("leicestershire");
    expect(problemsOf({ ...example, PARTNERSHIP_CALENDAR: "rutland" })).toEqual([{ setting: "PARTNERSHIP_CALENDAR", expected: "expected the partnership's calendar: one of leicestershire" }]);
  });

  it("parse PLACEMENT_PATTERNS as the partnership's pattern table, refusing one whose part-time has as many days off site as full-time", () => {
    expect(loadSettings({ ...example, PLACEMENT_PATTERNS: undefined }).PLACEMENT_PATTERNS).toBeUndefined();
    const own = { ...defaultPatternTable, years7to8: { ...defaultPatternTable.years7to8, partTime: ["centre", "homeSchool", "homeSchool", "homeSchool", "homeSchool"] } };
    expect(loadSettings({ ...example, PLACEMENT_PATTERNS: JSON.stringify(own) }).PLACEMENT_PATTERNS?.years7to8.partTime).toEqual(["centre", "homeSchool", "homeSchool", "homeSchool", "homeSchool"]);
    const same = { ...defaultPatternTable, year9: { ...defaultPatternTable.year9, partTime: defaultPatternTable.year9.fullTime } };
    expect(problemsOf({ ...example, PLACEMENT_PATTERNS: JSON.stringify(same) })).toEqual([{ setting: "PLACEMENT_PATTERNS", expected: expect.stringContaining("Year 9: the part-time pattern must have fewer days off site than the full-time one") }]);
    expect(problemsOf({ ...example, PLACEMENT_PATTERNS: "{not json" }).map((p) => p.setting)).toEqual(["PLACEMENT_PATTERNS"]);
  });

  it("parse the charge rates as whole pence a year, defaulting to the published figures", () => {
    expect(loadSettings({ ...example, AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR: undefined, AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: undefined, PUPIL_PREMIUM_PENCE_PER_YEAR: undefined }).chargeRates).toEqual({ averagePupilCostPencePerYear: { KS3: 677_100, KS4: 677_100 }, pupilPremiumPencePerYear: 107_500 });
    expect(loadSettings({ ...example, AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: "720000" }).chargeRates.averagePupilCostPencePerYear.KS4).toBe(720_000);
    expect(problemsOf({ ...example, PUPIL_PREMIUM_PENCE_PER_YEAR: "£1,075" }).map((p) => p.setting)).toEqual(["PUPIL_PREMIUM_PENCE_PER_YEAR"]);
  });
});
