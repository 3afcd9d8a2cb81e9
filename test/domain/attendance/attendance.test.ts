import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  absenceFlags,
  asSessionMark,
  attendanceCodes,
  attendanceStatistics,
  categoryOf,
  suggestedHomeSchoolCode,
  type AttendanceCode,
  type SessionMark,
} from "../../../src/domain/attendance";
import { schoolCalendarFor, schoolDaysIn, shippedCalendars } from "../../../src/domain/calendar";

const leics = schoolCalendarFor(shippedCalendars.leicestershire!);
const allCodes = Object.keys(attendanceCodes) as AttendanceCode[];
const marks = (codes: AttendanceCode[], days = schoolDaysIn(leics, "2026-09-01", "2026-12-18")): SessionMark[] =>
  codes.map((code, i) => ({ day: days[Math.floor(i / 2)]!, session: i % 2 === 0 ? "AM" : "PM", code }));

describe("attendance codes", () => {
  it("count as the 2024 regulations say", () => {
    expect(["/", "\\", "L"].map((c) => categoryOf(c as AttendanceCode))).toEqual(["present", "present", "present"]);
    expect(["K", "V", "P", "W", "B"].map((c) => categoryOf(c as AttendanceCode))).toEqual(Array(5).fill("attendingElsewhere"));
    expect(["C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"].every((c) => categoryOf(c as AttendanceCode) === "authorisedAbsence")).toBe(true);
    expect(["G", "N", "O", "U"].every((c) => categoryOf(c as AttendanceCode) === "unauthorisedAbsence")).toBe(true);
    expect(["D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"].every((c) => categoryOf(c as AttendanceCode) === "notPossible")).toBe(true);
  });
  it("let a partnership decide how Q counts", () => {
    expect(categoryOf("Q", { categoryOverrides: { Q: "authorisedAbsence" } })).toBe("authorisedAbsence");
  });
});

describe("attendanceStatistics", () => {
  it("divides present and attending-elsewhere by possible sessions", () => {
    expect(attendanceStatistics(marks(["/", "I", "D", "B"]))).toEqual({
      possible: 3, present: 2, authorised: 1, unauthorised: 0, absentAwaitingCode: 0, attendancePercent: 66.7, absencePercent: 33.3,
    });
  });
  it("matches Arbor's worked example: 26 present and 26 U is 50 %", () => {
    const s = attendanceStatistics(marks([...Array(26).fill("/"), ...Array(26).fill("U")]));
    expect(s.attendancePercent).toBe(50);
    expect(s.unauthorised).toBe(26);
  });
  it("has no percentage, rather than NaN, when nothing was possible", () => {
    expect(attendanceStatistics(marks(["D", "X", "#"]))).toMatchObject({ possible: 0, attendancePercent: undefined, absencePercent: undefined });
  });
  it("always gives percentages within 0..100 and never counts D, X, Q, Y1–Y7, Z or # as possible", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...allCodes), { maxLength: 120 }), (codes) => {
        const s = attendanceStatistics(marks(codes));
        const notPossible = codes.filter((c) => ["D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"].includes(c)).length;
        expect(s.possible).toBe(codes.length - notPossible);
        for (const p of [s.attendancePercent, s.absencePercent]) if (p !== undefined) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThanOrEqual(100);
        if (s.possible > 0) expect(Math.abs((s.attendancePercent ?? 0) + (s.absencePercent ?? 0) - 100)).toBeLessThanOrEqual(0.1);
      }),
    );
  });
});

