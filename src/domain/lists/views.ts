import { caseStatusLabels, type CaseStatus } from "../case/caseStatus";
import { sessionHappenedLabels } from "../attendance/session";
import { addDays } from "../calendar/days";
import { isSchoolDay, type SchoolCalendar } from "../calendar";
import { attendanceList, casesList, decisionsList, placementsList, reviewsList, type CasesRow } from "./lists";
import type { ListDefinition } from "./columns";

/**
 * The coordinator's SharePoint: the views each list offers for the work of the day, and the column formatting
 * that makes status, waiting time and overdue reviews read at a glance. Declared once, here beside the lists;
 * provisioning writes them to a tenant through SharePoint's REST API and the local sandbox shows them.
 *
 * Column names are the lists' internal names (the row schemas' `column`); `LinkTitle` is SharePoint's Title shown
 * as a link to the item. Every value is a label people see (the choice text), never an app code.
 */

/** One test on one column, as CAML's comparison elements spell it. */
export type ViewCondition =
  | { op: "Eq" | "Neq" | "Lt" | "Leq" | "Gt" | "Geq"; column: string; type: CamlValueType; value: string | number | boolean }
  /** A date column against today plus `offsetDays` (CAML `<Today Offset="n"/>`), evaluated when the view is shown. */
  | { op: "Eq" | "Lt" | "Leq" | "Gt" | "Geq"; column: string; type: "DateTime"; today: { offsetDays: number } }
  | { op: "In"; column: string; type: CamlValueType; values: readonly string[] }
  | { op: "IsNull" | "IsNotNull"; column: string }
  | { op: "Or"; any: readonly ViewCondition[] };

export type CamlValueType = "Text" | "Choice" | "DateTime" | "Number" | "Boolean";

/** A public view of a list: its columns in order, which items (all conditions hold), their order and grouping. */
export interface ListViewDefinition {
  list: string;
  title: string;
  fields: readonly string[];
  where: readonly ViewCondition[];
  orderBy: readonly { column: string; ascending: boolean }[];
  groupBy?: readonly string[];
  rowLimit: number;
  /** Made the list's default view when provisioning creates it (never switched back afterwards). */
  defaultView?: boolean;
}

const label = (s: CaseStatus) => caseStatusLabels[s];
const status = (s: CaseStatus): ViewCondition => ({ op: "Eq", column: "Status", type: "Choice", value: label(s) });
const caseColumns = ["LinkTitle", "Status", "SchoolUrn", "YearGroup", "KeyStage", "RequestType", "ReceivedAt"] as const;
const oldestFirst = [{ column: "ReceivedAt", ascending: true }] as const;
const openStatuses: CaseStatus[] = ["received", "awaitingInclusionForum", "inclusionForumOutcome", "triage", "readyForCoreGroup", "decided", "awaitingPo", "waitingList", "placed"];
const noOutcomeYet: ViewCondition = { op: "IsNull", column: "ReturnToMainstream" };
const notCancelled: ViewCondition = { op: "Or", any: [{ op: "IsNull", column: "ReviewStatus" }, { op: "Neq", column: "ReviewStatus", type: "Choice", value: "Cancelled" }] };

/**
 * Every view provisioning creates, list by list. Filters lead with an indexed column (Status, PlacementStatus,
 * DueDate, Date) so a view keeps working past SharePoint's 5,000-item list view threshold.
 *
 * @example
 * listViews.find((v) => v.list === "Cases" && v.title === "Ready for Core Group")?.where
 * // [{ op: "Eq", column: "Status", type: "Choice", value: "Ready for Core Group" }]
 */
