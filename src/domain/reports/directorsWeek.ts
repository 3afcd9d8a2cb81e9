import { attendanceStatistics } from "../attendance/statistics";
import { addDays, mondayOf } from "../calendar/days";
import { londonDay } from "../calendar/londonTime";
import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { academicYearOf, schoolDaysBetween, schoolDaysIn, termOf } from "../calendar/schoolDays";
import type { CaseStatus } from "../case/caseStatus";
import type { CoreGroupOutcome } from "../case/outcomes";
import type { KeyStage } from "../referral/keyStage";
import { academicYearSpan } from "./academicYear";
import { purchaseOrderUse, type ChargeLine, type PurchaseOrder, type PurchaseOrderUse } from "./chargeLines";
import type { ReportCase, ReportDecision, ReportMark, ReportPlacement, ReportReview, ReportSchool } from "./reportInputs";

export interface DirectorsWeekInput {
  /** The day the email is for (the Monday it goes out), UK. */
  today: Day;
  /** The partnership's calendar: school days waited, terms, school weeks. */
  calendar: SchoolCalendar;
  /** The places the partnership aims to offer per key stage. */
  places: Record<KeyStage, number>;
  cases: readonly ReportCase[];
  placements: readonly ReportPlacement[];
  reviews: readonly ReportReview[];
  decisions: readonly ReportDecision[];
  /** The marks that count (latest per session), for the year so far. */
  marks: readonly ReportMark[];
  schools: readonly ReportSchool[];
  /** Charges to date, per pupil (see chargeLinesFromPlacements). */
  charges: readonly ChargeLine[];
  purchaseOrders?: readonly PurchaseOrder[];
}

export interface WaitingCase {
  caseRef: string;
  keyStage: KeyStage;
  schoolUrn: string | undefined;
  status: CaseStatus;
  since: Day;
  /** School days from `since` to today (today not counted). */
  schoolDays: number;
}

export interface PlacesFigure {
  aim: number;
  /** Placements not ended (active and being set up), as the capacity rules count them. */
  used: number;
  active: number;
  settingUp: number;
  /** aim − used; negative when the Director has approved places beyond the aim. */
  free: number;
}

export interface SchoolAttendance {
  urn: string;
  school: string;
  pupils: number;
  possible: number;
  present: number;
  unauthorised: number;
  /** One decimal place; undefined when no session was possible. */
  attendancePercent: number | undefined;
}

export interface DirectorsWeek {
  today: Day;
  academicYear: string;
  /** Monday to Friday of last week. */
  lastWeek: { first: Day; last: Day };
  /** Monday to Friday of this week. */
  thisWeek: { first: Day; last: Day };
  places: Record<KeyStage, PlacesFigure>;
  waitingList: WaitingCase[];
  awaitingTriage: WaitingCase[];
  awaitingDecision: WaitingCase[];
  decisionsLastWeek: { caseRef: string; outcome: CoreGroupOutcome; decidedOn: Day }[];
  placementsStarting: { caseRef: string; keyStage: KeyStage; schoolUrn: string | undefined; startDate: Day }[];
  placementsEnding: { caseRef: string; keyStage: KeyStage; schoolUrn: string | undefined; endDate: Day }[];
  reviewsOverdue: { caseRef: string; number: number; due: Day; schoolDaysOverdue: number }[];
  schoolsWithNoVisitThisTerm: { urn: string; school: string; caseRefs: string[] }[];
  attendanceLastWeek: SchoolAttendance[];
  chargesToDate: { urn: string; school: string; chargedPence: number; purchaseOrders: PurchaseOrderUse[] }[];
  /** Per school week of the year so far (its Monday): places in use during the week. */
  placesOverYear: { weekOf: Day; KS3: number; KS4: number }[];
  /** Per school week of the year so far: all placed pupils' attendance. */
  attendanceByWeek: { weekOf: Day; possible: number; present: number; attendancePercent: number | undefined }[];
}

const TRIAGE: readonly CaseStatus[] = ["received", "triage"];
const DECISION: readonly CaseStatus[] = ["readyForCoreGroup"];

