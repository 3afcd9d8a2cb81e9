import { describe, expect, it } from "vitest";
import { dailyRegister, latestMarks, markInputSchema, missingByProvider, morningAlert, type PupilPlacement, type RecordedMark } from "../../../src/domain/attendance";
import { schoolCalendarFor, shippedCalendars, isSchoolDay } from "../../../src/domain/calendar";
import { attendanceWeek, expectedRegister, expectedThursdayCodes, type FixtureMark } from "../../../sandbox/attendance/attendanceFixture";

const leics = schoolCalendarFor(shippedCalendars.leicestershire!);
const recorded = (marks: readonly FixtureMark[]): RecordedMark[] =>
  marks.map((m) => {
    const { version: v, ...input } = m;
    const version = v ?? 1;
    return { ...markInputSchema.parse(input), version, markKey: `${m.caseRef}:${m.date}:${m.session}:${version}`, recordedAt: `${m.date}T09:00:0${version}Z` };
  });
const placements: PupilPlacement[] = attendanceWeek.pupils.map((p) => ({
  caseRef: p.caseRef,
  schoolUrn: p.schoolUrn,
  pupil: { firstName: p.firstName, lastName: p.lastName, upn: p.upn, yearGroup: p.yearGroup },
  basis: p.basis,
  pattern: p.pattern,
  startDate: p.startDate,
}));
const marks = latestMarks(recorded(attendanceWeek.marks));
const describeCode = (s: { kind: string; code?: string }) => (s.kind === "code" ? s.code : s.kind === "schoolDecides" ? "school decides" : s.kind === "notYetRecorded" ? "not yet recorded" : "home school");