export const listViews: readonly ListViewDefinition[] = [
  { list: casesList.name, title: "Open cases", fields: caseColumns, where: [{ op: "In", column: "Status", type: "Choice", values: openStatuses.map(label) }], orderBy: oldestFirst, rowLimit: 100, defaultView: true },
  { list: casesList.name, title: "New", fields: caseColumns, where: [status("received")], orderBy: oldestFirst, rowLimit: 50 },
  { list: casesList.name, title: "Awaiting Director's exception", fields: [...caseColumns, "PreviousIfCase"], where: [status("awaitingDirectorsException")], orderBy: oldestFirst, rowLimit: 50 },
  { list: casesList.name, title: "In triage", fields: [...caseColumns, "PreviousIfCase", "IfOverrideReason", "PurchaseOrderNumber"], where: [status("triage")], orderBy: oldestFirst, rowLimit: 50 },
  {
    list: casesList.name,
    title: "Inclusion Forum",
    fields: [...caseColumns, "MeetingId", "InclusionForumOutcome"],
    where: [{ op: "In", column: "Status", type: "Choice", values: [label("awaitingInclusionForum"), label("inclusionForumOutcome")] }],
    orderBy: oldestFirst,
    rowLimit: 50,
  },
  { list: casesList.name, title: "Ready for Core Group", fields: [...caseColumns, "MeetingId", "CoreGroupOutcome"], where: [status("readyForCoreGroup")], orderBy: oldestFirst, rowLimit: 50 },
  { list: casesList.name, title: "Awaiting PO", fields: [...caseColumns, "CoreGroupOutcome", "DecidedAt", "PurchaseOrderNumber", "FundingSources", "PoValue"], where: [status("awaitingPo")], orderBy: [{ column: "DecidedAt", ascending: true }], rowLimit: 50 },
  // The waiting list in its order (earliest WaitingSince first: the position the Coordinator is told), with school days waited.
  { list: casesList.name, title: "Waiting list", fields: ["LinkTitle", "Status", "WaitingSince", "KeyStage", "SchoolUrn", "YearGroup", "CoreGroupOutcome"], where: [status("waitingList")], orderBy: [{ column: "WaitingSince", ascending: true }], rowLimit: 50 },
  { list: casesList.name, title: "In placement", fields: [...caseColumns, "CoreGroupOutcome"], where: [status("placed")], orderBy: oldestFirst, rowLimit: 100 },
  { list: casesList.name, title: "Ended", fields: [...caseColumns, "CoreGroupOutcome", "ReopenReason"], where: [{ op: "In", column: "Status", type: "Choice", values: [label("closed"), label("withdrawn")] }], orderBy: [{ column: "ReceivedAt", ascending: false }], rowLimit: 100 },

  {
    list: placementsList.name,
    title: "By status and school",
    fields: ["LinkTitle", "PlacementStatus", "SchoolUrn", "KeyStage", "StartDate", "EndDate", "AttendanceBasis", "LastSchoolVisit", "ChargeToDatePence", "UnregisteredProviderWarning"],
    where: [],
    orderBy: [{ column: "StartDate", ascending: true }],
    groupBy: ["PlacementStatus", "SchoolUrn"],
    rowLimit: 100,
    defaultView: true,
  },
  {
    list: placementsList.name,
    title: "Active by school",
    fields: ["LinkTitle", "SchoolUrn", "KeyStage", "StartDate", "EndDate", "AttendanceBasis", "LastSchoolVisit", "ChargeToDatePence"],
    where: [{ op: "Eq", column: "PlacementStatus", type: "Choice", value: "Active" }],
    orderBy: [{ column: "StartDate", ascending: true }],
    groupBy: ["SchoolUrn"],
    rowLimit: 100,
  },
  { list: placementsList.name, title: "Setting up", fields: ["LinkTitle", "SchoolUrn", "KeyStage", "StartDate", "PurchaseOrderNumber", "UnregisteredProviderWarning"], where: [{ op: "Eq", column: "PlacementStatus", type: "Choice", value: "Setting up" }], orderBy: [{ column: "StartDate", ascending: true }], rowLimit: 50 },

  {
    list: reviewsList.name,
    title: "Due in the next two weeks",
    fields: ["LinkTitle", "CaseRef", "Number", "DueDate", "StartsAt", "AttendeesConfirmed", "ReviewStatus"],
    where: [{ op: "Geq", column: "DueDate", type: "DateTime", today: { offsetDays: 0 } }, { op: "Leq", column: "DueDate", type: "DateTime", today: { offsetDays: 14 } }, noOutcomeYet, notCancelled],
    orderBy: [{ column: "DueDate", ascending: true }],
    rowLimit: 50,
    defaultView: true,
  },
  {
    list: reviewsList.name,
    title: "Overdue",
    fields: ["LinkTitle", "CaseRef", "Number", "DueDate", "AttendeesConfirmed", "ReturnToMainstream", "ReviewStatus"],
    where: [{ op: "Lt", column: "DueDate", type: "DateTime", today: { offsetDays: 0 } }, noOutcomeYet, notCancelled],
    orderBy: [{ column: "DueDate", ascending: true }],
    rowLimit: 50,
  },

  // A session not yet recorded has no item, so no view can list it (the morning alert and the provider chase do):
  // the day's work here is today's marks, and the pupils missing today.
  { list: attendanceList.name, title: "Missing today", fields: ["CaseRef", "Session", "Happened", "AbsenceReason", "ProviderCode", "RecordedBy"], where: [{ op: "Eq", column: "Date", type: "DateTime", today: { offsetDays: 0 } }, { op: "Eq", column: "Happened", type: "Choice", value: sessionHappenedLabels.absent }], orderBy: [{ column: "CaseRef", ascending: true }, { column: "Session", ascending: true }], rowLimit: 100 },
  { list: attendanceList.name, title: "Today", fields: ["CaseRef", "Session", "Happened", "LateMinutes", "ProviderCode", "RecordedBy", "Version"], where: [{ op: "Eq", column: "Date", type: "DateTime", today: { offsetDays: 0 } }], orderBy: [{ column: "CaseRef", ascending: true }, { column: "Session", ascending: true }], rowLimit: 200, defaultView: true },

  { list: decisionsList.name, title: "Latest decisions", fields: ["CaseRef", "Outcome", "DecidedBy", "DecidedAt", "Source", "MeetingId", "Votes"], where: [], orderBy: [{ column: "DecidedAt", ascending: false }], rowLimit: 100, defaultView: true },
];

