import { createHash } from "node:crypto";
import { londonDay, type Day } from "../../domain/calendar";
import { progressSummary, progressSummaryDue, type ProgressSummary } from "../../domain/reports";
import { sendOnce } from "../../m365/outlook/mailOnce";
import type { SavedFile } from "../../m365/sharepoint/documentLibrary";
import { progressSummaryHtml } from "../../reports/progressSummaryHtml";
import { progressSummaryJson } from "../../reports/progressSummaryJson";
import { progressSummaryReady } from "../messages/directorMessages";
import type { ReportPorts } from "./reportPorts";
import { readReportRows } from "./reportRows";

export const PROGRESS_SUMMARY_SCOPE = "progress-summary";

/** The summary as produced: its figures, the two documents, and what should be filled in first (case references). */
export interface ProducedSummary {
  summary: ProgressSummary;
  gaps: string[];
  /** Records left out because they could not be read (list and item id). */
  problems: string[];
  html: string;
  json: string;
  /** The files' base name, e.g. progress-summary-2025-26. */
  baseName: string;
}

/**
 * The annual Progress & Achievement summary for an academic year, from the lists as they are now, as the parents'
 * document (HTML) and the JSON with exactly the issue's keys.
 *
 * @example
 * const produced = await produceProgressSummary(ports, "2025/26", "2026-09-01");
 * produced.baseName // "progress-summary-2025-26"
 */
export async function produceProgressSummary(ports: Pick<ReportPorts, "lists" | "calendar" | "partnershipName">, academicYear: string, today: Day): Promise<ProducedSummary> {
  const rows = await readReportRows(ports.lists);
  const { summary, gaps } = progressSummary({ academicYear, calendar: ports.calendar, today, cases: rows.cases, placements: rows.placements, reviews: rows.reviews, qualifications: rows.qualifications });
  return {
    summary,
    gaps,
    problems: rows.problems,
    html: progressSummaryHtml(summary, { partnershipName: ports.partnershipName, producedOn: today }),
    json: progressSummaryJson(summary),
    baseName: `progress-summary-${academicYear.replace("/", "-")}`,
  };
}

/**
 * Produces the summary, saves both files to the Reports library on the partnership's site (replacing the year's
 * earlier ones, which SharePoint keeps as versions) and sends it to the Director with the document attached. The
 * email goes once per set of figures: producing it again with nothing changed saves the files again but sends
 * nothing new; a corrected record makes a new summary, and the Director hears of it.
 *
 * @example
 * await publishProgressSummary(ports, "2025/26") // { saved: [{ name: "progress-summary-2025-26.html", … }, …], sent: true, … }
 */
export async function publishProgressSummary(ports: ReportPorts, academicYear: string): Promise<ProducedSummary & { saved: SavedFile[]; sent: boolean }> {
  const produced = await produceProgressSummary(ports, academicYear, londonDay(ports.now()));
  const saved = [
    await ports.library.save(`${produced.baseName}.html`, Buffer.from(produced.html, "utf8"), "text/html"),
    await ports.library.save(`${produced.baseName}.json`, Buffer.from(produced.json, "utf8"), "application/json"),
  ];
  const message = progressSummaryReady(academicYear, saved, produced.gaps);
  const figures = createHash("sha256").update(produced.json).update(JSON.stringify(produced.gaps)).digest("hex").slice(0, 16);
  const sent = await sendOnce(ports.ledger, ports.mailer, `mail:progress-summary:${academicYear}:${figures}`, {
    to: [ports.directorEmail],
    subject: message.subject,
    html: message.html,
    attachments: [{ name: `${produced.baseName}.html`, contentType: "text/html", contentBytes: Buffer.from(produced.html, "utf8") }],
  });
  return { ...produced, saved, sent };
}

/** What one run of the summary timer did. */
export type ProgressSummaryRun = { kind: "notDue" } | { kind: "done"; academicYear: string } | { kind: "published"; academicYear: string; gaps: number; sent: boolean };

/**
 * The summary timer's work: in September (from REPORTS_TIME, UK, on the 1st), the year just ended is published once
 * (remembered when done); every later run that month costs one table read.
 *
 * @example
 * await runDueProgressSummary(ports, new Date("2026-09-01T07:05:00Z")) // { kind: "published", academicYear: "2025/26", gaps: 2, sent: true }
 */
export async function runDueProgressSummary(ports: ReportPorts, now: Date): Promise<ProgressSummaryRun> {
  const academicYear = progressSummaryDue(now, ports.time);
  if (!academicYear) return { kind: "notDue" };
  const name = academicYear.replace("/", "-");
  if (await ports.state.get(PROGRESS_SUMMARY_SCOPE, name)) return { kind: "done", academicYear };
  const published = await publishProgressSummary(ports, academicYear);
  await ports.state.put(PROGRESS_SUMMARY_SCOPE, name, { publishedAt: now.toISOString(), files: published.saved.map((f) => f.webUrl) });
  return { kind: "published", academicYear, gaps: published.gaps.length, sent: published.sent };
}
