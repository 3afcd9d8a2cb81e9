import { isSchoolDay, londonDay, type Day } from "../../domain/calendar";
import { odataString } from "../../m365/odata";
import { placementRecord, type PlacementPorts } from "../placements/placementPorts";
import { chasePurchaseOrders, keepChargesToDate, startDuePlacements } from "../placements/dailyPlacements";
import { flagProviders } from "../placements/providers";
import { remindPendingDecisions, remindPurchaseOrders, remindReviews, remindSchoolVisits } from "../reminders/reminders";
import { assignMeeting, meetingsRound } from "../meetings/meetingAssignment";
import { retryAwaitingTeams } from "../meetings/awaitingTeams";
import { syncReviews } from "../reviews/reviewSeries";

/** What one daily run did (counts only: nothing personal). */
export interface DailyRunReport {
  day: Day;
  schoolDay: boolean;
  reminders: number;
  started: number;
  charges: number;
  meetingAssignments: number;
  agendas: number;
  /** Reviews and invitations still waiting for a Teams meeting (the mailbox has no licence that includes Teams). */
  waitingForTeams: number;
}

/**
 * The daily round that keeps cases moving, run by one timer each weekday morning. It decides in Europe/London
 * whether today is a school day of the partnership (nothing is done otherwise) and then, each job in its module:
 * - starts placements whose start date has come (`startDuePlacements`);
 * - brings each running placement's charge to date (`keepChargesToDate`);
 * - asks the school for a new purchase order three weeks before the running one ends, and says when a placement may
 *   not continue without one (a new academic year) (`chasePurchaseOrders`);
 * - tells the Coordinator of providers in use whose quality-assurance visit or safeguarding confirmation is over a
 *   year old (`flagProviders`);
 * - reminds: a school visit not recorded this term, a missing PO, a decision pending, a review's attendees or
 *   outcome (src/workflows/reminders);
 * - puts cases waiting for a Core Group or an Inclusion Forum on the next meeting with room and sends each
 *   Inclusion Forum's agenda when due (`meetingsRound`);
 * - tries again the reviews and invitations waiting for a Teams meeting (`retryAwaitingTeams`).
 * The open placements are read once for the jobs that need them. Every email has its own ledger key, so a second
 * run the same day (or a retried one) sends nothing new.
 *
 * @example
 * await dailyRound(ports) // { day: "2026-12-01", schoolDay: true, reminders: 3, started: 1, ... }
 */
export async function dailyRound(ports: PlacementPorts): Promise<DailyRunReport> {
  const today = londonDay(ports.now());
  const report: DailyRunReport = { day: today, schoolDay: false, reminders: 0, started: 0, charges: 0, meetingAssignments: 0, agendas: 0, waitingForTeams: 0 };
  try {
    report.schoolDay = isSchoolDay(ports.partnershipCalendar.calendar, today);
  } catch {
    ports.log(`${today} is outside the partnership's known term dates: add the next academic year's dates`);
    return report;
  }
  if (!report.schoolDay) return report;

  const open = (await ports.placements.all({ filter: `fields/PlacementStatus ne ${odataString("Ended")}` })).map(placementRecord);
  report.started = await startDuePlacements(ports, open, today);
  report.charges = await keepChargesToDate(ports, open, today);
  report.reminders += await chasePurchaseOrders(ports, open, today);
  report.reminders += await flagProviders(ports, open, today);
  report.reminders += await remindSchoolVisits(ports, open, today);
  report.reminders += await remindPurchaseOrders(ports, today);
  report.reminders += await remindPendingDecisions(ports, today);
  report.reminders += await remindReviews(ports, today);

  const meetings = await meetingsRound(ports);
  report.meetingAssignments = meetings.assigned;
  report.agendas = meetings.agendas;
  if (ports.degraded) {
    const teams = await retryAwaitingTeams(ports.degraded, { reviews: (caseRef) => syncReviews(ports, caseRef), meeting: (caseRef, kind) => assignMeeting(ports, caseRef, kind) });
    report.waitingForTeams = teams.stillWaiting;
  }
  return report;
}
