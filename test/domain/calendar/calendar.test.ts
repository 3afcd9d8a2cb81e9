import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addDays,
  addSchoolDays,
  CalendarRangeError,
  halfTermOf,
  isDue,
  isSchoolDay,
  isoWeekday,
  londonDay,
  londonTime,
  nextSchoolDay,
  schoolCalendarFor,
  schoolDaysBetween,
  schoolWeeksBack,
  shippedBankHolidays,
  shippedCalendars,
  termOf,
} from "../../../src/domain/calendar";

const leics = schoolCalendarFor(shippedCalendars.leicestershire!);

describe("the shipped calendars", () => {
  it("mark 2025/26 as published and 2026/27 as provisional until confirmed", () => {
    expect(leics.years.map((y) => [y.academicYear, y.provisional])).toEqual([["2025/26", false], ["2026/27", true]]);
  });
});

describe("isSchoolDay", () => {
  it.each([
    ["2026-11-23", true, "a Monday in autumn 2"],
    ["2026-11-28", false, "a Saturday"],
    ["2026-10-20", false, "October half term"],
    ["2026-12-25", false, "Christmas"],
    ["2026-08-31", false, "the August bank holiday inside autumn 1"],
    ["2026-05-04", false, "the May Day bank holiday inside summer 1"],
    ["2026-05-05", true, "the day after it"],
    ["2026-07-10", true, "the last day of 2025/26"],
    ["2026-07-13", false, "the summer holiday"],
  ])("%s is %s (%s)", (day, expected) => {
    expect(isSchoolDay(leics, day)).toBe(expected);
  });

  it("refuses to guess outside the known years", () => {
    expect(() => isSchoolDay(leics, "2030-01-07")).toThrow(CalendarRangeError);
    expect(() => isSchoolDay(leics, "2024-06-03")).toThrow(/outside the term dates known/);
  });

  it("honours a school's own closures and term dates", () => {
    const oakfield = schoolCalendarFor(shippedCalendars.leicestershire!, { id: "oakfield", years: [], extraClosures: ["2026-11-27"] });
    expect(isSchoolDay(leics, "2026-11-27")).toBe(true);
    expect(isSchoolDay(oakfield, "2026-11-27")).toBe(false);
  });
});

describe("school day arithmetic", () => {
  it("adds school days across a weekend and the Christmas holiday", () => {
    expect(addSchoolDays(leics, "2026-11-27", 1)).toBe("2026-11-30");
    expect(addSchoolDays(leics, "2026-12-17", 3)).toBe("2027-01-05");
    expect(addSchoolDays(leics, "2027-01-05", -3)).toBe("2026-12-17");
    expect(nextSchoolDay(leics, "2026-12-18")).toBe("2027-01-04");
  });
  it("counts school days from (inclusive) to (exclusive)", () => {
    expect(schoolDaysBetween(leics, "2026-11-23", "2026-11-30")).toBe(5);
    expect(schoolDaysBetween(leics, "2026-12-14", "2027-01-11")).toBe(10);
  });
  it("knows the half term and term of a day", () => {
    expect(halfTermOf(leics, "2026-11-23")).toEqual({ name: "autumn2", first: "2026-10-26", last: "2026-12-18", academicYear: "2026/27" });
    expect(halfTermOf(leics, "2026-10-20")).toBeUndefined();
    expect(termOf(leics, "2026-10-20")).toEqual({ term: "autumn", academicYear: "2026/27", first: "2026-08-25", last: "2026-12-18" });
  });
  it("goes back whole school weeks, skipping holiday weeks", () => {
    const back = schoolWeeksBack(leics, "2026-10-30", 2);
    expect(back[0]).toBe("2026-10-12"); // the week before half term
    expect(back).toContain("2026-10-16");
    expect(back).not.toContain("2026-10-20");
    expect(back[back.length - 1]).toBe("2026-10-30");
    expect(back).toHaveLength(10);
  });

  const schoolDay = fc.integer({ min: 0, max: 600 }).map((i) => addDays("2025-09-01", i)).filter((d) => isSchoolDay(leics, d));
  it("never lands on a weekend, bank holiday or holiday, and counts back to n", () => {
    fc.assert(
      fc.property(schoolDay, fc.integer({ min: -100, max: 100 }), (day, n) => {
        let landed: string;
        try {
          landed = addSchoolDays(leics, day, n);
        } catch (e) {
          if (e instanceof CalendarRangeError) return; // past the known years
          throw e;
        }
        expect(isoWeekday(landed)).toBeLessThanOrEqual(5);
        expect(shippedBankHolidays).not.toContain(landed);
        expect(isSchoolDay(leics, landed)).toBe(true);
        if (n >= 0) expect(schoolDaysBetween(leics, day, landed)).toBe(n);
        else expect(schoolDaysBetween(leics, landed, day)).toBe(-n);
      }),
      { numRuns: 300 },
    );
  });
});

describe("Europe/London time", () => {
  it("gives the UK day of an instant either side of midnight in BST and GMT", () => {
    expect(londonDay(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(londonDay(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
  });
  it("puts a local time at the right instant across the BST changes (29 Mar and 25 Oct 2026)", () => {
    expect(londonTime("2026-03-27", "16:30").toISOString()).toBe("2026-03-27T16:30:00.000Z");
    expect(londonTime("2026-03-30", "16:30").toISOString()).toBe("2026-03-30T15:30:00.000Z");
    expect(londonTime("2026-10-23", "16:30").toISOString()).toBe("2026-10-23T15:30:00.000Z");
    expect(londonTime("2026-10-26", "16:30").toISOString()).toBe("2026-10-26T16:30:00.000Z");
  });
  it("defines the missing and the doubled hour", () => {
    expect(londonTime("2026-03-29", "01:30").toISOString()).toBe("2026-03-29T01:30:00.000Z"); // = 02:30 BST
    expect(londonTime("2026-10-25", "01:30").toISOString()).toBe("2026-10-25T01:30:00.000Z"); // the second 01:30 (GMT)
  });
  it("decides in UK time whether a job is due", () => {
    expect(isDue(new Date("2026-11-23T16:35:00Z"), "2026-11-23", "16:30")).toBe(true);
    expect(isDue(new Date("2026-06-23T15:25:00Z"), "2026-06-23", "16:30")).toBe(false);
    expect(isDue(new Date("2026-06-23T15:30:00Z"), "2026-06-23", "16:30")).toBe(true);
  });
});