describe("absenceFlags", () => {
  it("flags persistent absence at 10 % and severe absence at 50 %", () => {
    const nine = marks([...Array(91).fill("/"), ...Array(9).fill("I")]);
    const ten = marks([...Array(90).fill("/"), ...Array(10).fill("I")]);
    expect(absenceFlags(nine, leics, "2026-12-18").persistent).toBe(false);
    expect(absenceFlags(ten, leics, "2026-12-18").persistent).toBe(true);
    expect(absenceFlags(marks([...Array(51).fill("/"), ...Array(49).fill("O")]), leics, "2026-12-18").severe).toBe(false);
    expect(absenceFlags(marks([...Array(50).fill("/"), ...Array(50).fill("O")]), leics, "2026-12-18").severe).toBe(true);
  });
  it("counts unauthorised sessions only within the last 10 school weeks", () => {
    const days = schoolDaysIn(leics, "2026-09-01", "2026-12-18");
    const early = Array.from({ length: 10 }, (_, i) => ({ day: days[i]!, session: "AM" as const, code: "O" as const }));
    const late = Array.from({ length: 10 }, (_, i) => ({ day: days[days.length - 1 - i]!, session: "AM" as const, code: "G" as const }));
    expect(absenceFlags(early, leics, "2026-12-18")).toMatchObject({ unauthorisedInTenWeeks: 0, penaltyNoticeTrigger: false });
    expect(absenceFlags(late, leics, "2026-12-18")).toMatchObject({ unauthorisedInTenWeeks: 10, penaltyNoticeTrigger: true });
  });
  it("judges on recorded codes only: an absence no one has coded is missed time, never an unauthorised session", () => {
    const days = schoolDaysIn(leics, "2026-11-02", "2026-12-18");
    // Twelve absences the provider recorded without a code (what happened: absent, reason not yet given).
    const uncoded = days.slice(-12).map((day) => asSessionMark({ date: day, session: "AM", happened: "absent" }));
    const flags = absenceFlags(uncoded, leics, "2026-12-18");
    expect(flags).toMatchObject({ unauthorisedInTenWeeks: 0, absentAwaitingCodeInTenWeeks: 12, penaltyNoticeTrigger: false, daysAbsent: 6, severe: true });
    expect(attendanceStatistics(uncoded)).toMatchObject({ possible: 12, unauthorised: 0, absentAwaitingCode: 12, absencePercent: 100 });
    // The same sessions with the provider's own unauthorised code do count.
    const coded = days.slice(-12).map((day) => asSessionMark({ date: day, session: "AM", happened: "absent", providerCode: "O" }));
    expect(absenceFlags(coded, leics, "2026-12-18")).toMatchObject({ unauthorisedInTenWeeks: 12, absentAwaitingCodeInTenWeeks: 0, penaltyNoticeTrigger: true });
    // Sessions never marked are not passed in at all, so they count nowhere: nothing is flagged from gaps.
    expect(absenceFlags([], leics, "2026-12-18")).toMatchObject({ persistent: false, severe: false, unauthorisedInTenWeeks: 0, daysAbsent: 0 });
  });
  it("flags 15 days' absence at 30 absent sessions, authorised or not", () => {
    expect(absenceFlags(marks([...Array(29).fill("I")]), leics, "2026-12-18").fifteenDaysAbsence).toBe(false);
    expect(absenceFlags(marks([...Array(15).fill("I"), ...Array(15).fill("O")]), leics, "2026-12-18")).toMatchObject({ daysAbsent: 15, fifteenDaysAbsence: true });
  });
});

describe("suggestedHomeSchoolCode", () => {
  it("suggests the placement's basis code for a session attended off site", () => {
    expect(suggestedHomeSchoolCode({ happened: "attended", expectedAt: "alternativeProvision" }, "B")).toMatchObject({ kind: "code", code: "B" });
    expect(suggestedHomeSchoolCode({ happened: "late", expectedAt: "centre" }, "K")).toMatchObject({ kind: "code", code: "K" });
    expect(suggestedHomeSchoolCode({ happened: "attended", expectedAt: "centre" }, "D")).toMatchObject({ kind: "code", code: "D" });
  });
  it("never invents a code for an absence: it passes the reason on and the school decides", () => {
    expect(suggestedHomeSchoolCode({ happened: "absent", expectedAt: "centre", reasonGiven: "Mum rang: dentist" }, "B")).toEqual({
      kind: "schoolDecides", reasonGiven: "Mum rang: dentist", why: expect.stringMatching(/school decides/),
    });
  });
  it("leaves a home-school day to the school's own register, and says when nothing is recorded yet", () => {
    expect(suggestedHomeSchoolCode({ happened: "attended", expectedAt: "homeSchool" }, "B").kind).toBe("homeSchoolMark");
    expect(suggestedHomeSchoolCode({ happened: "notYetRecorded", expectedAt: "centre" }, "B").kind).toBe("notYetRecorded");
    expect(suggestedHomeSchoolCode({ happened: "notAttendingByArrangement", expectedAt: "none" }, "B")).toMatchObject({ code: "C2" });
  });
});