/**
 * The Director's week: the figures the Director is asked every week, from the lists' rows, as of a Monday. Case
 * references, schools and numbers only: nothing here names a pupil, so the email built from it cannot.
 *
 * - places: placements not ended, per key stage, against the aim;
 * - waiting list, awaiting triage (received or in triage), awaiting a decision (ready for Core Group): longest
 *   first, with school days since they went on the list or were received;
 * - decisions last week (Monday to Sunday), placements starting or ending this week, reviews overdue (due before
 *   today, not cancelled, no outcome recorded);
 * - schools with a pupil on an active placement not visited this term (LastSchoolVisit before the term began);
 * - last week's attendance by home school, and the year's weekly series for the charts;
 * - charges to date per school, against each purchase order's value where known.
 *
 * @example
 * // (illustrative)
 * directorsWeek({ today: "2026-03-02", calendar, places: { KS3: 9, KS4: 26 }, cases, placements, … }).places.KS4
 * // { aim: 26, used: 24, active: 22, settingUp: 2, free: 2 }
 */
export function directorsWeek(input: DirectorsWeekInput): DirectorsWeek {
  const { today, calendar } = input;
  const thisMonday = mondayOf(today);
  const lastWeek = { first: addDays(thisMonday, -7), last: addDays(thisMonday, -3) };
  const thisWeek = { first: thisMonday, last: addDays(thisMonday, 4) };
  const schoolDays = (from: Day, to: Day) => safe(() => schoolDaysBetween(calendar, from, to)) ?? 0;
  const schoolName = (urn: string | undefined) => input.schools.find((s) => s.Urn === urn)?.SchoolName ?? (urn ? `School ${urn}` : "School not recorded");
  const academicYear = academicYearOf(today);
  const span = safe(() => academicYearSpan(calendar, academicYear)) ?? { first: `${academicYear.slice(0, 4)}-09-01`, last: today };

  const places = {} as Record<KeyStage, PlacesFigure>;
  for (const ks of ["KS3", "KS4"] as const) {
    const open = input.placements.filter((p) => p.KeyStage === ks && p.PlacementStatus !== "ended");
    const active = open.filter((p) => p.PlacementStatus === "active").length;
    places[ks] = { aim: input.places[ks], used: open.length, active, settingUp: open.length - active, free: input.places[ks] - open.length };
  }

  const waiting = (statuses: readonly CaseStatus[], since: (c: ReportCase) => string | undefined): WaitingCase[] =>
    input.cases
      .filter((c) => statuses.includes(c.Status))
      .map((c) => {
        const day = londonDay(new Date(since(c) ?? c.ReceivedAt));
        return { caseRef: c.CaseRef, keyStage: c.KeyStage, schoolUrn: c.SchoolUrn, status: c.Status, since: day, schoolDays: schoolDays(day, today) };
      })
      .sort((a, b) => a.since.localeCompare(b.since) || a.caseRef.localeCompare(b.caseRef));

  const decisionsLastWeek = input.decisions
    .map((d) => ({ caseRef: d.CaseRef, outcome: d.Outcome, decidedOn: londonDay(new Date(d.DecidedAt)) }))
    .filter((d) => d.decidedOn >= lastWeek.first && d.decidedOn < thisMonday)
    .sort((a, b) => a.decidedOn.localeCompare(b.decidedOn) || a.caseRef.localeCompare(b.caseRef));

  const placementsStarting = input.placements
    .filter((p) => p.PlacementStatus !== "ended" && p.StartDate >= thisWeek.first && p.StartDate <= thisWeek.last)
    .map((p) => ({ caseRef: p.CaseRef, keyStage: p.KeyStage, schoolUrn: p.SchoolUrn, startDate: p.StartDate }))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.caseRef.localeCompare(b.caseRef));
  const placementsEnding = input.placements
    .filter((p) => p.EndDate !== undefined && p.EndDate >= thisWeek.first && p.EndDate <= thisWeek.last)
    .map((p) => ({ caseRef: p.CaseRef, keyStage: p.KeyStage, schoolUrn: p.SchoolUrn, endDate: p.EndDate as Day }))
    .sort((a, b) => a.endDate.localeCompare(b.endDate) || a.caseRef.localeCompare(b.caseRef));

  const reviewsOverdue = input.reviews
    .filter((r) => r.ReviewStatus !== "cancelled" && r.ReturnToMainstream === undefined && r.DueDate < today)
    .map((r) => ({ caseRef: r.CaseRef, number: r.Number, due: r.DueDate, schoolDaysOverdue: schoolDays(r.DueDate, today) }))
    .sort((a, b) => a.due.localeCompare(b.due) || a.caseRef.localeCompare(b.caseRef));

  const term = safe(() => termOf(calendar, today));
  const notVisited = new Map<string, string[]>();
  if (term) {
    for (const p of input.placements) {
      if (p.PlacementStatus !== "active" || !p.SchoolUrn) continue;
      if (p.LastSchoolVisit && p.LastSchoolVisit >= term.first) continue;
      notVisited.set(p.SchoolUrn, [...(notVisited.get(p.SchoolUrn) ?? []), p.CaseRef]);
    }
  }
  const schoolsWithNoVisitThisTerm = [...notVisited.entries()]
    .map(([urn, refs]) => ({ urn, school: schoolName(urn), caseRefs: refs.sort() }))
    .sort((a, b) => a.school.localeCompare(b.school));

  // Attendance: each mark belongs to its case's home school (the placement's, else the case's).
  const schoolOfCase = new Map<string, string | undefined>();
  for (const c of input.cases) schoolOfCase.set(c.CaseRef, c.SchoolUrn);
  for (const p of input.placements) if (p.SchoolUrn) schoolOfCase.set(p.CaseRef, p.SchoolUrn);
  const lastWeekMarks = input.marks.filter((m) => m.Date >= lastWeek.first && m.Date <= lastWeek.last);
  const bySchool = new Map<string, ReportMark[]>();
  for (const m of lastWeekMarks) {
    const urn = schoolOfCase.get(m.CaseRef) ?? "";
    bySchool.set(urn, [...(bySchool.get(urn) ?? []), m]);
  }
  const attendanceLastWeek = [...bySchool.entries()]
    .map(([urn, marks]) => {
      const s = attendanceStatistics(marks.map((m) => ({ day: m.Date, session: m.Session, code: m.Code })));
      return { urn, school: schoolName(urn || undefined), pupils: new Set(marks.map((m) => m.CaseRef)).size, possible: s.possible, present: s.present, unauthorised: s.unauthorised, attendancePercent: s.attendancePercent };
    })
    .sort((a, b) => a.school.localeCompare(b.school));

  const chargedBySchool = new Map<string, number>();
  for (const l of input.charges) chargedBySchool.set(l.SchoolUrn, (chargedBySchool.get(l.SchoolUrn) ?? 0) + l.pence);
  for (const o of input.purchaseOrders ?? []) if (!chargedBySchool.has(o.SchoolUrn)) chargedBySchool.set(o.SchoolUrn, 0);
  const chargesToDate = [...chargedBySchool.entries()]
    .map(([urn, pence]) => ({ urn, school: schoolName(urn), chargedPence: pence, purchaseOrders: purchaseOrderUse(urn, input.charges, input.purchaseOrders) }))
    .sort((a, b) => a.school.localeCompare(b.school));

  // The year's school weeks so far (to the end of last week), for the charts.
  const weeks = new Map<Day, Day[]>();
  const yearDays = lastWeek.last >= span.first ? (safe(() => schoolDaysIn(calendar, span.first, lastWeek.last)) ?? []) : [];
  for (const d of yearDays) weeks.set(mondayOf(d), [...(weeks.get(mondayOf(d)) ?? []), d]);
  const placesOverYear = [...weeks.entries()].map(([weekOf, days]) => {
    const first = days[0] as Day;
    const last = days[days.length - 1] as Day;
    const inUse = (ks: KeyStage) => input.placements.filter((p) => p.KeyStage === ks && p.PlacementStatus !== "settingUp" && p.StartDate <= last && (p.EndDate ?? last) >= first).length;
    return { weekOf, KS3: inUse("KS3"), KS4: inUse("KS4") };
  });
  const attendanceByWeek = [...weeks.keys()].map((weekOf) => {
    const s = attendanceStatistics(input.marks.filter((m) => m.Date >= weekOf && m.Date <= addDays(weekOf, 4)).map((m) => ({ day: m.Date, session: m.Session, code: m.Code })));
    return { weekOf, possible: s.possible, present: s.present, attendancePercent: s.attendancePercent };
  });

  return {
    today,
    academicYear,
    lastWeek,
    thisWeek,
    places,
    waitingList: waiting(["waitingList"], (c) => c.WaitingSince),
    awaitingTriage: waiting(TRIAGE, () => undefined),
    awaitingDecision: waiting(DECISION, () => undefined),
    decisionsLastWeek,
    placementsStarting,
    placementsEnding,
    reviewsOverdue,
    schoolsWithNoVisitThisTerm,
    attendanceLastWeek,
    chargesToDate,
    placesOverYear,
    attendanceByWeek,
  };
}

/** Undefined when the calendar does not know the day: a figure left out rather than a guess. */
function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
