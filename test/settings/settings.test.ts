import { describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../../src/settings/settings";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const example = JSON.parse(readFileSync(join(__dirname, "../../local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};

function problemsOf(env: Record<string, string | undefined>): { setting: string; expected: string }[] {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a SettingsError");
}

describe("loadSettings", () => {
  it("accepts the example local settings and applies the documented defaults", () => {
    const s = loadSettings(example.Values);
    expect(s.PARTNERSHIP_CODE).toBe("LNCIP");
    expect(s.placesPerKeyStage).toEqual({ KS3: 9, KS4: 26 });
    expect(s.CORE_GROUP_QUORUM).toBe(3);
    expect(s.ATTENDANCE_DIGEST_TIME).toBe("16:30");
  });

  it("parses numbers from the strings app settings are", () => {
    const s = loadSettings({ ...example.Values, PLACES_KS3: "12", PLACES_KS4: " 30 " });
    expect(s.placesPerKeyStage).toEqual({ KS3: 12, KS4: 30 });
  });

  it("names a missing setting and what it expects", () => {
    const { PARTNERSHIP_MAILBOX: _omitted, ...rest } = example.Values;
    expect(problemsOf(rest)).toEqual([
      { setting: "PARTNERSHIP_MAILBOX", expected: expect.stringMatching(/^missing: expected the partnership's shared mailbox/) },
    ]);
  });

  it("refuses a setting the app no longer reads, naming what took its place, alongside any bad one", () => {
    const problems = problemsOf({ ...example.Values, PLACE_RATE_KS3_PENCE_PER_YEAR: "1900000", AP_PROVIDER_NAME: "Oakfield AP", PLACES_KS4: "many" });
    expect(problems.map((p) => p.setting)).toEqual(["PLACES_KS4", "PLACE_RATE_KS3_PENCE_PER_YEAR", "AP_PROVIDER_NAME"]);
    expect(problems[1]?.expected).toMatch(/^no longer read: .*set AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR/);
    expect(problems[2]?.expected).toContain("Providers list");
  });

  it("takes a removed setting left blank as absent (a blank app setting is not a value)", () => {
    expect(loadSettings({ ...example.Values, PLACE_RATE_KS4_PENCE_PER_YEAR: " " }).chargeRates.averagePupilCostPencePerYear.KS4).toBeGreaterThan(0);
  });

  it("treats a blank setting as missing", () => {
    expect(problemsOf({ ...example.Values, AZURE_TENANT_ID: "  " })[0]?.setting).toBe("AZURE_TENANT_ID");
  });

  it("lists every invalid setting at once, with the message an administrator can act on", () => {
    const problems = problemsOf({
      ...example.Values,
      PLACES_KS3: "nine",
      PARTNERSHIP_CODE: "lncip",
      NOTIFICATION_CLIENT_STATE: "short",
      REVIEW_LOCAL_TIME: "3pm",
      SHAREPOINT_SITE: "https://contoso.sharepoint.com/sites/lncip",
    });
    expect(problems.map((p) => p.setting).sort()).toEqual(
      ["NOTIFICATION_CLIENT_STATE", "PARTNERSHIP_CODE", "PLACES_KS3", "REVIEW_LOCAL_TIME", "SHAREPOINT_SITE"].sort(),
    );
    const ks3 = problems.find((p) => p.setting === "PLACES_KS3");
    expect(ks3?.expected).toContain("a whole number from 0 to 500");
    const err = (() => {
      try {
        loadSettings({ ...example.Values, PLACES_KS3: "nine" });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toMatch(/PLACES_KS3: expected the number of KS3 places/);
  });

  it("rejects a client state longer than Graph allows", () => {
    expect(problemsOf({ ...example.Values, NOTIFICATION_CLIENT_STATE: "x".repeat(129) })[0]?.expected).toMatch(/at most 128/);
  });
});
