import "../support/exampleSettings";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { progressSummaryHandler } from "../../functions/progressSummary";
import { reportProgress } from "../../scripts/report-progress";
import { qualificationsList } from "../../src/domain/lists";
import { runDueProgressSummary } from "../../src/workflows/reports/progressSummaryRound";
import { cases } from "../support/progressYear";
import { progressYearItems } from "../support/progressYearItems";
import { reportCalendar, reportCalendarSource } from "../support/reportCalendar";
import { startReportsSandbox, type ReportsSandbox } from "../support/reportsSandbox";

/**
 * The annual Progress & Achievement summary end to end: a year of cases, reviews, qualifications and exits
 * (test/support/progressYear.ts) in the sandbox's lists; the September timer and `npm run report:progress` read them
 * through Graph, save both files to the Reports library and send the summary to the Director. Every figure is
 * worked out by hand below (and in test/domain/reports/progressSummary.test.ts). The partnership's calendar here is
 * Leicestershire with a 2024/25 before it, so the pupils who began Key Stage 4 in 2024/25 have those terms counted.
 */
let box: ReportsSandbox;
const dir = mkdtempSync(join(tmpdir(), "progress-e2e-"));
const director = "director@lncip.example";
const quiet = () => new InvocationContext({ functionName: "progressSummary", invocationId: "6f1c0c6e-0000-4000-8000-000000000004", logHandler: () => undefined });

const handWorked = {
  academicYear: "2025/26",
  ks3: {
    // English: K1 (last band accelerated), K2 (below), K3 (above), K4 (expected this year), K5 (no band) = 5 students.
    english: { students: 5, expectedOrBetter: { count: 3, pct: 60 }, aboveExpectedOrBetter: { count: 2, pct: 40 }, accelerated: { count: 1, pct: 20 }, functionalQualification: { count: 1, pct: 20 } },
    // Maths: K2 (expected), K3 (accelerated; its cancelled review's band ignored), K7 (Year 9 now, expected) = 3.
    maths: { students: 3, expectedOrBetter: { count: 3, pct: 100 }, aboveExpectedOrBetter: { count: 1, pct: 33 }, accelerated: { count: 1, pct: 33 }, functionalQualification: { count: 1, pct: 33 } },
  },
  ks4: {
    year11Leavers: 6, // L1, L2, L3, L4, L5, L7 (L6 still setting up; X3 left last year)
    // Premier: L1 (6 terms, 5 at Level 1+), L3 (3 terms, 5 incl. results day), L7 (5 terms over two cases, 3 + 2).
    attainment5Premier: { count: 3, pct: 50, pupilPremium: { of: 3, count: 1, pct: 33 }, ehcp: { of: 2, count: 2, pct: 100 } },
    // Preliminary: L2 (5 terms, 4 passed at Level 1+), L4 (1 term, 3).
    attainment5Preliminary: { count: 2, pct: 33, pupilPremium: { of: 3, count: 2, pct: 67 }, ehcp: { of: 2, count: 0, pct: 0 } },
    eetDestinations: { of: 6, count: 5, pct: 83 }, // all but L3
    // Key Stage 4 leavers: the 6 and X1; 15 or more: L1 20, L2 15, L5 16, L7 30, X1 18.
    cCap30: { of: 7, atLeast15: 5, pct: 71 },
  },
};

