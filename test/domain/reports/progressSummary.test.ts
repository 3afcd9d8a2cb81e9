import { describe, expect, it } from "vitest";
import { academicYearSpan, progressSummary, termsOnProgramme, wholePercent, yearGroupIn } from "../../../src/domain/reports";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";
import { reportCalendar } from "../../support/reportCalendar";
import { cases, placements, qualifications, reviews } from "../../support/progressYear";

const input = { academicYear: "2025/26", calendar: reportCalendar, today: "2026-09-07", cases, placements, reviews, qualifications };

describe("the annual Progress & Achievement summary", () => {
  it("gives every figure of 2025/26 as worked out by hand, with exactly the issue's JSON keys", () => {
    const { summary } = progressSummary(input);
    expect(summary).toStrictEqual({
      academicYear: "2025/26",
      ks3: {
        // English: K1 (last band accelerated), K2 (below), K3 (above), K4 (expected this year), K5 (no band) = 5 students.
        english: {
          students: 5,
          expectedOrBetter: { count: 3, pct: 60 }, // K1, K3, K4
          aboveExpectedOrBetter: { count: 2, pct: 40 }, // K1, K3
          accelerated: { count: 1, pct: 20 }, // K1
          functionalQualification: { count: 1, pct: 20 }, // K1 (K4's was last year)
        },
        // Maths: K2 (expected), K3 (accelerated; its cancelled review's band ignored), K7 (Year 9 now, expected) = 3.
        maths: {
          students: 3,
          expectedOrBetter: { count: 3, pct: 100 },
          aboveExpectedOrBetter: { count: 1, pct: 33 },
          accelerated: { count: 1, pct: 33 },
          functionalQualification: { count: 1, pct: 33 }, // K2 (K3's was not passed)
        },
      },
      ks4: {
        year11Leavers: 6, // L1, L2, L3, L4, L5, L7 (L6 still setting up; X3 left last year)
        // Premier: L1 (6 terms, 5), L3 (3 terms, 5 incl. results day), L7 (5 terms over two cases, 3 + 2).
        // Pupil premium leavers: L1, L2, L4 → L1 in Premier. EHCP leavers: L1, L3 → both.
        attainment5Premier: { count: 3, pct: 50, pupilPremium: { of: 3, count: 1, pct: 33 }, ehcp: { of: 2, count: 2, pct: 100 } },
        // Preliminary: L2 (4 passed at Level 1+: the awaited and not-passed ones and Entry 3 do not count), L4 (1 term, 3).
        attainment5Preliminary: { count: 2, pct: 33, pupilPremium: { of: 3, count: 2, pct: 67 }, ehcp: { of: 2, count: 0, pct: 0 } },
        eetDestinations: { of: 6, count: 5, pct: 83 }, // all but L3
        // Key Stage 4 leavers: the 6 and X1. 15+: L1 20, L2 15, L5 16, L7 30 (its latest placement), X1 18; L3 10, L4 not recorded.
        cCap30: { of: 7, atLeast15: 5, pct: 71 },
      },
    });
    expect(JSON.parse(JSON.stringify(summary))).toStrictEqual(summary);
  });

  it("lists the gaps a person should fill in before publishing, by case reference only", () => {
    const { gaps } = progressSummary(input);
    expect(gaps).toEqual([
      "LNCIP-2026-0204: Key Stage 4 leaver with no C-CAP 30 count recorded (counted as fewer than 15).",
      "LNCIP-2025-0105: in the English tuition programme but no English progress band recorded at any review this year.",
    ]);
    for (const c of cases) for (const g of gaps) expect(g).not.toContain(c.PupilFirstName);
  });

  it("counts a year still running up to today: a review after today does not exist yet, a qualification awarded later does not count", () => {
    const { summary } = progressSummary({ ...input, today: "2026-01-31" });
    // By 31 January: K1's last band is still expected (its February review not yet), K2's above expected.
    expect(summary.ks3.english.accelerated).toEqual({ count: 0, pct: 0 });
    expect(summary.ks3.english.aboveExpectedOrBetter).toEqual({ count: 2, pct: 40 }); // K2, K3
    expect(summary.ks3.english.functionalQualification.count).toBe(0);
    // L4 was referred in February: by January L1, L2, L3, L5, L7 are the Year 11 leavers so far.
    expect(summary.ks4.year11Leavers).toBe(5);
  });

  it("prints no percentage when nobody was counted", () => {
    const { summary } = progressSummary({ ...input, cases: [], placements: [], reviews: [], qualifications: [] });
    expect(summary.ks3.english).toEqual({ students: 0, expectedOrBetter: { count: 0, pct: null }, aboveExpectedOrBetter: { count: 0, pct: null }, accelerated: { count: 0, pct: null }, functionalQualification: { count: 0, pct: null } });
    expect(summary.ks4.cCap30).toEqual({ of: 0, atLeast15: 0, pct: null });
  });
});

describe("the summary's arithmetic", () => {
  it("rounds percentages to whole numbers, halves up, without floating-point slips", () => {
    expect([wholePercent(43, 53), wholePercent(1, 8), wholePercent(3, 8), wholePercent(2, 3), wholePercent(1, 3), wholePercent(5, 5), wholePercent(0, 4)]).toEqual([81, 13, 38, 67, 33, 100, 0]);
  });

  it("counts a term on the programme only when at least half its school days were covered", () => {
    // Spring 2026 has 54 school days (6 Jan–13 Feb: 29, 23 Feb–27 Mar: 25): 27 is half.
    const from = (start: string, end: string) => termsOnProgramme(reportCalendar, [{ StartDate: start, EndDate: end }], "2026-08-24");
    expect(from("2026-01-06", "2026-02-13")).toBe(1); // 29 days
    expect(from("2026-01-06", "2026-02-12")).toBe(1); // 28 days
    expect(from("2026-01-06", "2026-02-11")).toBe(1); // 27 days: exactly half
    expect(from("2026-01-06", "2026-02-10")).toBe(0); // 26 days
  });

  it("says when a placement began before the term dates the calendar knows", () => {
    const shipped = schoolCalendarFor(shippedCalendars.leicestershire!);
    const gaps: string[] = [];
    expect(termsOnProgramme(shipped, [{ StartDate: "2025-01-06", EndDate: "2026-07-10" }], "2026-08-24", (m) => gaps.push(m))).toBe(3);
    expect(gaps).toEqual(["placement from 2025-01-06 began before the term dates the calendar knows (from 2025-08-26); its earlier terms are not counted."]);
  });

  it("spans a year from its first term day (or 1 September) to the day before the next year's", () => {
    const shipped = schoolCalendarFor(shippedCalendars.leicestershire!);
    expect(academicYearSpan(shipped, "2025/26")).toEqual({ academicYear: "2025/26", first: "2025-08-26", last: "2026-08-24" });
    expect(academicYearSpan(shipped, "2026/27")).toEqual({ academicYear: "2026/27", first: "2026-08-25", last: "2027-08-31" });
    expect(() => academicYearSpan(shipped, "2025/27")).toThrow(/not an academic year/);
  });

  it("moves a pupil's year group on by the years since the referral (UK days: 23:30 UTC on 31 August is September)", () => {
    expect(yearGroupIn({ YearGroup: 10, ReceivedAt: "2025-03-02T09:00:00Z" }, "2025/26")).toBe(11);
    expect(yearGroupIn({ YearGroup: 10, ReceivedAt: "2025-08-31T23:30:00Z" }, "2025/26")).toBe(10);
    expect(yearGroupIn({ ReceivedAt: "2025-08-31T23:30:00Z" }, "2025/26")).toBeUndefined();
  });
});
