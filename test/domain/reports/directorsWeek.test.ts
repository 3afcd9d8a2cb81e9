import { describe, expect, it } from "vitest";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";
import { chargeLinesFromPlacements, directorsWeek } from "../../../src/domain/reports";
import { cases, decisions, marks, placements, purchaseOrders, reviews, schools, today } from "../../support/directorsWeekRows";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const week = directorsWeek({ today, calendar, places: { KS3: 2, KS4: 3 }, cases, placements, reviews, decisions, marks, schools, charges: chargeLinesFromPlacements(placements), purchaseOrders });

describe("the Director's week (Monday 2 March 2026)", () => {
  it("counts places used per key stage against the aim, as the capacity rules do", () => {
    expect(week.places).toEqual({
      KS3: { aim: 2, used: 2, active: 1, settingUp: 1, free: 0 },
      KS4: { aim: 3, used: 2, active: 2, settingUp: 0, free: 1 },
    });
    expect(week.lastWeek).toEqual({ first: "2026-02-23", last: "2026-02-27" });
  });

  it("lists the waiting list, triage and decisions longest first, in school days (half term not counted)", () => {
    expect(week.waitingList.map((w) => [w.caseRef, w.since, w.schoolDays])).toEqual([
      ["LNCIP-2026-0021", "2026-02-09", 10],
      ["LNCIP-2026-0022", "2026-02-25", 3],
    ]);
    expect(week.awaitingTriage.map((w) => [w.caseRef, w.status, w.schoolDays])).toEqual([
      ["LNCIP-2026-0032", "triage", 15],
      ["LNCIP-2026-0031", "received", 2],
    ]);
    expect(week.awaitingDecision.map((w) => [w.caseRef, w.schoolDays])).toEqual([["LNCIP-2026-0041", 25]]);
  });

  it("lists last week's decisions (Monday to Sunday), this week's starts and ends, and overdue reviews", () => {
    expect(week.decisionsLastWeek).toEqual([
      { caseRef: "LNCIP-2025-0012", outcome: "programmeManagementPartTime", decidedOn: "2026-02-24" },
      { caseRef: "LNCIP-2026-0051", outcome: "inSchoolSupport", decidedOn: "2026-03-01" },
    ]);
    expect(week.placementsStarting).toEqual([{ caseRef: "LNCIP-2025-0012", keyStage: "KS3", schoolUrn: "120002", startDate: "2026-03-04" }]);
    expect(week.placementsEnding).toEqual([{ caseRef: "LNCIP-2025-0013", keyStage: "KS4", schoolUrn: "120001", endDate: "2026-03-06" }]);
    expect(week.reviewsOverdue).toEqual([
      { caseRef: "LNCIP-2025-0013", number: 1, due: "2026-01-13", schoolDaysOverdue: 29 },
      { caseRef: "LNCIP-2025-0011", number: 3, due: "2026-02-24", schoolDaysOverdue: 4 },
    ]);
  });

  it("names the schools with a placed pupil not visited since the spring term began", () => {
    expect(week.schoolsWithNoVisitThisTerm).toEqual([
      { urn: "120002", school: "Brookside School", caseRefs: ["LNCIP-2025-0014"] },
      { urn: "120001", school: "Oakfield Academy", caseRefs: ["LNCIP-2025-0013"] },
    ]);
  });

  it("gives last week's attendance by home school", () => {
    expect(week.attendanceLastWeek).toEqual([
      { urn: "120002", school: "Brookside School", pupils: 1, possible: 10, present: 10, unauthorised: 0, attendancePercent: 100 },
      { urn: "120001", school: "Oakfield Academy", pupils: 2, possible: 18, present: 14, unauthorised: 3, attendancePercent: 77.8 },
    ]);
  });

  it("gives charges to date per school against each purchase order's value", () => {
    expect(week.chargesToDate).toEqual([
      {
        urn: "120002",
        school: "Brookside School",
        chargedPence: 520_000,
        purchaseOrders: [
          { PurchaseOrderNumber: "PO-BRK-1", valuePence: 350_000, usedPence: 400_000, leftPence: -50_000 },
          { PurchaseOrderNumber: "PO-BRK-2", valuePence: undefined, usedPence: 120_000, leftPence: undefined },
        ],
      },
      { urn: "120003", school: "Castle Rock High", chargedPence: 0, purchaseOrders: [{ PurchaseOrderNumber: "PO-CAS-1", valuePence: 100_000, usedPence: 0, leftPence: 100_000 }] },
      { urn: "120001", school: "Oakfield Academy", chargedPence: 550_000, purchaseOrders: [{ PurchaseOrderNumber: "PO-OAK-1", valuePence: 600_000, usedPence: 550_000, leftPence: 50_000 }] },
    ]);
  });

  it("charts places in use and attendance for every school week of the year so far", () => {
    // 8 weeks in autumn 1 (from w/c 25 Aug), 8 in autumn 2, 6 in spring 1, 1 in spring 2 so far.
    expect(week.placesOverYear).toHaveLength(23);
    const at = (weekOf: string) => week.placesOverYear.find((w) => w.weekOf === weekOf);
    expect(week.placesOverYear[0]).toEqual({ weekOf: "2025-08-25", KS3: 0, KS4: 0 });
    expect(at("2025-09-08")).toEqual({ weekOf: "2025-09-08", KS3: 1, KS4: 1 });
    expect(at("2025-10-06")).toEqual({ weekOf: "2025-10-06", KS3: 1, KS4: 2 });
    expect(at("2026-01-05")).toEqual({ weekOf: "2026-01-05", KS3: 1, KS4: 1 });
    expect(at("2026-01-12")).toEqual({ weekOf: "2026-01-12", KS3: 1, KS4: 2 });
    expect(at("2026-02-16")).toBeUndefined(); // half term
    expect(week.placesOverYear.at(-1)).toEqual({ weekOf: "2026-02-23", KS3: 1, KS4: 2 }); // the KS3 place being set up is not in use yet
    expect(week.attendanceByWeek.at(-1)).toEqual({ weekOf: "2026-02-23", possible: 28, present: 24, attendancePercent: 85.7 });
    expect(week.attendanceByWeek.at(-2)).toEqual({ weekOf: "2026-02-09", possible: 1, present: 1, attendancePercent: 100 });
    expect(week.attendanceByWeek[0]).toEqual({ weekOf: "2025-08-25", possible: 0, present: 0, attendancePercent: undefined });
  });

  it("carries no pupil's name anywhere in its figures", () => {
    const text = JSON.stringify(week);
    for (const c of cases) expect(text).not.toContain(c.PupilFirstName);
    expect(text).not.toContain("Quintrell");
  });
});
