import { describe, expect, it } from "vitest";
import { planViews, type ExistingListLook } from "../../../src/workflows/provisioning/viewPlan";
import { columnFormatting, listViews, viewQueryXml } from "../../../src/domain/lists/views";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const formatting = columnFormatting(schoolCalendarFor(shippedCalendars.leicestershire!));
const cases = listViews.filter((v) => v.list === "Cases");
const casesAsProvisioned = (): ExistingListLook => ({
  list: "Cases",
  views: [
    { Id: "all", Title: "All Items", ViewQuery: "", RowLimit: 30, ViewFields: ["LinkTitle", "Status"] },
    ...cases.map((v, i) => ({ Id: `v${i}`, Title: v.title, ViewQuery: viewQueryXml(v), RowLimit: v.rowLimit, ViewFields: [...v.fields] })),
  ],
  formatters: Object.fromEntries(formatting.filter((f) => f.list === "Cases").map((f) => [f.column, JSON.stringify(f.formatter)])),
});

describe("planning the coordinator's views", () => {
  it("creates every view and formatter a bare list lacks, leaving the list's own views alone", () => {
    const plan = planViews(listViews, formatting, [{ list: "Cases", views: [{ Id: "all", Title: "All Items", ViewQuery: "", RowLimit: 30, ViewFields: ["LinkTitle"] }], formatters: {} }]);
    expect(plan.filter((c) => c.kind === "createView").map((c) => c.kind === "createView" && c.title)).toEqual(cases.map((v) => v.title));
    expect(plan.filter((c) => c.kind === "setFormatter").map((c) => c.kind === "setFormatter" && c.column)).toEqual(["Status", "WaitingSince"]);
    expect(plan.some((c) => "id" in c && c.id === "all")).toBe(false);
    const open = plan.find((c) => c.kind === "createView" && c.title === "Open cases");
    expect(open).toMatchObject({ defaultView: true, rowLimit: 100 });
  });

  it("plans nothing for a list already as defined, however SharePoint spaced its CAML or ordered the formatter's keys", () => {
    expect(planViews(listViews, formatting, [casesAsProvisioned()])).toEqual([]);
    const look = casesAsProvisioned();
    look.views[1]!.ViewQuery = look.views[1]!.ViewQuery.replace(/></g, ">\n  <").replace(/"/g, "'").replace(/ \/>/g, "/>");
    const status = formatting.find((f) => f.column === "Status")!.formatter;
    look.formatters.Status = JSON.stringify(Object.fromEntries(Object.entries(status).reverse()), null, 2);
    expect(planViews(listViews, formatting, [look])).toEqual([]);
  });

  it("brings back a changed filter, row limit or column order, and a formatter someone replaced", () => {
    const look = casesAsProvisioned();
    const ready = look.views.find((v) => v.Title === "Ready for Core Group")!;
    ready.ViewQuery = "<Where />";
    ready.RowLimit = 5;
    ready.ViewFields.reverse();
    look.formatters.WaitingSince = null;
    const plan = planViews(listViews, formatting, [look]);
    expect(plan).toEqual([
      { kind: "updateView", list: "Cases", id: ready.Id, title: "Ready for Core Group", patch: { ViewQuery: viewQueryXml(cases.find((v) => v.title === "Ready for Core Group")!), RowLimit: 50 } },
      { kind: "setViewFields", list: "Cases", id: ready.Id, title: "Ready for Core Group", fields: cases.find((v) => v.title === "Ready for Core Group")!.fields },
      { kind: "setFormatter", list: "Cases", column: "WaitingSince", formatter: JSON.stringify(formatting.find((f) => f.column === "WaitingSince")!.formatter) },
    ]);
  });
});
