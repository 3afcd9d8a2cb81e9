import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { placeCharge, schoolDaysInYear } from "../../../src/domain/charges";
import { addDays, schoolCalendarFor, schoolDaysIn, shippedCalendars } from "../../../src/domain/calendar";

const leics = schoolCalendarFor(shippedCalendars.leicestershire!);
const base = { ratePencePerYear: 1_800_000, placementStart: "2026-11-02", placementEnd: undefined, periodStart: "2026-11-01", periodEnd: "2026-11-30", daysPerWeek: 5 };

describe("placeCharge", () => {
  it("charges the full-year rate pro rata for the school days used", () => {
    const yearDays = schoolDaysIn(leics, "2026-08-25", "2027-07-09").length;
    expect(schoolDaysInYear(leics, leics.years[1]!)).toBe(yearDays);
    const c = placeCharge(leics, base);
    expect(c.schoolDaysUsed).toBe(21);
    expect(c.pence).toBe(Math.round((1_800_000 * 21) / yearDays));
  });
  it("charges a part-time place by the part of the week it covers", () => {
    expect(placeCharge(leics, { ...base, daysPerWeek: 2 }).pence).toBe(Math.round((1_800_000 * 21 * 2) / (schoolDaysInYear(leics, leics.years[1]!) * 5)));
  });
  it("charges nothing for a period before the placement started or after it ended", () => {
    expect(placeCharge(leics, { ...base, placementStart: "2026-12-01" }).pence).toBe(0);
    expect(placeCharge(leics, { ...base, placementStart: "2026-09-01", placementEnd: "2026-10-16" }).pence).toBe(0);
  });
  it("never exceeds the full-year rate, and adds up over adjacent periods to within a penny a period", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5_000_000 }), (a, b, rate) => {
        const [s, e] = [addDays("2026-08-25", Math.min(a, b)), addDays("2026-08-25", Math.max(a, b))];
        const mid = addDays(s, Math.floor((Math.max(a, b) - Math.min(a, b)) / 2));
        const p = { ...base, ratePencePerYear: rate, placementStart: "2026-08-25", periodStart: s, periodEnd: e };
        const whole = placeCharge(leics, p).pence;
        const parts = placeCharge(leics, { ...p, periodEnd: mid }).pence + placeCharge(leics, { ...p, periodStart: addDays(mid, 1) }).pence;
        expect(whole).toBeLessThanOrEqual(rate);
        expect(Math.abs(whole - parts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