beforeAll(async () => {
  box = await startReportsSandbox({}, "2026-09-01T06:55:00Z"); // 07:55 BST on 1 September
  const items = progressYearItems();
  box.fillFields("Cases", items.Cases);
  box.fillFields("Placements", items.Placements);
  box.fillFields("Reviews", items.Reviews);
  box.fillFields("Qualifications", items.Qualifications);
  writeFileSync(join(dir, "calendar.json"), JSON.stringify(reportCalendarSource));
}, 90_000);
afterAll(async () => {
  await box?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const summaries = () => box.inbox(director).filter((m) => m.subject === "Progress & Achievement Summary 2025/26");
const file = (name: string) => box.library().find((f) => f.name === name);

describe("the annual summary, as the September timer publishes it", () => {
  const ports = () => ({ ...box.app.ports.reports, calendar: reportCalendar });
  const run = () => progressSummaryHandler({}, quiet(), () => runDueProgressSummary(ports(), box.app.now()));

  it("is saved to the Reports library and sent to the Director once, from 08:00 on 1 September", async () => {
    await run();
    expect(box.library()).toEqual([]);
    box.setClock("2026-09-01T07:05:00Z");
    await run();
    box.setClock("2026-09-14T10:00:00Z");
    await run();
    expect(box.library().map((f) => [f.name, f.contentType])).toEqual([
      ["progress-summary-2025-26.html", "text/html"],
      ["progress-summary-2025-26.json", "application/json"],
    ]);
    expect(summaries()).toHaveLength(1);
  }, 60_000);

  it("has every figure as worked out by hand, with exactly the issue's keys", () => {
    expect(JSON.parse(file("progress-summary-2025-26.json")!.bytes.toString("utf8"))).toStrictEqual(handWorked);
    const html = file("progress-summary-2025-26.html")!.bytes.toString("utf8");
    expect(html).toContain("<strong>60%</strong> made expected or better than expected progress (3 of 5).");
    expect(html).toContain("<strong>3 out of 6</strong> Year 11 leavers (50%) gained 5 or more qualifications at Level 1 or above.");
    expect(html).toContain("<strong>5 out of 7</strong> Key Stage 4 leavers (71%) had at least 15 of the 30 experiences.");
  });

  it("tells the Director where it is, attaches it, and lists the gaps by case reference only", () => {
    const mail = summaries()[0]!;
    expect(mail.body.content).toContain(`<a href="${box.graph.url}/sites/lncip/Reports/progress-summary-2025-26.html">progress-summary-2025-26.html</a>`);
    expect(mail.body.content).toContain("LNCIP-2026-0204: Key Stage 4 leaver with no C-CAP 30 count recorded");
    expect(mail.attachments.map((a) => [a.name, a.contentType])).toEqual([["progress-summary-2025-26.html", "text/html"]]);
    for (const c of cases) {
      expect(mail.body.content).not.toContain(c.PupilFirstName);
      expect(mail.subject).not.toContain(c.PupilFirstName);
      expect(file("progress-summary-2025-26.html")!.bytes.toString("utf8")).not.toContain(c.CaseRef);
    }
  });
});

describe("npm run report:progress, reading the lists through Graph", () => {
  const script = async (argv: string[]) => {
    const lines: string[] = [];
    const code = await reportProgress(argv, { cwd: dir, now: new Date("2026-09-14T10:00:00Z"), env: box.env, log: (l) => lines.push(l) });
    return { code, out: lines.join("\n") };
  };

  it("writes the local files, saves them to the library and does not send the same figures twice", async () => {
    const { code, out } = await script(["--year", "2025/26", "--calendar-file", "calendar.json"]);
    expect(code, out).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "reports", "progress-summary-2025-26.json"), "utf8"))).toStrictEqual(handWorked);
    expect(readFileSync(join(dir, "reports", "progress-summary-2025-26.html"), "utf8")).toContain("<h1>Lakeside North Community Inclusion Partnership</h1>");
    expect(out).toContain(`Saved to the Reports library: ${box.graph.url}/sites/lncip/Reports/progress-summary-2025-26.html`);
    expect(out).toContain("The Director already has these figures: not sent again.");
    expect(out).toContain("Worth filling in before publishing:\n  - LNCIP-2026-0204");
    expect(summaries()).toHaveLength(1);
  }, 60_000);

  it("sends the Director the new figures when a record is corrected", async () => {
    // L2 passes a fifth qualification at Level 1: with 5 terms on the programme, Premier (4 of 6) instead of Preliminary.
    box.fill(qualificationsList, [{ CaseRef: "LNCIP-2024-0202", Subject: "maths", QualificationName: "Functional Skills Maths", QualificationType: "functionalSkills", Level: "level1", Result: "passed", AwardedOn: "2026-07-01" }]);
    const { code, out } = await script(["--year", "2025/26", "--calendar-file", "calendar.json"]);
    expect(code, out).toBe(0);
    const json = JSON.parse(file("progress-summary-2025-26.json")!.bytes.toString("utf8")) as typeof handWorked;
    expect(json.ks4.attainment5Premier).toEqual({ count: 4, pct: 67, pupilPremium: { of: 3, count: 2, pct: 67 }, ehcp: { of: 2, count: 2, pct: 100 } });
    expect(json.ks4.attainment5Preliminary).toEqual({ count: 1, pct: 17, pupilPremium: { of: 3, count: 1, pct: 33 }, ehcp: { of: 2, count: 0, pct: 0 } });
    expect(out).toContain(`Sent to the Director (${director}).`);
    expect(summaries()).toHaveLength(2);
  }, 60_000);

  it("--no-publish writes the local files only", async () => {
    const before = box.library().map((f) => f.version);
    const { code } = await script(["--year", "2024/25", "--no-publish", "--out", "only-local"]);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "only-local", "progress-summary-2024-25.json"), "utf8")).academicYear).toBe("2024/25");
    expect(box.library().map((f) => f.version)).toEqual(before);
  }, 60_000);
});
