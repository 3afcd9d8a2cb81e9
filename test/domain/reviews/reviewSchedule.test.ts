import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { reviewSchedule } from "../../../src/domain/reviews";
import { addDays, halfTerms, isSchoolDay, schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const partnership = schoolCalendarFor(shippedCalendars.leicestershire!);
const oakfield = schoolCalendarFor(shippedCalendars.leicestershire!, { id: "oakfield", years: [], extraClosures: ["2027-02-01", "2027-02-02"] });
const plan = { schoolCalendar: oakfield, partnershipCalendar: partnership, placementStart: "2026-11-02", until: "2027-07-09", cadenceSchoolWeeks: 6, localTime: "15:30" };

describe("reviewSchedule", () => {
  const reviews = reviewSchedule(plan);

  it("puts at least one review in every half term the placement spans", () => {
    for (const ht of halfTerms(partnership).filter((h) => h.last >= plan.placementStart && h.first <= plan.until)) {
      expect(reviews.some((r) => r.day >= ht.first && r.day <= ht.last), `${ht.academicYear} ${ht.name}`).toBe(true);
    }
  });

  it("reviews only on days both the home school and the partnership are open (Oakfield's INSET days are skipped)", () => {
    for (const r of reviews) {
      expect(isSchoolDay(partnership, r.day)).toBe(true);
      expect(isSchoolDay(oakfield, r.day)).toBe(true);
    }
    expect(reviews.map((r) => r.day)).not.toContain("2027-02-01");
  });

  it("sets 15:30 UK time either side of the BST change (28 March 2027)", () => {
    const winter = reviews.find((r) => r.day < "2027-03-28")!;
    const summer = reviews.find((r) => r.day > "2027-03-28")!;
    expect(winter.start.toISOString().slice(11, 16)).toBe("15:30");
    expect(summer.start.toISOString().slice(11, 16)).toBe("14:30");
    expect(summer.end.getTime() - summer.start.getTime()).toBe(3_600_000);
  });

  it("numbers reviews in date order, so case reference and number identify each one", () => {
    expect(reviews.map((r) => r.number)).toEqual(reviews.map((_, i) => i + 1));
    expect([...reviews].sort((a, b) => a.day.localeCompare(b.day))).toEqual(reviews);
  });

  it("for any start and cadence: reviews after the start, on school days, one a day at most, and every later half term covered", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 7 }), (offset, cadence) => {
        const start = addDays("2026-09-01", offset);
        const rs = reviewSchedule({ ...plan, schoolCalendar: partnership, placementStart: start, cadenceSchoolWeeks: cadence });
        for (const r of rs) {
          expect(r.day > start).toBe(true);
          expect(isSchoolDay(partnership, r.day)).toBe(true);
        }
        expect(new Set(rs.map((r) => r.day)).size).toBe(rs.length);
        for (const ht of halfTerms(partnership).filter((h) => h.first > start && h.last <= plan.until)) {
          expect(rs.some((r) => r.day >= ht.first && r.day <= ht.last), `${ht.name} ${ht.academicYear}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
