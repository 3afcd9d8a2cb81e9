import { describe, expect, it } from "vitest";
import { fieldLeaves } from "../../../src/domain/fields/fieldLeaves";
import { fromListFields, placementsList, qualificationsList, reviewsList, toColumnDefinitions, toListFields } from "../../../src/domain/lists";

describe("the outcome columns and the Qualifications list", () => {
  it("adds the progress columns to the end of the Reviews row, as SharePoint choices and yes/no columns", () => {
    const columns = toColumnDefinitions(reviewsList);
    const names = columns.map((c) => c.name);
    expect(names.slice(-6)).toEqual(["EnglishProgress", "MathsProgress", "EnglishTuition", "MathsTuition", "PupilVoice", "HeldOn"]);
    expect(columns.find((c) => c.name === "EnglishProgress")?.choice?.choices).toEqual(["Below expected", "Expected", "Above expected", "Accelerated"]);
    expect(columns.find((c) => c.name === "MathsTuition")?.boolean).toEqual({});
    expect(columns.find((c) => c.name === "HeldOn")?.dateTime?.format).toBe("dateOnly");
  });

  it("marks the pupil's voice as free text, never to be shown in a card, a subject or a log", () => {
    const voice = fieldLeaves(reviewsList.row).find((l) => l.path === "PupilVoice");
    expect(voice?.meta.personal).toBe("freeText");
  });

  it("adds the baseline and exit columns to the end of the Placements row; C-CAP 30 counts 0 to 30", () => {
    const columns = toColumnDefinitions(placementsList);
    expect(columns.map((c) => c.name).slice(-6)).toEqual(["EnglishBaseline", "MathsBaseline", "BaselineOn", "Destination", "EetOffer", "CCap30Experiences"]);
    expect(columns.find((c) => c.name === "CCap30Experiences")?.number).toMatchObject({ minimum: 0, maximum: 30, decimalPlaces: "none" });
    expect(columns.find((c) => c.name === "Destination")?.choice?.choices).toContain("Employment with training");
  });

  it("round-trips a qualification through SharePoint's fields, labels and all, and refuses a level it does not know", () => {
    const row = { CaseRef: "LNCIP-2026-0042", Subject: "maths", QualificationName: "Functional Skills Maths", QualificationType: "functionalSkills", Level: "level1", Result: "passed", AwardedOn: "2026-06-30" } as const;
    const fields = toListFields(qualificationsList, row);
    expect(fields).toMatchObject({ Title: "LNCIP-2026-0042", Subject: "Maths", QualificationType: "Functional Skills", Level: "Level 1", Result: "Passed", AwardedOn: "2026-06-30" });
    expect(fromListFields(qualificationsList, { ...fields, AwardedOn: "2026-06-30T00:00:00Z" })).toEqual({ ok: true, row });
    const bad = fromListFields(qualificationsList, { ...fields, Level: "Level 3" });
    expect(bad.ok).toBe(false);
  });

  it("reads a Placements row with no outcome recorded yet (every new column is optional)", () => {
    const fields = { Title: "LNCIP-2026-0042", KeyStage: "KS4", Pattern: "{}", StartDate: "2026-01-05", AttendanceBasis: "B", PurchaseOrderNumber: "PO-1", PlacementStatus: "Active" };
    expect(fromListFields(placementsList, fields).ok).toBe(true);
    expect(fromListFields(placementsList, { ...fields, CCap30Experiences: 31 }).ok).toBe(false);
  });
});
