import { markKeyOf } from "../../src/domain/attendance";
import { academicYearOf, addDays, addSchoolDays, isSchoolDay, londonDay, mondayOf, schoolCalendarFor, schoolDaysIn, shippedCalendars, type Day } from "../../src/domain/calendar";
import { attendanceList, casesList, decisionsList, placementsList, qualificationsList, reviewsList, toListFields, visitsList, type AttendanceRow, type CasesRow, type DecisionsRow, type ListDefinition, type PlacementsRow, type QualificationsRow, type ReviewsRow, type VisitsRow } from "../../src/domain/lists";
import type { ProgressBand, QualificationLevel } from "../../src/domain/lists/outcomeLists";
import { expectedOn } from "../../src/domain/attendance/dailyRegister";
import { standardPattern, type WeeklyPattern } from "../../src/domain/placement/weeklyPattern";
import { providerHoursText } from "../../src/domain/placement/providers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { reviewKey, reviewSchedule } from "../../src/domain/reviews";
import type { GraphArea, SandboxContext } from "../graph/routing";
import type { SitesArea } from "../graph/areas/sites";
import { demoSchools, demoSite } from "./demoTenant";
import type { z } from "zod";

/**
 * A year and a term of the demo partnership's history, relative to the day `npm start` runs, so the Director's week
 * and the annual summary have something to show (sandbox/demo only; the tests' seed has none of it):
 *
 * - the academic year before this one: Key Stage 3 pupils on the English and maths tuition programmes with a band at
 *   every review, Key Stage 4 pupils with their qualifications and exits (destination, EET offer, C-CAP 30), all
 *   placements ended by the summer — `npm run report:progress -- --year 2025/26` summarises it;
 * - this academic year so far: placements running (with their patterns, reviews with bands, visits and every session
 *   mark to yesterday), one starting and one ending this week, two referrals in triage, last week's decisions.
 *
 * It is what the app itself would have left in the lists — statuses as the workflow recorded them, each placement's
 * reviews exactly as the app schedules them, marks numbered — so the app, reading the lists at start-up, finds
 * nothing to do. Cases waiting for a Core Group are left to the Core Group demo.
 *
 * @example
 * const h = demoHistory("2026-12-02");
 * h.placements.filter((p) => p.PlacementStatus === "active").length // 20
 */
export interface DemoHistory {
  cases: CasesRow[];
  placements: PlacementsRow[];
  reviews: ReviewsRow[];
  decisions: DecisionsRow[];
  qualifications: QualificationsRow[];
  visits: VisitsRow[];
  marks: AttendanceRow[];
}

const calendarSource = shippedCalendars.leicestershire!;
const calendar = schoolCalendarFor(calendarSource);
const riverside = { id: "riverside", name: "Riverside Alternative Provision", registered: false, email: "office@riverside-ap.example" };
const hillview = { id: "hillview", name: "Hillview Independent School", registered: true, email: "admissions@hillview.example" };
const firstNames = ["Ava", "Oliver", "Isla", "Noah", "Freya", "Jack", "Poppy", "Harry", "Mia", "Leo", "Ruby", "Alfie", "Grace", "Arlo", "Evie", "Theo", "Daisy", "Oscar", "Lily", "Finley", "Ivy", "Reggie", "Rosie", "Tommy", "Sienna", "Ezra", "Maisie", "Jude", "Willow", "Rory", "Esme", "Louis", "Hallie", "Arthur", "Nancy", "Teddy"];
const lastNames = ["Ashdown", "Bramley", "Carrow", "Dunmore", "Elstow", "Fenwick", "Garrick", "Holloway", "Ingram", "Jessop", "Kettering", "Lindley", "Marlow", "Northcott", "Oakley", "Pennock"];
const bands: ProgressBand[] = ["belowExpected", "expected", "aboveExpected", "accelerated"];

