import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chargeToDate, newPlacement, standardPattern, waitingOrder, waitingPosition } from "../../../src/domain/placement";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const unregistered = { id: "riverside", name: "Riverside AP", registered: false };
const base = { caseRef: "LNCIP-2026-0042", keyStage: "KS3" as const, yearGroup: 9, outcome: "programmeManagementPartTime" as const, ehcp: false, lookedAfter: false, purchaseOrderNumber: "PO-1" };

describe("newPlacement", () => {
  it("starts the given number of school days on, with the year group's pattern and the basis given", () => {
    const p = newPlacement(calendar, base, { today: "2026-12-16", leadSchoolDays: 5, basis: "K", provider: unregistered });
    expect(p.startDate).toBe("2027-01-06"); // 17, 18 Dec, then 4, 5, 6 Jan: the Christmas holiday does not count
    expect(p.attendanceBasis).toBe("K");
    expect(p.pattern).toEqual(standardPattern(9, "programmeManagementPartTime", unregistered));
    expect(p.unregisteredProviderWarning).toBeUndefined();
  });

  it("warns when a pupil with an EHCP or in care would be at an unregistered provider more than 18 hours a week", () => {
    expect(newPlacement(calendar, { ...base, ehcp: true, outcome: "programmeManagementFullTime" }, { today: "2026-11-20", leadSchoolDays: 5, basis: "B", provider: unregistered }).unregisteredProviderWarning).toMatch(/19.5 hours/);
    expect(newPlacement(calendar, { ...base, ehcp: true }, { today: "2026-11-20", leadSchoolDays: 5, basis: "B", provider: unregistered }).unregisteredProviderWarning).toBeUndefined(); // part-time: 13 hours
    expect(newPlacement(calendar, { ...base, lookedAfter: true, yearGroup: 8 }, { today: "2026-11-20", leadSchoolDays: 5, basis: "B", provider: unregistered }).unregisteredProviderWarning).toBeUndefined(); // 13 hours
    expect(newPlacement(calendar, { ...base, ehcp: true, outcome: "programmeManagementFullTime" }, { today: "2026-11-20", leadSchoolDays: 5, basis: "B", provider: { ...unregistered, registered: true } }).unregisteredProviderWarning).toBeUndefined();
  });
});

describe("the waiting list", () => {
  it("serves the earliest WaitingSince first, the case reference breaking a tie", () => {
    const waiting = [
      { caseRef: "LNCIP-2026-0010", waitingSince: "2026-11-03T09:00:00Z" },
      { caseRef: "LNCIP-2026-0012", waitingSince: "2026-11-02T09:00:00Z" },
      { caseRef: "LNCIP-2026-0009", waitingSince: "2026-11-03T09:00:00Z" },
    ];
    expect(waitingOrder(waiting).map((w) => w.caseRef)).toEqual(["LNCIP-2026-0012", "LNCIP-2026-0009", "LNCIP-2026-0010"]);
    expect(waitingPosition(waiting, "LNCIP-2026-0010")).toBe(3);
    expect(waitingPosition(waiting, "LNCIP-2026-0001")).toBeUndefined();
  });

  it("property: positions are 1..n, in WaitingSince order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }), (offsets) => {
        const waiting = offsets.map((o, i) => ({ caseRef: `LNCIP-2026-${String(i + 1).padStart(4, "0")}`, waitingSince: new Date(Date.UTC(2026, 10, 1) + o * 1000).toISOString() }));
        const positions = waiting.map((w) => waitingPosition(waiting, w.caseRef)!);
        expect([...positions].sort((a, b) => a - b)).toEqual(waiting.map((_, i) => i + 1));
        for (const a of waiting) for (const b of waiting) if (a.waitingSince < b.waitingSince) expect(waitingPosition(waiting, a.caseRef)!).toBeLessThan(waitingPosition(waiting, b.caseRef)!);
      }),
    );
  });
});

describe("chargeToDate", () => {
  it("charges the days off site a week, pro rata for the school days so far, and nothing before the start", () => {
    const pattern = standardPattern(8, "programmeManagementFullTime", unregistered); // the offer's Years 7–8: 3 days off site
    expect(chargeToDate(calendar, { ratePencePerYear: 1_800_000, startDate: "2026-11-30", endDate: undefined, pattern, today: "2026-11-27" })).toEqual({ schoolDaysUsed: 0, pence: 0 });
    const twoWeeks = chargeToDate(calendar, { ratePencePerYear: 1_800_000, startDate: "2026-11-30", endDate: undefined, pattern, today: "2026-12-11" });
    expect(twoWeeks.schoolDaysUsed).toBe(10);
    const full = chargeToDate(calendar, { ratePencePerYear: 1_800_000, startDate: "2026-11-30", endDate: undefined, pattern: standardPattern(9, "programmeManagementFullTime", unregistered), today: "2026-12-11" });
    expect(twoWeeks.pence).toBe(Math.round((full.pence * 3) / 5));
  });
});
