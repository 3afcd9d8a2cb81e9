import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listDefinitions, toColumnDefinitions } from "../../../src/domain/lists";
import { columnFormatting, listViews, schoolDaysTable, viewPageName, viewQueryXml, type ViewCondition } from "../../../src/domain/lists/views";
import { addDays, schoolCalendarFor, schoolDaysBetween, shippedCalendars } from "../../../src/domain/calendar";
import { renderFormatter, type FormatterValue } from "../../../sandbox/tenant/columnFormatting";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const formatters = columnFormatting(calendar);
const formatterOf = (list: string, column: string) => {
  const f = formatters.find((x) => x.list === list && x.column === column);
  if (!f) throw new Error(`no formatter for ${list}.${column}`);
  return f.formatter;
};
const cell = (list: string, column: string, value: FormatterValue, now: Date, others: Record<string, FormatterValue> = {}) =>
  renderFormatter(formatterOf(list, column), { currentField: value, column: (n) => others[n], now }).text;
const textOf = (htmlText: string) => htmlText.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();

describe("the coordinator's views", () => {
  it("give Cases a view for each stage of the day's work, and Placements, Reviews and Attendance theirs", () => {
    const titles = (list: string) => listViews.filter((v) => v.list === list).map((v) => v.title);
    expect(titles("Cases")).toEqual(expect.arrayContaining(["New", "In triage", "Ready for Core Group", "Awaiting PO", "Waiting list", "In placement", "Ended"]));
    expect(titles("Placements")).toContain("By status and school");
    expect(titles("Reviews")).toEqual(["Due in the next two weeks", "Overdue"]);
    expect(titles("Attendance")).toContain("Missing today");
  });

  it("name only columns their list has, and filter choices by values the column offers", () => {
    for (const view of listViews) {
      const def = listDefinitions.find((l) => l.name === view.list)!;
      const columns = new Map(toColumnDefinitions(def).map((c) => [c.name, c]));
      const known = (name: string) => name === "LinkTitle" || name === "Title" || columns.has(name);
      for (const f of view.fields) expect(known(f), `${view.list}/${view.title}: ${f}`).toBe(true);
      for (const o of view.orderBy) expect(known(o.column), `${view.title} orders by ${o.column}`).toBe(true);
      for (const g of view.groupBy ?? []) expect(known(g), `${view.title} groups by ${g}`).toBe(true);
      const check = (c: ViewCondition): void => {
        if (c.op === "Or") return c.any.forEach(check);
        expect(known(c.column), `${view.title} filters on ${c.column}`).toBe(true);
        const choices = columns.get(c.column)?.choice?.choices;
        if (choices && c.op === "In") for (const v of c.values) expect(choices, `${view.title}: ${v}`).toContain(v);
        if (choices && "value" in c) expect(choices, `${view.title}: ${String(c.value)}`).toContain(c.value);
      };
      view.where.forEach(check);
    }
  });

  it("lead every filter with an indexed column, so a view keeps working past 5,000 items", () => {
    for (const view of listViews.filter((v) => v.where.length)) {
      const first = view.where[0]!;
      if (first.op === "Or") throw new Error(`${view.title} starts with an Or`);
      const column = toColumnDefinitions(listDefinitions.find((l) => l.name === view.list)!).find((c) => c.name === first.column);
      expect(column?.indexed, `${view.list}/${view.title} filters first on ${first.column}`).toBe(true);
    }
  });

  it("write the query as SharePoint's CAML: one condition, And-joined pairs, Or, In, relative dates, group and order", () => {
    const ready = listViews.find((v) => v.title === "Ready for Core Group")!;
    expect(viewQueryXml(ready)).toBe('<Where><Eq><FieldRef Name="Status" /><Value Type="Choice">Ready for Core Group</Value></Eq></Where><OrderBy><FieldRef Name="ReceivedAt" Ascending="TRUE" /></OrderBy>');
    const due = listViews.find((v) => v.title === "Due in the next two weeks")!;
    expect(viewQueryXml(due)).toBe(
      '<Where><And><And><And><Geq><FieldRef Name="DueDate" /><Value Type="DateTime"><Today Offset="0" /></Value></Geq><Leq><FieldRef Name="DueDate" /><Value Type="DateTime"><Today Offset="14" /></Value></Leq></And><IsNull><FieldRef Name="ReturnToMainstream" /></IsNull></And><Or><IsNull><FieldRef Name="ReviewStatus" /></IsNull><Neq><FieldRef Name="ReviewStatus" /><Value Type="Choice">Cancelled</Value></Neq></Or></And></Where><OrderBy><FieldRef Name="DueDate" Ascending="TRUE" /></OrderBy>',
    );
    const byStatus = listViews.find((v) => v.title === "By status and school")!;
    expect(viewQueryXml(byStatus)).toBe('<GroupBy Collapse="FALSE"><FieldRef Name="PlacementStatus" /><FieldRef Name="SchoolUrn" /></GroupBy><OrderBy><FieldRef Name="StartDate" Ascending="TRUE" /></OrderBy>');
    expect(viewQueryXml({ where: [{ op: "Eq", column: "Title", type: "Text", value: `O'Neil & <Sons>` }], orderBy: [] })).toBe('<Where><Eq><FieldRef Name="Title" /><Value Type="Text">O&apos;Neil &amp; &lt;Sons&gt;</Value></Eq></Where>');
  });

  it("name each view's page as SharePoint does", () => {
    expect(viewPageName("Ready for Core Group")).toBe("ReadyforCoreGroup.aspx");
    expect(new Set(listViews.map((v) => `${v.list}/${viewPageName(v.title)}`)).size).toBe(listViews.length);
  });
});

