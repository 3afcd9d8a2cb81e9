import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
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

  it("parse AP_PROVIDER_REGISTERED as a boolean", () => {
    expect(loadSettings({ ...example, AP_PROVIDER_REGISTERED: "true" }).AP_PROVIDER_REGISTERED).toBe(true);
    expect(loadSettings({ ...example, AP_PROVIDER_REGISTERED: "false" }).AP_PROVIDER_REGISTERED).toBe(false);
    expect(loadSettings({ ...example, AP_PROVIDER_REGISTERED: undefined }).AP_PROVIDER_REGISTERED).toBe(false);
    expect(problemsOf({ ...example, AP_PROVIDER_REGISTERED: "yes" }).map((p) => p.setting)).toEqual(["AP_PROVIDER_REGISTERED"]);
  });
});
