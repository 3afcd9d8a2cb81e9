import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chargeRatesSchema, defaultChargeRates, placementCharge, purchaseOrderGap, purchaseOrderRenewal, schoolDaysInYear } from "../../../src/domain/charges";
import { addDays, schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";
import { standardPattern } from "../../../src/domain/placement";

const leics = schoolCalendarFor(shippedCalendars.leicestershire!);
const ap = { id: "riverside", name: "Riverside AP", registered: false };
const partTime = standardPattern(9, "programmeManagementPartTime", ap); // Mon centre, Tue AP, Thu AP: 3 days off site
const fullTime = standardPattern(9, "programmeManagementFullTime", ap);
const year2627 = schoolDaysInYear(leics, leics.years.find((y) => y.academicYear === "2026/27")!);
const year2526 = schoolDaysInYear(leics, leics.years.find((y) => y.academicYear === "2025/26")!);
const week = { keyStage: "KS3" as const, placementStart: "2026-11-30", periodStart: "2026-11-30", periodEnd: "2026-12-04", pupilPremium: false };

describe("charges as the offer says: average pupil cost, pupil premium and SEND top-up, per school day off site", () => {
  it("charges a part-time Year 9 pupil for the three days a week off site, not five", () => {
    const c = placementCharge(leics, { ...week, pattern: partTime });
    expect(c.schoolDaysOffSite).toBe(3);
    expect(c.averagePupilCostPence).toBe(Math.round((677_100 * 3) / year2627));
    expect(c).toMatchObject({ pupilPremiumPence: 0, sendTopUpPence: 0, totalPence: c.averagePupilCostPence });
    expect(placementCharge(leics, { ...week, pattern: fullTime }).schoolDaysOffSite).toBe(5);
  });

  it("adds the pupil premium pro rata when the pupil is eligible, and the SEND top-up named on the PO", () => {
    const c = placementCharge(leics, { ...week, pattern: partTime, pupilPremium: true, sendTopUpPencePerYear: 600_000 });
    expect(c.pupilPremiumPence).toBe(Math.round((107_500 * 3) / year2627));
    expect(c.sendTopUpPence).toBe(Math.round((600_000 * 3) / year2627));
    expect(c.totalPence).toBe(c.averagePupilCostPence + c.pupilPremiumPence + c.sendTopUpPence);
  });

  it("uses the key stage's average pupil cost, as the partnership sets it", () => {
    const rates = { ...defaultChargeRates, averagePupilCostPencePerYear: { KS3: 540_000, KS4: 610_000 } };
    expect(placementCharge(leics, { ...week, keyStage: "KS4", pattern: fullTime }, rates).averagePupilCostPence).toBe(Math.round((610_000 * 5) / year2627));
  });

  it("skips holidays and bank holidays, and charges nothing outside the placement", () => {
    // 14 Dec 2026 – 8 Jan 2027: the Christmas holiday (19 Dec – 3 Jan) is not charged.
    expect(placementCharge(leics, { ...week, pattern: fullTime, periodStart: "2026-12-14", periodEnd: "2027-01-08" }).schoolDaysOffSite).toBe(10);
    expect(placementCharge(leics, { ...week, pattern: fullTime, periodStart: "2026-11-01", periodEnd: "2026-11-27" }).totalPence).toBe(0);
    expect(placementCharge(leics, { ...week, pattern: fullTime, placementEnd: "2026-12-01" }).schoolDaysOffSite).toBe(2);
  });

  it("charges a period across two academic years by each year's own school days", () => {
    const c = placementCharge(leics, { ...week, pattern: fullTime, placementStart: "2026-07-06", periodStart: "2026-07-06", periodEnd: "2026-09-04" });
    const [july, september] = [5 - 0, c.schoolDaysOffSite - 5];
    expect(c.averagePupilCostPence).toBe(Math.round(677_100 * (july / year2526 + september / year2627)));
  });

  it("property: a full year full-time costs the year's amounts; adjacent periods add up to within a penny each", () => {
    const year = placementCharge(leics, { ...week, pattern: fullTime, placementStart: "2026-08-01", periodStart: "2026-08-01", periodEnd: "2027-08-31", pupilPremium: true, sendTopUpPencePerYear: 600_000 });
    expect(year).toMatchObject({ schoolDaysOffSite: year2627, averagePupilCostPence: 677_100, pupilPremiumPence: 107_500, sendTopUpPence: 600_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (a, b) => {
        const [s, e] = [addDays("2026-09-01", Math.min(a, b)), addDays("2026-09-01", Math.max(a, b))];
        const mid = addDays(s, Math.floor((Math.max(a, b) - Math.min(a, b)) / 2));
        const charge = (from: string, to: string) => placementCharge(leics, { ...week, pattern: partTime, placementStart: "2026-09-01", periodStart: from, periodEnd: to, pupilPremium: true }).totalPence;
        expect(Math.abs(charge(s, mid) + charge(addDays(mid, 1), e) - charge(s, e))).toBeLessThanOrEqual(2);
        expect(charge(s, e)).toBeLessThanOrEqual(677_100 + 107_500);
      }),
    );
  });

  it("ships defaults with their sources", () => {
    expect(chargeRatesSchema.parse(defaultChargeRates)).toEqual({ averagePupilCostPencePerYear: { KS3: 677_100, KS4: 677_100 }, pupilPremiumPencePerYear: 107_500 });
  });
});

describe("purchase orders", () => {
  it("asks the school for a new PO three weeks before the current one ends, if the placement runs past it", () => {
    expect(purchaseOrderRenewal({ purchaseOrderTo: "2027-08-31", placementEnd: undefined, today: "2027-08-09" })).toEqual({ needed: true, askOn: "2027-08-10", due: false });
    expect(purchaseOrderRenewal({ purchaseOrderTo: "2027-08-31", placementEnd: undefined, today: "2027-08-10" })).toEqual({ needed: true, askOn: "2027-08-10", due: true });
    expect(purchaseOrderRenewal({ purchaseOrderTo: "2027-03-31", placementEnd: "2027-03-26", today: "2027-03-20" })).toEqual({ needed: false, askOn: "2027-03-10", due: false });
  });

  it("covers its own period within one academic year: a new academic year needs a new PO before the placement continues", () => {
    const po = { number: "PO-88812", from: "2026-11-23", to: "2027-08-31" };
    expect(purchaseOrderGap(po, "2027-05-04")).toBeUndefined();
    expect(purchaseOrderGap(po, "2027-09-06")).toBe("PO-88812 covers the 2026/27 academic year: the new academic year (2027/28) needs a new purchase order before the placement continues.");
    expect(purchaseOrderGap({ ...po, to: "2027-03-31" }, "2027-04-12")).toBe("PO-88812 ended on 2027-03-31: the school must send a new purchase order before the placement continues.");
    expect(purchaseOrderGap(po, "2026-11-20")).toBe("PO-88812 starts on 2026-11-23: the placement cannot run before its purchase order.");
    expect(purchaseOrderGap(undefined, "2026-11-30")).toMatch(/no PO, no placement/);
  });
});
