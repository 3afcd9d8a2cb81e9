import { describe, expect, it } from "vitest";
import { schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { standardPattern } from "../../src/domain/placement/weeklyPattern";
import { chargeLinesForPeriod, termlyStatement, type ReportPlacement } from "../../src/domain/reports";
import { termlyStatementCsv, termlyStatementHtml, termlyStatementSubject } from "../../src/reports/termlyStatement";
import { cases as weekCases, placements as weekPlacements, purchaseOrders, schools } from "../support/directorsWeekRows";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const ap = { id: "riverside", name: "Riverside AP", registered: false };
const patterns: Record<string, string> = {
  "LNCIP-2025-0011": JSON.stringify(standardPattern(8, "programmeManagementFullTime", ap)), // 3 days off site
  "LNCIP-2025-0013": JSON.stringify(standardPattern(10, "programmeManagementFullTime", ap)), // 5 days off site
  "LNCIP-2025-0014": JSON.stringify(standardPattern(10, "programmeManagementPartTime", ap)),
  "LNCIP-2025-0015": "not json",
};
const placements: ReportPlacement[] = weekPlacements.map((p) => ({ ...p, Pattern: patterns[p.CaseRef] }));
const cases = weekCases.map((c) => (c.CaseRef === "LNCIP-2025-0013" ? { ...c, PupilFirstName: '=HYPERLINK("x")', PupilLastName: 'O"Brien' } : c));
const spring = { academicYear: "2025/26", term: "spring" as const, first: "2026-01-06", last: "2026-03-27" };
const { lines, problems } = chargeLinesForPeriod(calendar, placements, { KS3: 1_800_000, KS4: 2_400_000 }, spring);
const earlierLines = [{ CaseRef: "LNCIP-2025-0011", SchoolUrn: "120001", KeyStage: "KS3" as const, PurchaseOrderNumber: "PO-OAK-1", daysCharged: 77, rates: "autumn", pence: 300_000 }];
const statement = termlyStatement({ school: schools[0]!, term: spring, lines, earlierLines, purchaseOrders, cases });

describe("a school's termly statement (Oakfield Academy, spring 2025/26)", () => {
  it("charges each pupil pro rata for the term's school days and days off site (2025/26 has 190 school days)", () => {
    // 0011: 54 spring days, 3 of 5: 1,800,000 × 54 × 3 / (190 × 5) = 306,947.4 → 306,947.
    // 0013: 6 Jan–6 Mar, 39 days, full time: 2,400,000 × 39 / 190 = 492,631.6 → 492,632.
    expect(statement.lines).toEqual([
      { caseRef: "LNCIP-2025-0011", name: "Amelia Quintrell", keyStage: "KS3", purchaseOrderNumber: "PO-OAK-1", daysCharged: 54, rates: "£18,000.00 a year pro rata, 3 of 5 days a week", pence: 306_947 },
      { caseRef: "LNCIP-2025-0013", name: '=HYPERLINK("x") O"Brien', keyStage: "KS4", purchaseOrderNumber: "PO-OAK-1", daysCharged: 39, rates: "£24,000.00 a year pro rata, 5 of 5 days a week", pence: 492_632 },
    ]);
    expect(statement.totalPence).toBe(799_579);
    // PO-OAK-1: £6,000 value; £3,000 used in autumn plus this term's £7,995.79.
    expect(statement.purchaseOrders).toEqual([{ PurchaseOrderNumber: "PO-OAK-1", valuePence: 600_000, usedPence: 1_099_579, leftPence: -499_579 }]);
    // Brookside's pupil is charged on Brookside's statement, never here; a pattern that cannot be read is named.
    expect(lines.map((l) => l.CaseRef)).toEqual(["LNCIP-2025-0011", "LNCIP-2025-0013", "LNCIP-2025-0014"]);
    expect(problems).toEqual([]); // 0015 ended in December: not in this term at all
    expect(chargeLinesForPeriod(calendar, placements, { KS3: 1, KS4: 1 }, { first: "2025-09-01", last: "2025-12-19" }).problems).toEqual(["LNCIP-2025-0015: the weekly pattern cannot be read, so no charge is worked out."]);
  });

  it("is an HTML email whose subject names the school and term only", () => {
    expect(termlyStatementSubject(statement)).toBe("Termly statement: Oakfield Academy, spring term 2025/26");
    const html = termlyStatementHtml(statement, { partnershipName: "LNCIP" });
    expect(html).toContain("£3,069.47");
    expect(html).toContain("<strong>£7,995.79</strong>");
    expect(html).toContain("-£4,995.79");
    expect(html).toContain("=HYPERLINK(&#34;x&#34;) O&#34;Brien"); // escaped, shown as written
    expect(html).not.toContain("LNCIP-2025-0014");
  });

  it("is a CSV with every cell quoted, quotes doubled and a formula defused", () => {
    const csv = termlyStatementCsv(statement);
    const rows = csv.split("\r\n");
    expect(rows[0]).toBe('"Case","Pupil","Key stage","Purchase order","Days charged","Rates","Amount (£)"');
    expect(rows[1]).toBe('"LNCIP-2025-0011","Amelia Quintrell","KS3","PO-OAK-1","54","£18,000.00 a year pro rata, 3 of 5 days a week","3069.47"');
    expect(rows[2]).toBe('"LNCIP-2025-0013","\'=HYPERLINK(""x"") O""Brien","KS4","PO-OAK-1","39","£24,000.00 a year pro rata, 5 of 5 days a week","4926.32"');
    expect(rows[3]).toBe('"Total","","","","93","","7995.79"');
    expect(rows[6]).toBe('"PO-OAK-1","6000.00","10995.79","-4995.79"');
    expect(csv.endsWith("\r\n")).toBe(true);
    for (const row of rows.filter(Boolean)) expect(row).toMatch(/^"([^"]|"")*"(,"([^"]|"")*")*$/);
  });
});
