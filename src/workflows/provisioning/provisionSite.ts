import type { ListDefinition } from "../../domain/lists/columns";
import type { SiteLists } from "../../m365/sharepoint/siteLists";
import { describeChange, planLists, type ListChange } from "./listPlan";

export interface ProvisionReport {
  /** What was changed (or, in a dry run, would be), in words. */
  changed: string[];
  warnings: string[];
}

/**
 * Brings the site's lists up to the domain's definitions: plans from what is there, then makes only the additive
 * changes (create list, add column, index, add choices, name Title). A second run finds nothing to do and sends
 * no write at all — only the one read of the lists.
 *
 * @example
 * const report = await provisionSite(siteLists(site), listDefinitions);
 * report.changed // ["Cases: created the list with 58 column(s)", "Cases: Title shown as \"Case reference\" and indexed", ...]
 */
export async function provisionSite(lists: SiteLists, definitions: readonly ListDefinition[], options: { dryRun?: boolean } = {}): Promise<ProvisionReport> {
  let existing = await lists.all();
  const plan = planLists(definitions, existing);
  if (options.dryRun) return { changed: plan.changes.map(describeChange), warnings: plan.warnings };

  const changed: string[] = [];
  const creations = plan.changes.filter((c): c is Extract<ListChange, { kind: "createList" }> => c.kind === "createList");
  for (const c of creations) {
    await lists.create({ name: c.list, displayName: c.displayName, description: c.description, columns: c.columns });
    changed.push(describeChange(c));
  }
  const rest = plan.changes.filter((c) => c.kind !== "createList");
  // Column changes address columns by id, which Graph gives only by reading the list (new lists included).
  if (creations.length && rest.length) existing = await lists.all();
  const listNamed = (name: string) => {
    const l = existing.find((x) => x.name.toLowerCase() === name.toLowerCase()) ?? existing.find((x) => x.displayName.toLowerCase() === name.toLowerCase());
    if (!l) throw new Error(`The list ${name} was not found on the site after it was created; run provisioning again.`);
    return l;
  };
  const columnId = (listName: string, column: string) => listNamed(listName).columns.find((c) => c.name === column)?.id ?? column;
  for (const c of rest) {
    const list = listNamed(c.list);
    switch (c.kind) {
      case "addColumn":
        await lists.addColumn(list.id, c.column);
        break;
      case "updateTitle":
        await lists.updateColumn(list.id, columnId(c.list, "Title"), c.patch);
        break;
      case "indexColumn":
        await lists.updateColumn(list.id, columnId(c.list, c.column), { indexed: true });
        break;
      case "addChoices":
        await lists.updateColumn(list.id, columnId(c.list, c.column), { choice: c.choice });
        break;
    }
    changed.push(describeChange(c));
  }
  return { changed, warnings: plan.warnings };
}
