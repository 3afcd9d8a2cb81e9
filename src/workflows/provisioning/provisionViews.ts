import type { ColumnFormatting, ListViewDefinition } from "../../domain/lists/views";
import { odataString, SharePointRestError, type SharePointRest } from "../../m365/sharepoint/sharePointRest";
import { describeViewChange, planViews, type ExistingListLook, type ExistingView } from "./viewPlan";

export interface ViewsReport {
  /** What was changed (or, in a dry run, would be), in words. */
  changed: string[];
  /** Lists that could not be looked at or changed, with SharePoint's words: for a person to look at. */
  problems: string[];
}

/**
 * Gives each list the app's views and column formatting through SharePoint's REST API (Graph has neither):
 * reads each list's views (`$expand=ViewFields`) and its formatted columns' `CustomFormatter`, plans, then makes
 * only the changes planned — `POST .../views` (`SP.View`: Title, PersonalView, ViewQuery, RowLimit, DefaultView),
 * `.../ViewFields/removeallviewfields` and `addviewfield('…')`, MERGE of a view or of a field's `CustomFormatter`
 * (`SP.Field`). A second run reads and writes nothing. A list that is missing or refused is reported and the others
 * carry on.
 *
 * @example
 * const report = await provisionViews(sharePointRest(webUrl, credential), listViews, columnFormatting(calendar));
 * report.changed // ['Cases: created the view "Ready for Core Group" (9 column(s))', 'Cases: column Status formatted', ...]
 */
export async function provisionViews(rest: SharePointRest, definitions: readonly ListViewDefinition[], formatting: readonly ColumnFormatting[], options: { dryRun?: boolean } = {}): Promise<ViewsReport> {
  const lists = [...new Set([...definitions.map((d) => d.list), ...formatting.map((f) => f.list)])];
  const changed: string[] = [];
  const problems: string[] = [];
  for (const name of lists) {
    const list = `/_api/web/lists/GetByTitle(${odataString(name)})`;
    try {
      const look = await lookAt(rest, list, name, formatting.filter((f) => f.list === name).map((f) => f.column));
      for (const change of planViews(definitions, formatting, [look])) {
        if (!options.dryRun) {
          switch (change.kind) {
            case "createView": {
              const created = await rest.post<{ Id?: string }>(`${list}/views`, {
                __metadata: { type: "SP.View" },
                Title: change.title,
                PersonalView: false,
                ViewQuery: change.viewQuery,
                RowLimit: change.rowLimit,
                ...(change.defaultView ? { DefaultView: true } : {}),
              });
              if (!created?.Id) throw new Error(`SharePoint created the view "${change.title}" but did not say its id`);
              await setFields(rest, `${list}/views(${odataString(created.Id)})`, change.fields);
              break;
            }
            case "updateView":
              await rest.post(`${list}/views(${odataString(change.id)})`, { __metadata: { type: "SP.View" }, ...change.patch }, { "X-HTTP-Method": "MERGE", "IF-MATCH": "*" });
              break;
            case "setViewFields":
              await setFields(rest, `${list}/views(${odataString(change.id)})`, change.fields);
              break;
            case "setFormatter":
              await rest.post(`${list}/fields/getbyinternalnameortitle(${odataString(change.column)})`, { __metadata: { type: "SP.Field" }, CustomFormatter: change.formatter }, { "X-HTTP-Method": "MERGE", "IF-MATCH": "*" });
              break;
          }
        }
        changed.push(describeViewChange(change));
      }
    } catch (e) {
      problems.push(`${name}: ${e instanceof SharePointRestError ? `${e.message} (HTTP ${e.status})` : e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { changed, problems };
}

async function lookAt(rest: SharePointRest, list: string, name: string, columns: readonly string[]): Promise<ExistingListLook> {
  const views = await rest.get<{ value: (Omit<ExistingView, "ViewFields"> & { ViewFields?: { Items?: string[] } })[] }>(`${list}/views?$select=Id,Title,ViewQuery,RowLimit&$expand=ViewFields`);
  const formatters: Record<string, string | null> = {};
  for (const column of columns) {
    const field = await rest.get<{ CustomFormatter?: string | null }>(`${list}/fields/getbyinternalnameortitle(${odataString(column)})?$select=InternalName,CustomFormatter`);
    formatters[column] = field.CustomFormatter ?? null;
  }
  return { list: name, views: views.value.map((v) => ({ Id: v.Id, Title: v.Title, ViewQuery: v.ViewQuery ?? "", RowLimit: v.RowLimit, ViewFields: v.ViewFields?.Items ?? [] })), formatters };
}

/** A view's columns, in order: all removed, then each added (SharePoint offers no "set"). */
async function setFields(rest: SharePointRest, view: string, fields: readonly string[]): Promise<void> {
  await rest.post(`${view}/ViewFields/removeallviewfields`);
  for (const f of fields) await rest.post(`${view}/ViewFields/addviewfield(${odataString(f)})`);
}
