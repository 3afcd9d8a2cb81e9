import { viewQueryXml, type ColumnFormatting, type ListViewDefinition } from "../../domain/lists/views";

/** A view as SharePoint's REST API returns it (`$expand=ViewFields`), only what the plan compares. */
export interface ExistingView {
  Id: string;
  Title: string;
  ViewQuery: string;
  RowLimit: number;
  ViewFields: string[];
}

/** What one list has now: its views and the formatter (`CustomFormatter`) of each column the app formats. */
export interface ExistingListLook {
  list: string;
  views: ExistingView[];
  formatters: Record<string, string | null>;
}

/** One change provisioning makes to the coordinator's views and formatting. Views are matched by title. */
export type ViewChange =
  | { kind: "createView"; list: string; title: string; viewQuery: string; rowLimit: number; defaultView: boolean; fields: readonly string[] }
  | { kind: "updateView"; list: string; id: string; title: string; patch: { ViewQuery?: string; RowLimit?: number } }
  | { kind: "setViewFields"; list: string; id: string; title: string; fields: readonly string[] }
  | { kind: "setFormatter"; list: string; column: string; formatter: string };

/**
 * What must change for each list to have the app's views and column formatting: a missing view is created, a view
 * whose query, row limit or columns differ is brought back to the definition, a formatter that differs is
 * replaced. Views the app does not define are left alone. Pure: a second plan after the first's changes is empty.
 *
 * @example
 * planViews(listViews, columnFormatting(calendar), [{ list: "Cases", views: [], formatters: {} }]).length // views + formatters of Cases
 */
export function planViews(definitions: readonly ListViewDefinition[], formatting: readonly ColumnFormatting[], existing: readonly ExistingListLook[]): ViewChange[] {
  const changes: ViewChange[] = [];
  for (const look of existing) {
    for (const def of definitions.filter((d) => d.list === look.list)) {
      const viewQuery = viewQueryXml(def);
      const found = look.views.find((v) => v.Title === def.title);
      if (!found) {
        changes.push({ kind: "createView", list: def.list, title: def.title, viewQuery, rowLimit: def.rowLimit, defaultView: def.defaultView ?? false, fields: def.fields });
        continue;
      }
      const patch: { ViewQuery?: string; RowLimit?: number } = {};
      if (canonicalCaml(found.ViewQuery) !== canonicalCaml(viewQuery)) patch.ViewQuery = viewQuery;
      if (found.RowLimit !== def.rowLimit) patch.RowLimit = def.rowLimit;
      if (Object.keys(patch).length) changes.push({ kind: "updateView", list: def.list, id: found.Id, title: def.title, patch });
      if (found.ViewFields.join("\n") !== def.fields.join("\n")) changes.push({ kind: "setViewFields", list: def.list, id: found.Id, title: def.title, fields: def.fields });
    }
    for (const f of formatting.filter((x) => x.list === look.list)) {
      const have = look.formatters[f.column];
      if (!have || canonicalJson(have) !== canonicalJson(JSON.stringify(f.formatter))) changes.push({ kind: "setFormatter", list: f.list, column: f.column, formatter: JSON.stringify(f.formatter) });
    }
  }
  return changes;
}

/**
 * The change in words, for the provisioning report.
 *
 * @example
 * describeViewChange({ kind: "setFormatter", list: "Reviews", column: "DueDate", formatter }) // "Reviews: column DueDate formatted"
 */
export function describeViewChange(c: ViewChange): string {
  switch (c.kind) {
    case "createView":
      return `${c.list}: created the view "${c.title}" (${c.fields.length} column(s))${c.defaultView ? ", the list's default" : ""}`;
    case "updateView":
      return `${c.list}: view "${c.title}" brought back to the app's ${Object.keys(c.patch).map((k) => (k === "ViewQuery" ? "filter and order" : "row limit")).join(" and ")}`;
    case "setViewFields":
      return `${c.list}: view "${c.title}" shows ${c.fields.join(", ")}`;
    case "setFormatter":
      return `${c.list}: column ${c.column} formatted`;
  }
}

/** CAML compared as SharePoint may store it: whitespace between tags, quote style and empty elements aside. */
function canonicalCaml(xml: string): string {
  return xml
    .trim()
    .replace(/>\s+</g, "><")
    .replace(/'/g, '"')
    .replace(/<([A-Za-z]+)([^<>]*?)\s*><\/\1>/g, "<$1$2 />")
    .replace(/\s*\/>/g, " />");
}

/** JSON compared by meaning: key order and spacing aside. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v as Record<string, unknown>).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
