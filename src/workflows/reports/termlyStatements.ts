import { addDays, type Day } from "../../domain/calendar";
import { academicYearSpan, termlyStatement, termlyStatementsDue, type StatementTerm } from "../../domain/reports";
import { sendOnce } from "../../m365/outlook/mailOnce";
import { termlyStatementCsv, termlyStatementHtml, termlyStatementSubject } from "../../reports/termlyStatement";
import type { ReportPorts } from "./reportPorts";
import { readReportRows } from "./reportRows";

export const TERMLY_STATEMENTS_SCOPE = "termly-statements";

/** What one run of the statements timer did (counts and case references only: it is logged). */
export type TermlyStatementsRun =
  | { kind: "notDue" }
  | { kind: "done"; term: StatementTerm }
  | { kind: "ran"; term: StatementTerm; sent: number; alreadySent: number; noFinanceContact: string[]; failed: number; problems: string[] };

/**
 * Each school's statement for a term, to its finance contact (FinanceEmail in the Schools list): per pupil, the days
 * charged, the rates and the amount; the total; each purchase order's value used (the year's earlier terms and this
 * one) and left — as an HTML email with the same figures attached as CSV. A school with no charge in the term gets
 * none. Once per school per term (the effect ledger); the charge lines come through `ports.chargeLines`.
 *
 * @example
 * await sendTermlyStatements(ports, { academicYear: "2025/26", term: "summer", first: "2026-04-13", last: "2026-07-10" })
 * // { kind: "ran", sent: 5, alreadySent: 0, noFinanceContact: [], failed: 0, problems: [] }
 */
export async function sendTermlyStatements(ports: ReportPorts, term: StatementTerm): Promise<Extract<TermlyStatementsRun, { kind: "ran" }>> {
  const rows = await readReportRows(ports.lists);
  let yearStart: Day = term.first;
  try {
    yearStart = academicYearSpan(ports.calendar, term.academicYear).first;
  } catch {
    // A year the calendar does not know: the statement's POs count this term only.
  }
  const charge = (first: Day, last: Day) => ports.chargeLines({ calendar: ports.calendar, placements: rows.placements, ratePencePerYear: ports.ratePencePerYear, period: { first, last } });
  const thisTerm = charge(term.first, term.last);
  const earlier = term.first > yearStart ? charge(yearStart, addDays(term.first, -1)).lines : [];
  const purchaseOrders = await ports.purchaseOrders();
  const run = { kind: "ran" as const, term, sent: 0, alreadySent: 0, noFinanceContact: [] as string[], failed: 0, problems: [...rows.problems, ...thisTerm.problems] };
  const urns = [...new Set(thisTerm.lines.map((l) => l.SchoolUrn))].sort();
  for (const urn of urns) {
    const school = rows.schools.find((s) => s.Urn === urn);
    if (!school?.FinanceEmail) {
      run.noFinanceContact.push(urn);
      continue;
    }
    const statement = termlyStatement({ school, term, lines: thisTerm.lines, earlierLines: earlier, purchaseOrders, cases: rows.cases });
    try {
      const first = await sendOnce(ports.ledger, ports.mailer, `mail:statement:${urn}:${term.academicYear}:${term.term}`, {
        to: [school.FinanceEmail],
        subject: termlyStatementSubject(statement),
        html: termlyStatementHtml(statement, { partnershipName: ports.partnershipName }),
        attachments: [{ name: `statement-${urn}-${term.academicYear.replace("/", "-")}-${term.term}.csv`, contentType: "text/csv", contentBytes: Buffer.from(termlyStatementCsv(statement), "utf8") }],
      });
      if (first) run.sent++;
      else run.alreadySent++;
    } catch (e) {
      run.failed++;
      ports.log(`The ${term.term} term statement for school ${urn} was not sent (${e instanceof Error ? e.name : "error"}); the next run tries again`);
    }
  }
  return run;
}

/**
 * The statements timer's work: when a term has ended (from REPORTS_TIME, UK, the day after its last day, until the
 * next term ends) and its statements are not all sent, sends them. A round with nothing failed is remembered, so
 * later runs cost one table read.
 *
 * @example
 * await runDueTermlyStatements(ports, new Date("2026-07-11T07:05:00Z")) // { kind: "ran", term: { term: "summer", … }, sent: 5, … }; again → { kind: "done", … }
 */
export async function runDueTermlyStatements(ports: ReportPorts, now: Date): Promise<TermlyStatementsRun> {
  const term = termlyStatementsDue(ports.calendar, now, ports.time);
  if (!term) return { kind: "notDue" };
  const name = `${term.academicYear.replace("/", "-")}:${term.term}`;
  if (await ports.state.get(TERMLY_STATEMENTS_SCOPE, name)) return { kind: "done", term };
  const run = await sendTermlyStatements(ports, term);
  if (run.failed === 0) await ports.state.put(TERMLY_STATEMENTS_SCOPE, name, { completedAt: now.toISOString(), sent: run.sent, alreadySent: run.alreadySent });
  return run;
}
