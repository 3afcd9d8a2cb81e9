import { describe, expect, it } from "vitest";
import { planLists, type ExistingList } from "../../../src/workflows/provisioning/listPlan";
import { casesList, schoolsList, toColumnDefinitions } from "../../../src/domain/lists";
import { csvRecords, parseSchoolsCsv } from "../../../src/workflows/provisioning/schoolsCsv";

const asCreated = (def: typeof schoolsList | typeof casesList, title: { displayName: string; indexed: boolean }): ExistingList => ({
  id: def.name,
  name: def.name,
  displayName: def.displayName,
  columns: [{ id: "t", name: "Title", text: {}, ...title }, ...toColumnDefinitions(def).map((c, i) => ({ ...c, id: String(i) }))],
});

describe("planLists (additive only)", () => {
  it("plans nothing for lists exactly as provisioning made them", () => {
    expect(planLists([schoolsList, casesList], [asCreated(schoolsList, { displayName: "School", indexed: false }), asCreated(casesList, { displayName: "Case reference", indexed: true })])).toEqual({ changes: [], warnings: [] });
  });

  it("adds a missing column and a missing choice, but only warns about a column of another type", () => {
    const cases = asCreated(casesList, { displayName: "Case reference", indexed: true });
    cases.columns = cases.columns.filter((c) => c.name !== "ExitStrategy").map((c) => {
      if (c.name === "Status") return { ...c, choice: { choices: ["Received"] } };
      if (c.name === "YearGroup") return { id: c.id, name: c.name, displayName: "Year group", text: { allowMultipleLines: false } };
      return c;
    });
    const plan = planLists([casesList], [cases]);
    expect(plan.changes.map((c) => c.kind).sort()).toEqual(["addChoices", "addColumn"]);
    const choices = plan.changes.find((c) => c.kind === "addChoices");
    expect(choices?.kind === "addChoices" && choices.choice.choices[0]).toBe("Received");
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/Cases\.YearGroup: the column is text on the site but number in the app; it is left as it is/);
  });

  it("indexes an existing column the app filters on, and never un-indexes one", () => {
    const cases = asCreated(casesList, { displayName: "Case reference", indexed: true });
    cases.columns = cases.columns.map((c) => (c.name === "ResponseId" ? { ...c, indexed: false } : c.name === "Concerns" ? { ...c, indexed: true } : c));
    expect(planLists([casesList], [cases]).changes).toEqual([{ kind: "indexColumn", list: "Cases", column: "ResponseId" }]);
  });
});

describe("the Schools CSV", () => {
  it("keeps quoted commas, doubled quotes and line breaks, and numbers records by the line they start on", () => {
    expect(csvRecords('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\r\nlast,one')).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", 'say "hi"\nthere'] },
      { line: 4, cells: ["last", "one"] },
    ]);
  });

  it("accepts the column titles as headers and reports every bad line with its number", () => {
    const csv = [
      "URN,School,Attendance lead email,SENCO email,DSL email,Finance email,Email domain",
      "120345,Oakfield Academy,a@o.example,s@o.example,d@o.example,f@o.example,o.example",
      "12034,Brookside,a@b.example,not-an-email,d@b.example,f@b.example,b.example",
      "120345,Oakfield again,a@o.example,s@o.example,d@o.example,f@o.example,o.example",
      "120347,Hillcrest,a@h.example,s@h.example,dsl@gmail.example,f@h.example,h.example",
      "120348,Castle Hill,a@c.example,s@c.example,d@c.example,f@c.example",
    ].join("\n");
    const result = parseSchoolsCsv(csv);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      { line: 3, message: "Urn: expected the school's 6-digit URN" },
      { line: 3, message: "SencoEmail: expected an email address, e.g. senco@school.org.uk" },
      { line: 4, message: "Urn 120345 is already on line 2" },
      // Role addresses outside the school's email domain (or no domain to check them by) are not uploaded.
      { line: 5, message: "DslEmail is not an h.example address" },
      { line: 6, message: "no email domain is recorded (EmailDomain), so its addresses cannot be checked" },
    ]);
  });

  it("names an unknown or missing column", () => {
    const result = parseSchoolsCsv("Urn,SchoolName,Headteacher\n");
    expect(!result.ok && result.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/unknown column "Headteacher"/), "the column SencoEmail is missing"]));
  });
});