/**
 * A view's query as SharePoint stores it (`ViewQuery`: the CAML inside `<Query>`): `<Where>` with the conditions
 * joined by `<And>` (CAML's And takes two), `<OrderBy>`, `<GroupBy>`.
 *
 * @example
 * viewQueryXml({ where: [{ op: "Eq", column: "Status", type: "Choice", value: "Received" }], orderBy: [{ column: "ReceivedAt", ascending: true }] })
 * // '<Where><Eq><FieldRef Name="Status" /><Value Type="Choice">Received</Value></Eq></Where><OrderBy><FieldRef Name="ReceivedAt" Ascending="TRUE" /></OrderBy>'
 */
export function viewQueryXml(view: Pick<ListViewDefinition, "where" | "orderBy" | "groupBy">): string {
  const where = view.where.length ? `<Where>${joinAnd(view.where.map(conditionXml))}</Where>` : "";
  const groupBy = view.groupBy?.length ? `<GroupBy Collapse="FALSE">${view.groupBy.map((c) => `<FieldRef Name="${xml(c)}" />`).join("")}</GroupBy>` : "";
  const orderBy = view.orderBy.length ? `<OrderBy>${view.orderBy.map((o) => `<FieldRef Name="${xml(o.column)}" Ascending="${o.ascending ? "TRUE" : "FALSE"}" />`).join("")}</OrderBy>` : "";
  return `${where}${groupBy}${orderBy}`;
}

function joinAnd(parts: string[]): string {
  return parts.reduce((acc, p) => (acc ? `<And>${acc}${p}</And>` : p), "");
}

function conditionXml(c: ViewCondition): string {
  if (c.op === "Or") return c.any.map(conditionXml).reduce((acc, p) => (acc ? `<Or>${acc}${p}</Or>` : p), "");
  const ref = `<FieldRef Name="${xml(c.column)}" />`;
  if (c.op === "IsNull" || c.op === "IsNotNull") return `<${c.op}>${ref}</${c.op}>`;
  if (c.op === "In") return `<In>${ref}<Values>${c.values.map((v) => `<Value Type="${c.type}">${xml(v)}</Value>`).join("")}</Values></In>`;
  if ("today" in c) return `<${c.op}>${ref}<Value Type="DateTime"><Today Offset="${c.today.offsetDays}" /></Value></${c.op}>`;
  if (!("value" in c)) throw new Error(`A ${c.op} condition needs a value`);
  const value = typeof c.value === "boolean" ? (c.value ? "1" : "0") : String(c.value);
  return `<${c.op}>${ref}<Value Type="${c.type}">${xml(value)}</Value></${c.op}>`;
}

function xml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch] as string);
}

