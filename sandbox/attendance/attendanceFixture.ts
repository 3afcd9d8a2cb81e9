/**
 * Attendance test data, shared by the domain tests, the sandbox end-to-end tests and (later) the benchmark:
 *
 * - `attendanceWeek`: a hand-checked week (Mon 23 – Fri 27 November 2026, Leicestershire calendar) of marks
 *   across every DfE code category for a B-, a K- and a D-basis placement and one long placement with a term of
 *   absence, with the register a person worked out from them (`expectedRegister`).
 * - `bigPartnership`: n schools and m pupils with placements and a day's marks, deterministic, for scale runs.
 * - `seedAttendance`: writes either into the Graph sandbox's lists directly (fast, no Graph round trips).
 */
import type { SitesArea } from "../graph/areas/sites";
import type { MailArea } from "../graph/areas/mail";
import { demoSchools, demoSite } from "../demo/demoTenant";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { schoolDaysIn, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import type { MarkInput } from "../../src/domain/attendance";
import { attendanceList, placementsList, schoolsList, toListFields } from "../../src/domain/lists";
import type { AttendanceBasis, Provider, WeeklyPattern } from "../../src/domain/placement";

export interface FixtureSchool {
  Urn: string;
  SchoolName: string;
  AttendanceLeadEmail: string;
  SencoEmail: string;
  DslEmail: string;
  FinanceEmail: string;
  EmailDomain?: string;
  CalendarOverride?: string;
}
export interface FixturePupil {
  caseRef: string;
  schoolUrn: string;
  firstName: string;
  lastName: string;
  upn: string;
  yearGroup: number;
  dateOfBirth: string;
  basis: AttendanceBasis;
  pattern: WeeklyPattern;
  startDate: string;
  endDate?: string;
}
export interface FixtureMark extends MarkInput {
  /** 1 unless this mark corrects an earlier one. */
  version?: number;
}

export const riverside: Provider = { id: "riverside-ap", name: "Riverside AP", registered: true, email: "office@riverside-ap.example" };
export const northWorks: Provider = { id: "north-works", name: "North Works", registered: false };

const centre = { location: "centre" as const, hours: 6.5 };
const home = { location: "homeSchool" as const, hours: 6.5 };
const ap = (provider: Provider) => ({ location: "alternativeProvision" as const, hours: 6.5, provider });
/** Years 7–8: Mon centre, Tue AP, Wed home, Thu AP, Fri home. */
export const ks3Pattern: WeeklyPattern = { monday: centre, tuesday: ap(riverside), wednesday: home, thursday: ap(riverside), friday: home };
/** Year 9 / KS4 full time: Mon centre, Tue AP, Wed centre, Thu AP, Fri AP. */
export const fullPattern = (p: Provider): WeeklyPattern => ({ monday: centre, tuesday: ap(p), wednesday: centre, thursday: ap(p), friday: ap(p) });
export const allCentre: WeeklyPattern = { monday: centre, tuesday: centre, wednesday: centre, thursday: centre, friday: centre };

/** A valid UPN from a number (check letter computed, never a real pupil's). */
export function fixtureUpn(n: number): string {
  const twelve = `856${String(4000 + (n % 5000)).padStart(4, "0")}26${String(n % 1000).padStart(3, "0")}`;
  return `${upnCheckLetter(twelve)}${twelve}`;
}

const [oakfield, brookside, hillcrest] = demoSchools as [FixtureSchool, FixtureSchool, FixtureSchool];

/** The week's schools: Brookside has an INSET day on Friday 27 November (its calendar override). */
export const weekSchools: FixtureSchool[] = [oakfield, { ...brookside, CalendarOverride: "2026-11-27" }, hillcrest];

const by = "staff@lncip.example";
const m = (caseRef: string, date: string, session: "AM" | "PM", rest: Partial<FixtureMark> & Pick<FixtureMark, "happened">): FixtureMark => ({ caseRef, date, session, recordedBy: by, ...rest });

/** The week (see the file comment). Case numbers 9001–9004 so they never meet intake's. */
export const attendanceWeek = {
  monday: "2026-11-23",
  days: ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"],
  saturday: "2026-11-28",
  schools: weekSchools,
  pupils: [
    // B basis, Years 7–8 pattern, at Oakfield.
    { caseRef: "LNCIP-2026-9001", schoolUrn: oakfield.Urn, firstName: "Amelia", lastName: "Quartermaine", upn: fixtureUpn(9001), yearGroup: 8, dateOfBirth: "2013-03-14", basis: "B", pattern: ks3Pattern, startDate: "2026-11-23" },
    // K basis, Year 9 pattern, at Brookside.
    { caseRef: "LNCIP-2026-9002", schoolUrn: brookside.Urn, firstName: "Bartholomew", lastName: "Fairweather", upn: fixtureUpn(9002), yearGroup: 9, dateOfBirth: "2012-07-02", basis: "K", pattern: fullPattern(riverside), startDate: "2026-11-23" },
    // D basis (dual registered), KS4 full time, at Brookside, from Tuesday.
    { caseRef: "LNCIP-2026-9003", schoolUrn: brookside.Urn, firstName: "Cordelia", lastName: "Pemberton", upn: fixtureUpn(9003), yearGroup: 10, dateOfBirth: "2011-01-30", basis: "D", pattern: fullPattern(northWorks), startDate: "2026-11-24" },
    // B basis, every day at the centre since 2 November, at Hillcrest: three weeks absent, then a good week.
    { caseRef: "LNCIP-2026-9004", schoolUrn: hillcrest.Urn, firstName: "Desmond", lastName: "Oyelaran", upn: fixtureUpn(9004), yearGroup: 11, dateOfBirth: "2010-05-21", basis: "B", pattern: allCentre, startDate: "2026-11-02" },
  ] satisfies FixturePupil[],
  marks: [
    // 9001 (B): Mon centre, Tue AP, Thu AP; Wed and Fri at Oakfield (no marks).
    m("LNCIP-2026-9001", "2026-11-23", "AM", { happened: "attended" }),
    m("LNCIP-2026-9001", "2026-11-23", "PM", { happened: "late", lateMinutes: 10 }),
    m("LNCIP-2026-9001", "2026-11-24", "AM", { happened: "absent", reasonGiven: "Unwell (parent rang)", providerCode: "I" }),
    m("LNCIP-2026-9001", "2026-11-24", "PM", { happened: "absent", reasonGiven: "Unwell (parent rang)", providerCode: "I" }),
    m("LNCIP-2026-9001", "2026-11-26", "AM", { happened: "attended", providerCode: "V" }),
    m("LNCIP-2026-9001", "2026-11-26", "PM", { happened: "attended" }),
    // …corrected: they had in fact gone home.
    m("LNCIP-2026-9001", "2026-11-26", "PM", { happened: "absent", reasonGiven: "Family matter", version: 2 }),
    // 9002 (K): Mon centre, Tue AP, Wed centre, Thu AP, Fri AP (Brookside closed Friday).
    m("LNCIP-2026-9002", "2026-11-23", "AM", { happened: "attended" }),
    m("LNCIP-2026-9002", "2026-11-23", "PM", { happened: "attended" }),
    m("LNCIP-2026-9002", "2026-11-24", "AM", { happened: "late", lateMinutes: 25, providerCode: "U" }),
    m("LNCIP-2026-9002", "2026-11-24", "PM", { happened: "attended" }),
    m("LNCIP-2026-9002", "2026-11-25", "AM", { happened: "notAttendingByArrangement", providerCode: "X" }),
    m("LNCIP-2026-9002", "2026-11-25", "PM", { happened: "attended" }),
    m("LNCIP-2026-9002", "2026-11-26", "AM", { happened: "absent", reasonGiven: "Holiday", providerCode: "G" }),
    m("LNCIP-2026-9002", "2026-11-26", "PM", { happened: "absent", reasonGiven: "Bus cancelled", providerCode: "Y1" }),
    m("LNCIP-2026-9002", "2026-11-27", "AM", { happened: "attended" }),
    m("LNCIP-2026-9002", "2026-11-27", "PM", { happened: "attended" }),
    // 9003 (D) from Tuesday; Thursday PM never recorded by North Works.
    m("LNCIP-2026-9003", "2026-11-24", "AM", { happened: "attended" }),
    m("LNCIP-2026-9003", "2026-11-24", "PM", { happened: "attended" }),
    m("LNCIP-2026-9003", "2026-11-25", "AM", { happened: "notAttendingByArrangement" }),
    m("LNCIP-2026-9003", "2026-11-25", "PM", { happened: "attended", providerCode: "P" }),
    m("LNCIP-2026-9003", "2026-11-26", "AM", { happened: "absent", reasonGiven: "Dentist", providerCode: "M" }),
    // 9004 (B, all centre): 2–20 Nov AM unauthorised (O), PM ill (I); 23–27 Nov all attended.
    ...schoolDaysIn(schoolCalendarFor(shippedCalendars.leicestershire!), "2026-11-02", "2026-11-20").flatMap((d) => [
      m("LNCIP-2026-9004", d, "AM", { happened: "absent", reasonGiven: "Not known", providerCode: "O" }),
      m("LNCIP-2026-9004", d, "PM", { happened: "absent", reasonGiven: "Unwell", providerCode: "I" }),
    ]),
    ...["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"].flatMap((d) => [m("LNCIP-2026-9004", d, "AM", { happened: "attended" }), m("LNCIP-2026-9004", d, "PM", { happened: "attended" })]),
  ] satisfies FixtureMark[],
};

/**
 * The register worked out by hand from `attendanceWeek` (possible = present + authorised + unauthorised):
 *
 * - 9001 (B) through Thu/Fri: Mon `/` `L`, Tue `I` `I`, Thu `V` and (corrected) absent with no code, which the
 *   school decides: possible 6, present 3, authorised 2, 1 awaiting the school's code → 50 % attendance, 50 %
 *   absence: persistent and severe; no recorded unauthorised session.
 * - 9002 (K) through Thu: Mon `/` `\`, Tue `U` `\`, Wed `X` `\`, Thu `G` `Y1`. X and Y1 are not possible:
 *   possible 6, present 4, unauthorised 2 → 66.7 %, absence 33.3 %: persistent, not severe.
 * - 9003 (D) through Thu: Tue `/` `\`, Wed `C2` `P`, Thu `M`, Thu PM not yet recorded (left out).
 *   Possible 5, present 3, authorised 2 → 60 %, absence 40 %: persistent.
 * - 9004 (B) on Fri 27: 15 days × (`O`, `I`) + 5 days attended: possible 40, present 10, authorised 15,
 *   unauthorised 15 → 25 %, absence 75 %: persistent, severe, 15 unauthorised in 10 weeks (≥ 10), 15 days' absence.
 */
export const expectedRegister = {
  "LNCIP-2026-9001": { attendancePercent: 50, absencePercent: 50, persistent: true, severe: true, unauthorisedInTenWeeks: 0, daysAbsent: 1.5, penaltyNoticeTrigger: false, fifteenDaysAbsence: false },
  "LNCIP-2026-9002": { attendancePercent: 66.7, absencePercent: 33.3, persistent: true, severe: false, unauthorisedInTenWeeks: 2, daysAbsent: 1, penaltyNoticeTrigger: false, fifteenDaysAbsence: false },
  "LNCIP-2026-9003": { attendancePercent: 60, absencePercent: 40, persistent: true, severe: false, unauthorisedInTenWeeks: 0, daysAbsent: 1, penaltyNoticeTrigger: false, fifteenDaysAbsence: false },
  "LNCIP-2026-9004": { attendancePercent: 25, absencePercent: 75, persistent: true, severe: true, unauthorisedInTenWeeks: 15, daysAbsent: 15, penaltyNoticeTrigger: true, fifteenDaysAbsence: true },
} as const;

/** Thursday 26 November's suggested codes per pupil (AM, PM), as the digest should show them. */
export const expectedThursdayCodes = {
  "LNCIP-2026-9001": ["B", "school decides"],
  "LNCIP-2026-9002": ["school decides", "school decides"],
  "LNCIP-2026-9003": ["school decides", "not yet recorded"],
} as const;

/**
 * A partnership of `schools` schools and `pupils` pupils (spread evenly), every placement running on `day` with
 * the all-centre pattern and one mark per session; every 7th pupil absent in the AM. Deterministic.
 */
export function bigPartnership(schools: number, pupils: number, day = "2026-11-23"): { schools: FixtureSchool[]; pupils: FixturePupil[]; marks: FixtureMark[] } {
  const schoolRows: FixtureSchool[] = Array.from({ length: schools }, (_, i) => ({
    Urn: String(200000 + i),
    SchoolName: `Test School ${i + 1}`,
    AttendanceLeadEmail: `attendance@school${i + 1}.example`,
    SencoEmail: `senco@school${i + 1}.example`,
    DslEmail: `dsl@school${i + 1}.example`,
    FinanceEmail: `finance@school${i + 1}.example`,
    EmailDomain: `school${i + 1}.example`,
  }));
  const pupilRows: FixturePupil[] = Array.from({ length: pupils }, (_, i) => ({
    caseRef: `LNCIP-2026-${String(10000 + i)}`,
    schoolUrn: (schoolRows[i % schools] as FixtureSchool).Urn,
    firstName: `Forename${i}`,
    lastName: `Surname${i}`,
    upn: fixtureUpn(i),
    yearGroup: 7 + (i % 5),
    dateOfBirth: "2012-01-01",
    basis: (["B", "K", "D"] as const)[i % 3] as AttendanceBasis,
    pattern: allCentre,
    startDate: day,
  }));
  const marks: FixtureMark[] = pupilRows.flatMap((p, i) => [
    i % 7 === 0 ? m(p.caseRef, day, "AM", { happened: "absent", reasonGiven: "Unwell" }) : m(p.caseRef, day, "AM", { happened: "attended" }),
    m(p.caseRef, day, "PM", { happened: "attended" }),
  ]);
  return { schools: schoolRows, pupils: pupilRows, marks };
}

/** The list rows the fixtures stand for, as SharePoint fields. */
export function caseFields(p: FixturePupil): Record<string, unknown> {
  return { Title: p.caseRef, Status: "In placement", WorkflowStatus: "In placement", Named: true, KeyStage: p.yearGroup <= 9 ? "KS3" : "KS4", SchoolUrn: p.schoolUrn, PupilFirstName: p.firstName, PupilLastName: p.lastName, Upn: p.upn, PupilDateOfBirth: p.dateOfBirth, YearGroup: p.yearGroup, ReceivedAt: "2026-10-01T09:00:00Z", WorkflowVersion: 1 };
}
export function placementFields(p: FixturePupil): Record<string, unknown> {
  return {
    Title: p.caseRef,
    ...toListFields(placementsList, {
      CaseRef: p.caseRef,
      KeyStage: p.yearGroup <= 9 ? "KS3" : "KS4",
      Pattern: JSON.stringify(p.pattern),
      StartDate: p.startDate,
      EndDate: p.endDate,
      AttendanceBasis: p.basis,
      PurchaseOrderNumber: "PO-1",
      PlacementStatus: "active",
      UnregisteredProviderWarning: undefined,
    }),
  };
}
export function markFields(mk: FixtureMark): Record<string, unknown> {
  const version = mk.version ?? 1;
  const key = `${mk.caseRef}:${mk.date}:${mk.session}:${version}`;
  return {
    Title: key,
    ...toListFields(attendanceList, {
      MarkKey: key,
      CaseRef: mk.caseRef,
      Date: mk.date,
      Session: mk.session,
      Happened: mk.happened,
      LateMinutes: mk.lateMinutes,
      AbsenceReason: mk.reasonGiven,
      ProviderCode: mk.providerCode,
      RecordedBy: mk.recordedBy,
      RecordedAt: `${mk.date}T${mk.session === "AM" ? "09:30" : "13:30"}:0${version}Z`,
      Version: version,
      CorrectionOf: version > 1 ? `${mk.caseRef}:${mk.date}:${mk.session}:${version - 1}` : undefined,
    }),
  };
}

/** Writes schools, cases, placements and marks straight into the sandbox's lists (and the schools' mailboxes). */
export function seedAttendance(sites: SitesArea, mail: MailArea, data: { schools: FixtureSchool[]; pupils: FixturePupil[]; marks: FixtureMark[] }, replaceSchools = true): void {
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  if (replaceSchools) {
    const existing = new Set(sites.items(siteId, "Schools").map((i) => String(i.fields.Urn)));
    for (const s of data.schools) {
      const fields = toListFields(schoolsList, s);
      if (existing.has(s.Urn)) {
        const item = sites.items(siteId, "Schools").find((i) => String(i.fields.Urn) === s.Urn)!;
        sites.patchAsPerson(siteId, "Schools", item.id, fields, "seed");
      } else sites.addItem(siteId, "Schools", fields);
      for (const role of ["AttendanceLeadEmail", "DslEmail"] as const) mail.addMailbox(s[role], `${s.SchoolName} ${role}`);
    }
  }
  for (const p of data.pupils) {
    sites.addItem(siteId, "Cases", caseFields(p));
    sites.addItem(siteId, "Placements", placementFields(p));
  }
  for (const mk of data.marks) sites.addItem(siteId, "Attendance", markFields(mk));
}
