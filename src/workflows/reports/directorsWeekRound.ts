import { academicYearOf, londonDay, type Day } from "../../domain/calendar";
import { academicYearSpan, directorsWeek, directorsWeekDue, type DirectorsWeek } from "../../domain/reports";
import { sendOnce } from "../../m365/outlook/mailOnce";
import { directorsWeekEmail } from "../../reports/directorsWeekEmail";
import type { ReportPorts } from "./reportPorts";
import { readReportRows, reportMarks } from "./reportRows";

/** What one run of the Director's week timer did (no names, no free text: it is logged). */
export type DirectorsWeekRun =
  | { kind: "notDue" }
  | { kind: "alreadySent"; weekOf: Day }
  | { kind: "sent" | "sentBefore"; weekOf: Day; problems: string[] };

export const directorsWeekKey = (weekOf: Day) => `mail:directors-week:${weekOf}`;

/**
 * The Director's week, built from the lists as they are now (read through the app's typed ports), as of `today`.
 *
 * @example
 * const { week } = await buildDirectorsWeek(ports, "2026-11-30");
 * week.places.KS4 // { aim: 26, used: 18, active: 17, settingUp: 1, free: 8 }
 */
export async function buildDirectorsWeek(ports: ReportPorts, today: Day): Promise<{ week: DirectorsWeek; problems: string[]; caseItemIds: Map<string, string> }> {
  const rows = await readReportRows(ports.lists);
  const academicYear = academicYearOf(today);
  let yearStart: Day = `${academicYear.slice(0, 4)}-09-01`;
  try {
    yearStart = academicYearSpan(ports.calendar, academicYear).first;
  } catch {
    ports.log(`${academicYear} is not in the partnership's term dates: the year's figures start on 1 September`);
  }
  const marks = await reportMarks(ports.lists, yearStart, today);
  const charges = ports.chargeLines({ calendar: ports.calendar, placements: rows.placements, ratePencePerYear: ports.ratePencePerYear, period: { first: yearStart, last: today } });
  const week = directorsWeek({
    today,
    calendar: ports.calendar,
    places: ports.places,
    cases: rows.cases,
    placements: rows.placements,
    reviews: rows.reviews,
    decisions: rows.decisions,
    marks,
    schools: rows.schools,
    charges: charges.lines,
    purchaseOrders: await ports.purchaseOrders(),
  });
  return { week, problems: [...rows.problems, ...charges.problems], caseItemIds: rows.caseItemIds };
}

/**
 * The Director's Monday email, when it is due (from Monday at REPORTS_TIME, UK, until the week ends) and not yet
 * sent: one email a week to DIRECTOR_EMAIL however often the timer fires (the effect ledger keys it by the week's
 * Monday; a crash mid-send is found out in Sent Items). Case references link to their records; no pupil is named.
 * After it is sent, each run costs one table read.
 *
 * @example
 * await runDueDirectorsWeek(ports, new Date("2026-11-30T08:05:00Z")) // { kind: "sent", weekOf: "2026-11-30", problems: [] }; again → { kind: "alreadySent", … }
 */
export async function runDueDirectorsWeek(ports: ReportPorts, now: Date): Promise<DirectorsWeekRun> {
  const weekOf = directorsWeekDue(now, ports.time);
  if (!weekOf) return { kind: "notDue" };
  const key = directorsWeekKey(weekOf);
  if (await ports.ledger.get(key)) return { kind: "alreadySent", weekOf };
  const { week, problems, caseItemIds } = await buildDirectorsWeek(ports, londonDay(now));
  const urls = new Map<string, string>();
  for (const [caseRef, itemId] of caseItemIds) urls.set(caseRef, await ports.caseUrl(itemId));
  const mail = await directorsWeekEmail(week, { partnershipName: ports.partnershipName, caseUrl: (caseRef) => urls.get(caseRef) });
  const sent = await sendOnce(ports.ledger, ports.mailer, key, { to: [ports.directorEmail], subject: mail.subject, html: mail.html, attachments: mail.attachments });
  return { kind: sent ? "sent" : "sentBefore", weekOf, problems };
}