describe("the column formatting", () => {
  const now = new Date("2026-12-09T10:00:00Z");

  it("counts the school days a waiting-list case has waited with the partnership's calendar, as the domain does", () => {
    const t = schoolDaysTable(calendar);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: t.days - 1 }), fc.integer({ min: 0, max: 400 }), (start, length) => {
        const since = addDays(t.first, start);
        const today = addDays(since, length);
        if (today > addDays(t.first, t.days - 1)) return;
        const text = textOf(cell("Cases", "WaitingSince", new Date(`${since}T13:45:00Z`), new Date(`${today}T09:00:00Z`)));
        expect(text).toContain(`school days waited: ${schoolDaysBetween(calendar, since, today)}`);
      }),
      { numRuns: 300 },
    );
    // Across Christmas: Monday 14 December 2026 to Tuesday 5 January 2027 is 5 + 4 school days (term ends 18 Dec).
    expect(textOf(cell("Cases", "WaitingSince", new Date("2026-12-14T09:00:00Z"), new Date("2027-01-05T09:00:00Z")))).toBe(`14 Dec 2026 school days waited: ${schoolDaysBetween(calendar, "2026-12-14", "2027-01-05")}`);
  });

  it("shows no count for a date outside the known term dates, rather than a guess", () => {
    const text = textOf(cell("Cases", "WaitingSince", new Date("2024-03-01T09:00:00Z"), now));
    expect(text).toBe("1 Mar 2024");
  });

  it("marks an overdue review red, one due within two weeks amber with its days, and leaves done or cancelled ones plain", () => {
    const due = (day: string, others: Record<string, FormatterValue> = {}) => cell("Reviews", "DueDate", new Date(`${day}T00:00:00Z`), now, { ReturnToMainstream: undefined, ReviewStatus: "Scheduled", ...others });
    expect(due("2026-12-07")).toContain("sp-field-severity--blocked");
    expect(textOf(due("2026-12-07"))).toBe("Overdue: due 7 Dec 2026");
    expect(textOf(due("2026-12-09"))).toBe("9 Dec 2026 (due today)");
    expect(due("2026-12-14")).toContain("sp-field-severity--warning");
    expect(textOf(due("2026-12-14"))).toBe("14 Dec 2026 (in 5 days)");
    expect(textOf(due("2026-12-10"))).toBe("10 Dec 2026 (in 1 day)");
    expect(due("2027-01-20")).not.toContain("sp-field-severity");
    expect(due("2026-12-07", { ReturnToMainstream: "Yes" })).not.toContain("sp-field-severity");
    expect(due("2026-12-07", { ReviewStatus: "Cancelled" })).not.toContain("Overdue");
  });

  it("colours a case's status by who must act, and what happened in a session", () => {
    expect(cell("Cases", "Status", "Waiting list", now)).toContain("sp-field-severity--severeWarning");
    expect(cell("Cases", "Status", "In placement", now)).toContain("sp-field-severity--good");
    expect(cell("Cases", "Status", "In triage", now)).toContain("sp-field-severity--warning");
    expect(cell("Attendance", "Happened", "Absent", now)).toContain("sp-field-severity--blocked");
    expect(textOf(cell("Placements", "PlacementStatus", "Active", now))).toBe("Active");
  });

  it("renders what a cell holds as text, never as markup", () => {
    const out = cell("Cases", "Status", `<img src="https://evil.example/x.png" onerror="alert(1)">`, now);
    expect(out).not.toContain("<img");
    expect(out).toContain("&#60;img");
  });

  it("keeps the formatters within what SharePoint stores comfortably (the calendar travels inside one)", () => {
    for (const f of formatters) expect(JSON.stringify(f.formatter).length, `${f.list}.${f.column}`).toBeLessThan(12_000);
  });
});