/**
 * The file name SharePoint gives a view's page (its title without spaces and punctuation, `.aspx`), as in
 * `/sites/lncip/Lists/Cases/ReadyforCoreGroup.aspx`.
 *
 * @example
 * viewPageName("Ready for Core Group") // "ReadyforCoreGroup.aspx"
 */
export function viewPageName(title: string): string {
  return `${title.replace(/[^A-Za-z0-9]/g, "") || "View"}.aspx`;
}

// ---- column formatting ----

/** A column-formatting expression in Microsoft's abstract-syntax-tree form (`{operator, operands}`). */
export type FormatterExpr = string | number | boolean | { operator: string; operands: readonly FormatterExpr[] };

/** An element of a column formatter (`elmType`, `txtContent`, `attributes`, `style`, `children`). */
export interface FormatterElement {
  $schema?: string;
  elmType: "div" | "span" | "a" | "img" | "svg" | "path" | "button" | "p";
  txtContent?: FormatterExpr;
  attributes?: Record<string, FormatterExpr>;
  style?: Record<string, FormatterExpr>;
  children?: readonly FormatterElement[];
}

/** Which column of which list gets which formatter (stored as the field's `CustomFormatter`). */
export interface ColumnFormatting {
  list: string;
  column: string;
  formatter: FormatterElement;
}

export const columnFormattingSchema = "https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json";

const op = (operator: string, ...operands: FormatterExpr[]): FormatterExpr => ({ operator, operands });
const when = (test: FormatterExpr, then: FormatterExpr, otherwise: FormatterExpr) => op("?", test, then, otherwise);
const eq = (a: FormatterExpr, b: FormatterExpr) => op("==", a, b);
const DAY_MS = 86_400_000;

/** SharePoint's own severity classes: green, blue, amber, orange-red, red. */
export type Severity = "good" | "low" | "warning" | "severeWarning" | "blocked";
const severityClass = (s: Severity | "") => (s ? `sp-field-severity--${s}` : "");

/** A pill: the value, coloured by a class picked from the value. */
function pill(classOf: FormatterExpr): FormatterElement {
  return { $schema: columnFormattingSchema, elmType: "div", attributes: { class: classOf }, style: { padding: "0 6px", "border-radius": "12px", display: "inline-block" }, txtContent: "@currentField" };
}

function byValue(values: Record<string, Severity | "">): FormatterExpr {
  return Object.entries(values).reduceRight<FormatterExpr>((otherwise, [value, severity]) => when(eq("@currentField", value), severityClass(severity), otherwise), "");
}

/** Who must act on a case in each status: amber for the partnership, orange-red while a school or a place is awaited. */
export const caseStatusSeverity: Record<CasesRow["Status"], Severity | ""> = {
  received: "warning",
  awaitingDirectorsException: "warning",
  triage: "warning",
  awaitingInclusionForum: "low",
  inclusionForumOutcome: "warning",
  readyForCoreGroup: "low",
  decided: "low",
  awaitingPo: "severeWarning",
  waitingList: "severeWarning",
  placed: "good",
  closed: "",
  withdrawn: "",
};

/**
 * The column formatters, for a partnership's calendar (the waiting time counts its school days). Case status,
 * placement status and what happened in a session read as coloured pills; a waiting-list case shows the school
 * days it has waited; a review shows "Overdue" in red or "Due in N days" in amber within two weeks.
 *
 * @example
 * columnFormatting(schoolCalendarFor(shippedCalendars.leicestershire)).map((f) => `${f.list}.${f.column}`)
 * // ["Cases.Status", "Cases.WaitingSince", "Placements.PlacementStatus", "Reviews.DueDate", "Attendance.Happened"]
 */
export function columnFormatting(calendar: SchoolCalendar): ColumnFormatting[] {
  return [
    { list: casesList.name, column: "Status", formatter: pill(byValue(Object.fromEntries(Object.entries(caseStatusSeverity).map(([s, sev]) => [caseStatusLabels[s as CaseStatus], sev])))) },
    { list: casesList.name, column: "WaitingSince", formatter: waitingFormatter(calendar) },
    { list: placementsList.name, column: "PlacementStatus", formatter: pill(byValue({ "Setting up": "warning", Active: "good", Ended: "" })) },
    { list: reviewsList.name, column: "DueDate", formatter: reviewDueFormatter() },
    { list: attendanceList.name, column: "Happened", formatter: pill(byValue({ [sessionHappenedLabels.absent]: "blocked", [sessionHappenedLabels.late]: "warning", [sessionHappenedLabels.attended]: "good" })) },
  ];
}