describe("the daily register", () => {
  it("matches the hand-computed register for B, K and D placements (Thursday)", () => {
    const rows = dailyRegister(placements, marks, leics, "2026-11-26");
    for (const row of rows.filter((r) => r.placement.caseRef !== "LNCIP-2026-9004")) {
      const want = expectedRegister[row.placement.caseRef as keyof typeof expectedRegister];
      expect(row.thisPlacement.attendancePercent, row.placement.caseRef).toBe(want.attendancePercent);
      expect(row.thisPlacement.absencePercent).toBe(want.absencePercent);
      expect(row.thisTerm.attendancePercent).toBe(want.attendancePercent);
      expect({ persistent: row.flags.persistent, severe: row.flags.severe, u: row.flags.unauthorisedInTenWeeks, days: row.flags.daysAbsent }).toEqual({ persistent: want.persistent, severe: want.severe, u: want.unauthorisedInTenWeeks, days: want.daysAbsent });
      const codes = expectedThursdayCodes[row.placement.caseRef as keyof typeof expectedThursdayCodes];
      expect([describeCode(row.am.suggested), describeCode(row.pm.suggested)]).toEqual(codes);
    }
  });

  it("keeps the reason given for an absence and lets the latest correction win", () => {
    const row = dailyRegister(placements, marks, leics, "2026-11-26").find((r) => r.placement.caseRef === "LNCIP-2026-9001")!;
    expect(row.pm).toMatchObject({ happened: "absent", corrected: true, suggested: { kind: "schoolDecides", reasonGiven: "Family matter" } });
    expect(row.am).toMatchObject({ happened: "attended", providerCode: "V", suggested: { kind: "code", code: "B" } });
  });

  it("suggests K and D by the placement's basis, and C2 for an agreed part-time session", () => {
    const rows = dailyRegister(placements, marks, leics, "2026-11-25");
    const k = rows.find((r) => r.placement.caseRef === "LNCIP-2026-9002")!;
    const d = rows.find((r) => r.placement.caseRef === "LNCIP-2026-9003")!;
    expect([describeCode(k.am.suggested), describeCode(k.pm.suggested)]).toEqual(["C2", "K"]);
    expect([describeCode(d.am.suggested), describeCode(d.pm.suggested)]).toEqual(["C2", "D"]);
  });

  it("flags 10 unauthorised sessions in 10 school weeks and 15 days' absence", () => {
    const row = dailyRegister(placements, marks, leics, "2026-11-27").find((r) => r.placement.caseRef === "LNCIP-2026-9004")!;
    const want = expectedRegister["LNCIP-2026-9004"];
    expect(row.thisPlacement).toMatchObject({ possible: 40, present: 10, authorised: 15, unauthorised: 15, attendancePercent: want.attendancePercent, absencePercent: want.absencePercent });
    expect(row.flags).toEqual({ persistent: true, severe: true, unauthorisedInTenWeeks: 15, absentAwaitingCodeInTenWeeks: 0, penaltyNoticeTrigger: true, daysAbsent: 15, fifteenDaysAbsence: true });
    expect(row.flagged).toBe(true);
  });

  it("shows a session the provider has not recorded as not yet recorded, and groups it for the chase", () => {
    const rows = dailyRegister(placements, marks, leics, "2026-11-26");
    const d = rows.find((r) => r.placement.caseRef === "LNCIP-2026-9003")!;
    expect(d.pm.happened).toBe("notYetRecorded");
    expect(d.notYetRecorded.map((l) => `${l.date} ${l.session}`)).toEqual(["2026-11-26 PM"]);
    const chase = missingByProvider(rows);
    expect([...chase.keys()]).toEqual(["north-works"]);
    expect(chase.get("north-works")!.sessions.map((s) => s.caseRef)).toEqual(["LNCIP-2026-9003"]);
  });

  it("never drops an unrecorded session: the last ten school days listed, older ones counted", () => {
    // 9003 (all off site) recorded nothing after Thu 26 AM: 26 PM, 27 and 30 Nov–18 Dec = 1 + 2 + 30 = 33 sessions.
    const row = dailyRegister(placements, marks, leics, "2026-12-18").find((r) => r.placement.caseRef === "LNCIP-2026-9003")!;
    expect(row.notYetRecorded).toHaveLength(22); // 4–18 December: 11 school days
    expect(row.olderNotYetRecorded).toBe(11);
  });

  it("judges on marks, not gaps: a placement the provider never recorded is chased and flags nothing", () => {
    // 9003 recorded nothing after Thursday 26 AM: three weeks later its figures are those of its five recorded sessions.
    const row = dailyRegister(placements, marks, leics, "2026-12-18").find((r) => r.placement.caseRef === "LNCIP-2026-9003")!;
    expect(row.thisPlacement).toMatchObject({ possible: 5, present: 3, authorised: 2, unauthorised: 0, absentAwaitingCode: 0 });
    expect(row.flags).toMatchObject({ unauthorisedInTenWeeks: 0, absentAwaitingCodeInTenWeeks: 0, daysAbsent: 1, penaltyNoticeTrigger: false, fifteenDaysAbsence: false });
    expect(row.notYetRecorded.every((l) => l.happened === "notYetRecorded" && l.suggested.kind === "notYetRecorded")).toBe(true);
    // 9001's absence with no code is the school's to decide: an absence, not an unauthorised session.
    const r9001 = dailyRegister(placements, marks, leics, "2026-11-27").find((r) => r.placement.caseRef === "LNCIP-2026-9001")!;
    expect(r9001.thisPlacement).toMatchObject({ unauthorised: 0, absentAwaitingCode: 1, absencePercent: 50 });
    expect(r9001.flags).toMatchObject({ unauthorisedInTenWeeks: 0, absentAwaitingCodeInTenWeeks: 1 });
  });

  it("shows home-school days as the school's own register", () => {
    const row = dailyRegister(placements, marks, leics, "2026-11-27").find((r) => r.placement.caseRef === "LNCIP-2026-9001")!;
    expect([row.am.happened, row.am.suggested.kind]).toEqual(["notExpected", "homeSchoolMark"]);
  });

  it("puts only AM absences and unmarked AM sessions in the morning alert", () => {
    const alert = morningAlert(placements, marks, "2026-11-24").map((a) => [a.placement.caseRef, a.line.happened]);
    expect(alert).toEqual([["LNCIP-2026-9001", "absent"], ["LNCIP-2026-9002", "late"]]);
    expect(morningAlert(placements, marks, "2026-11-23")).toEqual([]);
    expect(isSchoolDay(leics, attendanceWeek.saturday)).toBe(false);
  });

  it("refuses a mark whose provider code does not fit what happened", () => {
    const bad = markInputSchema.safeParse({ caseRef: "LNCIP-2026-9001", date: "2026-11-23", session: "AM", happened: "attended", providerCode: "I", recordedBy: "x" });
    expect(bad.success).toBe(false);
    expect(markInputSchema.safeParse({ caseRef: "LNCIP-2026-9001", date: "2026-11-23", session: "AM", happened: "late", recordedBy: "x" }).success).toBe(false);
  });
});
