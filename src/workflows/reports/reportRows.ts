import { latestMarks, registerCodeOf } from "../../domain/attendance";
import type { Day } from "../../domain/calendar";
import { reportCaseSchema, withLatestSchoolVisit, type ReportCase, type ReportDecision, type ReportMark, type ReportPlacement, type ReportQualification, type ReportReview, type ReportSchool, type ReportVisit } from "../../domain/reports";
import { isReadable, type ItemRead } from "../../m365/sharepoint/items";
import { marksBetween } from "../attendance/markItems";
import type { ReportLists } from "./reportPorts";

/** The lists' rows as the reports read them, with what could not be read (item ids and case references only). */
export interface ReportRows {
  cases: ReportCase[];
  /** Each case's item id in the Cases list, for links to the record. */
  caseItemIds: Map<string, string>;
  placements: ReportPlacement[];
  reviews: ReportReview[];
  decisions: ReportDecision[];
  qualifications: ReportQualification[];
  visits: ReportVisit[];
  schools: ReportSchool[];
  /** Items left out because a person's edit made them unreadable: the list and the item id (never its content). */
  problems: string[];
}

/**
 * Reads every list a report needs through the app's typed ports. An item that cannot be read is left out and named
 * in `problems` (list and item id only) rather than half-counted; a case is read with the reports' own schema.
 * Placements carry their home school's latest visit from the Visits list.
 *
 * @example
 * const rows = await readReportRows(ports.lists);
 * rows.cases.length // 42
 */
export async function readReportRows(lists: ReportLists): Promise<ReportRows> {
  const problems: string[] = [];
  const readable = <Row>(list: string, items: ItemRead<Row>[]): { id: string; row: Row }[] =>
    items.flatMap((i) => {
      if (isReadable(i)) return [{ id: i.id, row: i.row }];
      problems.push(`${list} item ${i.id} cannot be read (${i.problems.length} problem(s))`);
      return [];
    });
  const [cases, placements, reviews, decisions, qualifications, visits, schools] = await Promise.all([
    lists.cases.readAll(),
    lists.placements.readAll(),
    lists.reviews.readAll(),
    lists.decisions.readAll(),
    lists.qualifications.readAll(),
    lists.visits.readAll(),
    lists.schools.readAll(),
  ]);
  const caseItemIds = new Map<string, string>();
  const reportCases = readable("Cases", cases).flatMap(({ id, row }) => {
    const parsed = reportCaseSchema.safeParse(row);
    if (!parsed.success) {
      problems.push(`Cases item ${id} (${row.CaseRef}) cannot be counted: ${parsed.error.issues.map((x) => x.path.join(".")).join(", ")}`);
      return [];
    }
    caseItemIds.set(parsed.data.CaseRef, id);
    return [parsed.data];
  });
  const visitRows = readable("Visits", visits).map((v) => ({ CaseRef: v.row.CaseRef, VisitedOn: v.row.VisitedOn, Visitor: v.row.Visitor }));
  return {
    cases: reportCases,
    caseItemIds,
    placements: withLatestSchoolVisit(
      readable("Placements", placements).map((p) => p.row),
      visitRows,
    ),
    reviews: readable("Reviews", reviews).map((r) => r.row),
    decisions: readable("Decisions", decisions).map(({ row }) => ({ CaseRef: row.CaseRef, Outcome: row.Outcome, DecidedAt: row.DecidedAt })),
    qualifications: readable("Qualifications", qualifications).map((q) => q.row),
    visits: visitRows,
    schools: readable("Schools", schools).map((s) => s.row),
    problems,
  };
}

/**
 * The marks that count (the latest version of each session) for days from `from` to `to`, as register codes.
 *
 * @example
 * await reportMarks(lists, "2026-09-01", "2026-11-27") // [{ CaseRef: "LNCIP-2026-0042", Date: "2026-11-23", Session: "AM", Code: "/" }, …]
 */
export async function reportMarks(lists: Pick<ReportLists, "attendance">, from: Day, to: Day): Promise<ReportMark[]> {
  if (from > to) return [];
  const marks = latestMarks(await marksBetween(lists.attendance, from, to));
  return [...marks.values()].map((m) => ({ CaseRef: m.caseRef, Date: m.date, Session: m.session, Code: registerCodeOf(m) }));
}