/**
 * School days from `since` to `now` (as schoolDaysBetween counts them: `since` inclusive, today exclusive) in a
 * formatter expression. SharePoint's formatting knows no calendar, so the calendar travels inside the formatter:
 * a string of fixed-width numbers, one per day of the calendar's known range, each the school days before that
 * day; the difference of two lookups (`substring`) is the count. Days are UTC days, as `Number(date)` gives them.
 *
 * @example
 * schoolDaysTable(schoolCalendarFor(shippedCalendars.leicestershire)).first // "2025-08-01"
 */
export function schoolDaysTable(calendar: SchoolCalendar): { first: string; days: number; width: number; table: string } {
  const years = calendar.years.map((y) => Number(y.academicYear.slice(0, 4)));
  const first = `${Math.min(...years)}-08-01`;
  const last = `${Math.max(...years) + 1}-08-31`;
  const counts: number[] = [];
  let before = 0;
  for (let d = first; d <= last; d = addDays(d, 1)) {
    counts.push(before);
    if (isSchoolDay(calendar, d)) before++;
  }
  const width = String(before).length;
  return { first, days: counts.length, width, table: counts.map((n) => String(n).padStart(width, "0")).join("") };
}

function waitingFormatter(calendar: SchoolCalendar): FormatterElement {
  const t = schoolDaysTable(calendar);
  const firstDay = Date.parse(`${t.first}T00:00:00Z`) / DAY_MS;
  const index = (d: FormatterExpr) => op("-", op("floor", op("/", op("Number()", d), DAY_MS)), firstDay);
  const before = (d: FormatterExpr) => op("Number()", op("substring", t.table, op("*", index(d), t.width), op("+", op("*", index(d), t.width), t.width)));
  const known = op("&&", op("&&", op(">=", index("@currentField"), 0), op("<", index("@currentField"), t.days)), op("<", index("@now"), t.days));
  // The table is long: it appears once per lookup, so the count is written once; the colour follows calendar weeks.
  const waited = op("-", before("@now"), before("@currentField"));
  const daysSince = op("/", op("-", op("Number()", "@now"), op("Number()", "@currentField")), DAY_MS);
  const severity = when(op("<", daysSince, 14), severityClass("low"), when(op("<", daysSince, 42), severityClass("warning"), severityClass("severeWarning")));
  return {
    $schema: columnFormattingSchema,
    elmType: "div",
    children: [
      { elmType: "span", txtContent: op("toLocaleDateString()", "@currentField") },
      {
        elmType: "span",
        attributes: { class: severity },
        style: { "margin-left": "6px", padding: "0 6px", "border-radius": "12px", display: when(known, "inline-block", "none") },
        txtContent: when(known, op("+", "school days waited: ", op("toString()", waited)), ""),
      },
    ],
  };
}

function reviewDueFormatter(): FormatterElement {
  const open = op("&&", eq("[$ReturnToMainstream]", ""), op("!=", "[$ReviewStatus]", "Cancelled"));
  const overdue = op("&&", open, op("<=", op("+", op("Number()", "@currentField"), DAY_MS), op("Number()", "@now")));
  const daysLeft = op("ceiling", op("/", op("-", op("Number()", "@currentField"), op("Number()", "@now")), DAY_MS));
  const soon = op("&&", open, op("<=", daysLeft, 14));
  const date = op("toLocaleDateString()", "@currentField");
  return {
    $schema: columnFormattingSchema,
    elmType: "div",
    attributes: { class: when(overdue, severityClass("blocked"), when(soon, severityClass("warning"), "")) },
    style: { padding: "0 6px", "border-radius": "12px", display: "inline-block" },
    txtContent: when(
      overdue,
      op("+", "Overdue: due ", date),
      when(soon, op("+", date, when(op("<=", daysLeft, 0), " (due today)", op("+", op("+", " (in ", op("toString()", daysLeft)), when(eq(daysLeft, 1), " day)", " days)")))), date),
    ),
  };
}

/** The lists that have views or formatting, for provisioning to report on. */
export const listsWithViews: readonly ListDefinition[] = [casesList, placementsList, reviewsList, attendanceList, decisionsList];
