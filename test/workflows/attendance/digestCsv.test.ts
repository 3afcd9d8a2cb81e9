import { describe, expect, it } from "vitest";
import { dailyRegister, latestMarks, markInputSchema, type PupilPlacement, type RecordedMark } from "../../../src/domain/attendance";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";
import { attendanceWeek } from "../../../sandbox/attendance/attendanceFixture";
import { DIGEST_CSV_COLUMNS, digestCsv } from "../../../src/workflows/attendance/attendanceMessages";

/**
 * The digest's CSV as a school's spreadsheet or MIS reads it: every cell quoted, so a semicolon (the separator in
 * many locales), a comma, a quote or a line break in a name or a reason never splits a row, and nothing runs as a
 * formula.
 */
const leics = schoolCalendarFor(shippedCalendars.leicestershire!);

describe("the attendance digest's CSV", () => {
  it("quotes every cell, keeping a name or reason with ; , \" or a line break in its own cell", () => {
    const pupil = attendanceWeek.pupils[0]!;
    const placement: PupilPlacement = { caseRef: pupil.caseRef, schoolUrn: pupil.schoolUrn, pupil: { firstName: 'Jo "JJ"; Ann', lastName: "=cmd|' /C calc'!A0", upn: pupil.upn, yearGroup: pupil.yearGroup }, basis: pupil.basis, pattern: pupil.pattern, startDate: pupil.startDate };
    const day = "2026-11-26";
    const marks: RecordedMark[] = (["AM", "PM"] as const).map((session, i) => ({
      ...markInputSchema.parse({ caseRef: pupil.caseRef, date: day, session, happened: "absent", reasonGiven: "ill; back tomorrow, maybe", recordedBy: "office@riverside.example" }),
      version: 1,
      markKey: `${pupil.caseRef}:${day}:${session}:1`,
      recordedAt: `${day}T09:0${i}:00Z`,
    }));
    const csv = digestCsv(dailyRegister([placement], latestMarks(marks), leics, day));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(DIGEST_CSV_COLUMNS.map((c) => `"${c}"`).join(","));
    for (const line of lines) expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    expect(lines[1]).toContain('"ill; back tomorrow, maybe"');
    expect(lines[1]).toContain('"Jo ""JJ""; Ann"');
    expect(lines[1]).toContain(`"'=cmd|' /C calc'!A0"`);
  });
});