/** A small deterministic random source: the demo is the same every time for the same day. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function firstDayOf(academicYear: string): Day | undefined {
  return calendarSource.years.find((y) => y.academicYear === academicYear)?.halfTerms[0]?.first;
}
function lastDayOf(academicYear: string): Day | undefined {
  return calendarSource.years.find((y) => y.academicYear === academicYear)?.halfTerms.at(-1)?.last;
}
const previousYear = (year: string) => `${Number(year.slice(0, 4)) - 1}/${year.slice(2, 4)}`;

export function demoHistory(today: Day): DemoHistory {
  const history: DemoHistory = { cases: [], placements: [], reviews: [], decisions: [], qualifications: [], visits: [], marks: [] };
  const thisYear = academicYearOf(today);
  const lastYear = previousYear(thisYear);
  const thisStart = firstDayOf(thisYear);
  const lastStart = firstDayOf(lastYear);
  const lastEnd = lastDayOf(lastYear);
  const lastKnown = calendarSource.years.at(-1)?.halfTerms.at(-1)?.last;
  // The shipped term dates must cover both years (they are data: add the next year's when it is published).
  if (!thisStart || !lastStart || !lastEnd || !lastKnown || today < thisStart) return history;
  const rnd = random(Number(today.replace(/-/g, "")));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  let pupils = 0;
  const refs = new Map<string, number>();
  const nextRef = (received: Day) => {
    const y = received.slice(0, 4);
    const n = (refs.get(y) ?? (y === today.slice(0, 4) ? 500 : 100)) + 1;
    refs.set(y, n);
    return `LNCIP-${y}-${String(n).padStart(4, "0")}`;
  };
  const schoolDay = (d: Day, n: number) => addSchoolDays(calendar, d, n);

  function pupil(o: { received: Day; year: number; ks: "KS3" | "KS4"; status: CasesRow["Status"]; school?: (typeof demoSchools)[number]; pp?: boolean; ehcp?: boolean; outcome?: CasesRow["CoreGroupOutcome"]; decidedOn?: Day }): CasesRow {
    pupils++;
    const school = o.school ?? demoSchools[pupils % demoSchools.length]!;
    const digits = `82312${String(40000 + pupils * 37).padStart(7, "0")}`.slice(0, 12);
    const row = {
      CaseRef: nextRef(o.received),
      Status: o.status,
      WorkflowStatus: o.status,
      Named: true,
      KeyStage: o.ks,
      ReceivedAt: `${o.received}T09:${String(10 + (pupils % 40)).padStart(2, "0")}:00Z`,
      WorkflowVersion: 4,
      RequestType: "partnershipReferral",
      ParentalConsent: true,
      SchoolUrn: school.Urn,
      ReferrerEmail: school.SencoEmail,
      PupilFirstName: firstNames[pupils % firstNames.length],
      PupilLastName: lastNames[(pupils * 7) % lastNames.length],
      Upn: `${upnCheckLetter(digits)}${digits}`,
      YearGroup: o.year,
      SendStatus: o.ehcp ? "ehcp" : rnd() < 0.3 ? "senSupport" : "none",
      PupilPremium: o.pp ?? rnd() < 0.45,
      DslName: `${school.SchoolName} DSL`,
      DslEmail: school.DslEmail,
      DslPhone: "0116 496 0123",
      PurchaseOrderNumber: `PO-${school.Urn}-${o.received.slice(0, 4)}`,
      FundingSources: ["awpu"],
      PoValue: 60_000, // the school's order for the year, given again on each referral
      ...(o.outcome ? { CoreGroupOutcome: o.outcome, DecidedBy: "head@oakfieldacade.example", DecidedAt: `${o.decidedOn ?? o.received}T16:05:00Z` } : {}),
    } as unknown as CasesRow;
    history.cases.push(row);
    if (o.outcome) history.decisions.push({ DecisionKey: `${row.CaseRef}:decision:1`, CaseRef: row.CaseRef, Outcome: o.outcome, DecidedBy: "head@oakfieldacade.example", DecidedAt: `${o.decidedOn ?? o.received}T16:05:00Z`, Source: "teams" });
    return row;
  }

  function pattern(year: number, fullTime: boolean): WeeklyPattern {
    return standardPattern(year, fullTime ? "programmeManagementFullTime" : "programmeManagementPartTime", [riverside, hillview]);
  }

  /** The placement and its reviews as the app schedules them; past reviews have their outcome and bands. */
  function placement(c: CasesRow, o: { start: Day; end?: Day; status: PlacementsRow["PlacementStatus"]; fullTime: boolean; tuition?: { english: boolean; maths: boolean }; band?: number; exit?: Partial<PlacementsRow>; unrecorded?: number }): PlacementsRow {
    const week = pattern(c.YearGroup ?? 10, o.fullTime);
    // The hours at each provider, as the app writes them beside an accepted pattern (else its first read writes them).
    const hours = providerHoursText(week).slice(0, 255);
    const p: PlacementsRow = {
      CaseRef: c.CaseRef,
      KeyStage: c.KeyStage,
      Pattern: JSON.stringify(week),
      ...(hours ? { ProviderHours: hours } : {}),
      StartDate: o.start,
      ...(o.end ? { EndDate: o.end } : {}),
      AttendanceBasis: "B",
      PurchaseOrderNumber: c.PurchaseOrderNumber ?? "",
      PlacementStatus: o.status,
      SchoolUrn: c.SchoolUrn,
      EnglishBaseline: pick(["entry2", "entry3", "level1"] as const),
      MathsBaseline: pick(["entry1", "entry2", "entry3"] as const),
      BaselineOn: schoolDay(o.start, 3),
      ...o.exit,
    };
    history.placements.push(p);
    if (o.status === "settingUp") return p;
    const until = o.end && o.end < lastKnown! ? o.end : lastKnown!;
    const planned = reviewSchedule({ schoolCalendar: calendar, partnershipCalendar: calendar, placementStart: o.start, until, cadenceSchoolWeeks: 6, localTime: "15:30", minutes: 60 });
    let band = o.band ?? 1;
    const pastCount = planned.filter((r) => r.day < today).length;
    planned.forEach((r, i) => {
      const past = r.day < today;
      // The last `unrecorded` past reviews have no outcome yet: overdue, as the Director's week shows them.
      const recorded = past && i < pastCount - (o.unrecorded ?? 0);
      // Around the pupil's usual band: a review a band lower or higher now and then.
      band = Math.max(0, Math.min(3, (o.band ?? 1) + (rnd() < 0.2 ? -1 : rnd() < 0.25 ? 1 : 0)));
      history.reviews.push({
        ReviewKey: reviewKey(c.CaseRef, r.number),
        CaseRef: c.CaseRef,
        Number: r.number,
        DueDate: r.day,
        AttendeesConfirmed: past,
        ReviewStatus: "scheduled",
        StartsAt: r.start.toISOString(),
        Revision: 0,
        ...(recorded
          ? {
              ReturnToMainstream: pick(["notYet", "notYet", "partly"] as const),
              NextSteps: pick(["Keep the current pattern; more reading at the centre.", "Add a day back at school next half term.", "Mentor sessions to continue; review maths targets."]),
              PupilVoice: pick(["I like the practical work.", "Maths is getting easier.", "I want to go back to school for more days.", "The centre is calmer."]),
              HeldOn: r.day,
              ...(o.tuition?.english ? { EnglishTuition: true, EnglishProgress: bands[band] } : {}),
              ...(o.tuition?.maths ? { MathsTuition: true, MathsProgress: bands[Math.max(0, band - (rnd() < 0.4 ? 1 : 0))] } : {}),
            }
          : {}),
      });
    });
    return p;
  }

  function qualification(c: CasesRow, level: QualificationLevel, awardedOn: Day, more: Partial<QualificationsRow> = {}): void {
    history.qualifications.push({ CaseRef: c.CaseRef, Subject: "vocational", QualificationName: pick(["BTEC Construction", "NCFE Hair and Beauty", "City & Guilds Motor Vehicle", "BTEC Sport", "NCFE Catering"]), QualificationType: "vocational", Level: level, Result: "passed", AwardedOn: awardedOn, ...more });
  }

  // ---- last academic year: the summary's cohort, every placement ended by the summer ----
  const summer = lastEnd;
  // Referrals from 1 September: one received in late August belongs to the year before (and its year group with it).
  const september = `${lastYear.slice(0, 4)}-09-01` > lastStart ? `${lastYear.slice(0, 4)}-09-01` : lastStart;
  const lastSchoolDays = schoolDaysIn(calendar, lastStart, lastEnd);
  const lastTerm = (fraction: number) => lastSchoolDays[Math.min(lastSchoolDays.length - 1, Math.floor(fraction * lastSchoolDays.length))]!;
  for (let i = 0; i < 8; i++) {
    const year = 7 + (i % 3);
    const received = addDays(september, 1 + i * 2);
    const c = pupil({ received, year, ks: "KS3", status: "closed", outcome: i % 2 ? "programmeManagementPartTime" : "programmeManagementFullTime", decidedOn: addDays(received, 10) });
    const start = schoolDay(received, 15);
    const end = i < 5 ? summer : lastTerm(0.55 + i * 0.05);
    placement(c, { start, end, status: "ended", fullTime: i % 2 === 0, tuition: { english: i !== 3, maths: i !== 6 }, band: [1, 2, 0, 1, 3, 2, 1, 1][i], exit: { ExitRoute: "homeSchool", Destination: "homeSchool", EetOffer: undefined } });
    if (i % 2 === 0) qualification(c, "entry3", addDays(end, -20), { Subject: "english", QualificationName: "Functional Skills English", QualificationType: "functionalSkills" });
    if (i % 3 === 0) qualification(c, "entry2", addDays(end, -15), { Subject: "maths", QualificationName: "Functional Skills Maths", QualificationType: "functionalSkills" });
  }
  const destinations = ["college", "sixthForm", "apprenticeship", "employmentWithTraining", "college", "neet", "college", "sixthForm", "apprenticeship", "college"] as const;
  for (let i = 0; i < 10; i++) {
    // Year 11 leavers: on the programme from the autumn (3 terms), the spring (2) or the summer (1).
    const from = i < 6 ? 0 : i < 9 ? 0.42 : 0.7;
    const received = from === 0 ? addDays(september, i) : addDays(lastTerm(from), -20);
    const c = pupil({ received, year: 11, ks: "KS4", status: "closed", pp: i % 3 === 0, ehcp: i % 4 === 1, outcome: "programmeManagementFullTime" });
    const start = from === 0 ? schoolDay(received, 8) : lastTerm(from);
    placement(c, { start, end: summer, status: "ended", fullTime: true, exit: { ExitRoute: "post16", Destination: destinations[i], EetOffer: destinations[i] !== "neet", CCap30Experiences: 8 + ((i * 7) % 20) } });
    const passes = [6, 5, 5, 4, 3, 2, 5, 3, 4, 3][i]!;
    for (let q = 0; q < passes; q++) qualification(c, q % 3 === 2 ? "level2" : "level1", addDays(summer, -30 + q));
    qualification(c, "entry3", addDays(summer, -40), { Subject: "maths", QualificationName: "Functional Skills Maths", QualificationType: "functionalSkills" });
    if (i % 2) qualification(c, "level1", addDays(summer, 41), { Subject: "english", QualificationName: "GCSE English Language", QualificationType: "gcse", Result: "awaited" });
  }
  for (let i = 0; i < 2; i++) {
    // Year 10s who went back to school in the spring: Key Stage 4 leavers for C-CAP 30, not Year 11 leavers.
    const c = pupil({ received: addDays(september, 14 + i), year: 10, ks: "KS4", status: "closed", outcome: "programmeManagementPartTime" });
    placement(c, { start: schoolDay(addDays(september, 14 + i), 15), end: lastTerm(0.6), status: "ended", fullTime: false, exit: { ExitRoute: "homeSchool", Destination: "homeSchool", CCap30Experiences: 12 + i * 6 } });
  }

  // ---- this academic year so far ----
  const sinceStart = schoolDaysIn(calendar, thisStart, addDays(today, -1));
  const yesterday = sinceStart.at(-1);
  if (!yesterday) return history;
  const thisMonday = mondayOf(today);
  const active: { c: CasesRow; p: PlacementsRow; rate: number }[] = [];
  for (let i = 0; i < 20; i++) {
    const ks = i < 6 ? "KS3" : "KS4";
    const year = ks === "KS3" ? 7 + (i % 3) : 10 + (i % 2);
    const startAt = Math.min(sinceStart.length - 1, 5 + Math.floor((i * sinceStart.length) / 26));
    const start = sinceStart[startAt]!;
    const received = addDays(start, -24);
    const c = pupil({ received, year, ks, status: "placed", outcome: i % 3 ? "programmeManagementFullTime" : "programmeManagementPartTime", decidedOn: addDays(received, 9), ehcp: i % 5 === 2 });
    // One placement ends this week (a managed move agreed at its last review).
    const endsThisWeek = i === 9 && addDays(thisMonday, 4) > start;
    const p = placement(c, { start, ...(endsThisWeek ? { end: addDays(thisMonday, 4), exit: { ExitRoute: "anotherSchool" as const } } : {}), status: "active", fullTime: i % 3 !== 0, tuition: ks === "KS3" ? { english: true, maths: i % 2 === 0 } : undefined, band: [1, 2, 1, 0, 2, 3][i % 6], unrecorded: i === 4 || i === 13 ? 1 : 0 });
    active.push({ c, p, rate: [0.97, 0.93, 0.88, 0.78, 0.62][i % 5]! });
  }
  // One referral decided last week whose placement starts on Thursday; one decided for support in school.
  const setUp = pupil({ received: addDays(thisMonday, -30), year: 8, ks: "KS3", status: "decided", outcome: "programmeManagementPartTime", decidedOn: addDays(thisMonday, -5) });
  placement(setUp, { start: isSchoolDay(calendar, addDays(thisMonday, 3)) ? addDays(thisMonday, 3) : schoolDay(thisMonday, 3), status: "settingUp", fullTime: false });
  pupil({ received: addDays(thisMonday, -25), year: 9, ks: "KS3", status: "decided", outcome: "inSchoolSupport", decidedOn: addDays(thisMonday, -3) });
  // Two referrals with the partnership SENCO: one in triage for three weeks, one received last Friday.
  pupil({ received: addDays(thisMonday, -21), year: 10, ks: "KS4", status: "triage" });
  pupil({ received: addDays(thisMonday, -3), year: 8, ks: "KS3", status: "received" });

  // Visits this year: the partnership early on, the home school each term (a few not yet this term).
  for (const [i, { c, p }] of active.entries()) {
    history.visits.push({ CaseRef: c.CaseRef, VisitedOn: schoolDay(p.StartDate, 8), Visitor: "partnership", VisitNotes: "Settling in; key worker introduced." });
    const homeVisit = schoolDay(p.StartDate, 12 + (i % 9));
    if (i % 6 !== 5 && homeVisit < today) {
      history.visits.push({ CaseRef: c.CaseRef, VisitedOn: homeVisit, Visitor: "homeSchool" });
      p.LastSchoolVisit = homeVisit;
    }
  }

  // Every session the partnership supplies (the days at the centre or an AP), from the start to yesterday.
  for (const [i, { c, p, rate }] of active.entries()) {
    const weekly = JSON.parse(p.Pattern) as WeeklyPattern;
    const r = random(1000 + i);
    for (const day of sinceStart) {
      if (day < p.StartDate || (p.EndDate && day > p.EndDate)) continue;
      const where = expectedOn(weekly, day).location;
      if (where !== "centre" && where !== "alternativeProvision") continue;
      for (const session of ["AM", "PM"] as const) {
        const x = r();
        const happened: AttendanceRow["Happened"] = x < rate - 0.04 ? "attended" : x < rate ? "late" : "absent";
        const code = happened === "absent" ? (r() < 0.55 ? "I" : r() < 0.5 ? "O" : r() < 0.5 ? "M" : undefined) : undefined;
        history.marks.push({
          MarkKey: markKeyOf(c.CaseRef, day, session, 1),
          CaseRef: c.CaseRef,
          Date: day,
          Session: session,
          Happened: happened,
          ...(happened === "late" ? { LateMinutes: 5 + Math.floor(r() * 20) } : {}),
          ...(code ? { ProviderCode: code } : {}),
          ...(happened === "absent" && !code ? { AbsenceReason: "No reason given yet" } : {}),
          RecordedBy: where === "centre" ? "centre@lncip.example" : "office@riverside-ap.example",
          RecordedAt: `${day}T${session === "AM" ? "09:20" : "13:35"}:00Z`,
          Version: 1,
        });
      }
    }
  }
  return history;
}

/**
 * Seeds the demo history into the demo tenant's lists (after `seedDemoTenant`), for `npm start`; the day is the
 * sandbox's today in the UK. Does nothing when the shipped term dates do not cover this year and the last.
 *
 * @example
 * await startGraphSandbox({ port: 7080, areas, seed: (ctx, areas) => { seedDemoTenant(ctx, areas); seedDemoHistory(ctx, areas); } });
 */
export function seedDemoHistory(ctx: SandboxContext, areas: readonly GraphArea[]): DemoHistory {
  const sites = areas.find((a) => a.name === "sites") as SitesArea;
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const history = demoHistory(londonDay(ctx.now()));
  const add = <S extends z.ZodObject>(list: ListDefinition<S>, rows: readonly z.output<S>[]) => {
    for (const row of rows) sites.addItem(siteId, list.name, toListFields(list, row), "coordinator@lncip.example", ctx.now());
  };
  add(casesList, history.cases);
  add(placementsList, history.placements);
  add(reviewsList, history.reviews);
  add(decisionsList, history.decisions);
  add(qualificationsList, history.qualifications);
  add(visitsList, history.visits);
  add(attendanceList, history.marks);
  return history;
}
