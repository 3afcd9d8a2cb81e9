import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportProgress } from "../../scripts/report-progress";
import { progressSummary } from "../../src/domain/reports";
import { schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { progressSummaryHtml } from "../../src/reports/progressSummaryHtml";
import { cases, placements, qualifications, reviews } from "../support/progressYear";
import { progressYearItems } from "../support/progressYearItems";

const dir = mkdtempSync(join(tmpdir(), "progress-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await reportProgress(argv, { cwd: dir, now: new Date("2026-09-07T07:00:00Z"), env: {}, log: (l) => lines.push(l) });
  return { code, out: lines.join("\n") };
};

describe("npm run report:progress", () => {
  it("writes the year's summary as HTML and JSON from the lists' items, the JSON with exactly the issue's keys", async () => {
    writeFileSync(join(dir, "rows.json"), JSON.stringify(progressYearItems()));
    // The shipped calendar starts in 2025/26: the pupils who began in 2024/25 have only this year's terms counted.
    const { code, out } = await run(["--year", "2025/26", "--input", "rows.json", "--name", "Loughborough & North <Charnwood>"]);
    expect(code, out).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "reports", "progress-summary-2025-26.json"), "utf8"));
    const expected = progressSummary({ academicYear: "2025/26", calendar: schoolCalendarFor(shippedCalendars.leicestershire!), today: "2026-09-07", cases, placements, reviews, qualifications }).summary;
    expect(json).toStrictEqual(expected);
    expect(Object.keys(json)).toEqual(["academicYear", "ks3", "ks4"]);
    expect(Object.keys(json.ks3.english)).toEqual(["students", "expectedOrBetter", "aboveExpectedOrBetter", "accelerated", "functionalQualification"]);
    expect(Object.keys(json.ks4)).toEqual(["year11Leavers", "attainment5Premier", "attainment5Preliminary", "eetDestinations", "cCap30"]);
    expect(Object.keys(json.ks4.attainment5Premier)).toEqual(["count", "pct", "pupilPremium", "ehcp"]);
    expect(Object.keys(json.ks4.cCap30)).toEqual(["of", "atLeast15", "pct"]);
    // L1 and L2 lose their 2024/25 terms on the shipped calendar: L1 keeps 3 (Premier), L2 has 3 terms but only 4 passes.
    expect(json.ks4.attainment5Premier.count).toBe(3);
    expect(out).toContain("began before the term dates the calendar knows");

    const html = readFileSync(join(dir, "reports", "progress-summary-2025-26.html"), "utf8");
    expect(html).toContain("<h1>Loughborough &#38; North &#60;Charnwood&#62;</h1>");
    expect(html).toContain("<strong>60%</strong> made expected or better than expected progress (3 of 5).");
    expect(html).toContain("<strong>5 out of 6</strong> Year 11 leavers (83%) achieved a positive EET destination offer.");
    expect(html).toContain("<strong>5 out of 7</strong> Key Stage 4 leavers (71%) had at least 15 of the 30 experiences.");
    for (const c of cases) {
      expect(html).not.toContain(c.PupilFirstName);
      expect(html).not.toContain(c.CaseRef);
    }
    expect(html).not.toMatch(/<script|src=|href=/i); // self-contained: nothing to fetch
  });

  it("stops on a row that is not valid, names it, and writes nothing", async () => {
    const items = progressYearItems();
    (items.Qualifications[2] as Record<string, unknown>).Level = "Level 9";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(items));
    const { code, out } = await run(["--year", "2024/25", "--input", "bad.json", "--out", "bad-out"]);
    expect(code).toBe(1);
    expect(out).toMatch(/Nothing written: some rows are not valid\.\nQualifications\[2\]: Level/);
    expect(existsSync(join(dir, "bad-out"))).toBe(false);
  });

  it("refuses a year that is not one, an unknown option, and --sandbox with --input (the sandbox is read through Graph)", async () => {
    expect((await run(["--year", "2025/27", "--input", "rows.json"])).code).toBe(2);
    expect((await run(["--year", "2025/26", "--input", "rows.json", "--verbose"])).out).toContain("Unknown option --verbose");
    const both = await run(["--year", "2025/26", "--input", "rows.json", "--sandbox"]);
    expect(both.code).toBe(2);
    expect(both.out).toContain("--sandbox reads the lists through Graph: leave out --input.");
  });
});

describe("the summary as a parent reads it", () => {
  it("says so plainly when nobody was counted, rather than printing 0%", () => {
    const empty = progressSummary({ academicYear: "2025/26", calendar: schoolCalendarFor(shippedCalendars.leicestershire!), today: "2026-09-07", cases: [], placements: [], reviews: [], qualifications: [] }).summary;
    const html = progressSummaryHtml(empty, { partnershipName: "LNCIP", producedOn: "2026-09-07" });
    expect(html).toContain("No Key Stage 3 pupils were in our English tuition programme this year.");
    expect(html).toContain("There were no Year 11 leavers this year.");
    expect(html).not.toMatch(/\b0%/);
    expect(html).toContain("Produced on Monday 7 September 2026.");
  });
});
