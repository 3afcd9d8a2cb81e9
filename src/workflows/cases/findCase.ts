import type { ListItem, ListItems } from "../../m365/sharepoint/items";

/**
 * The Cases item with this case reference (kept in the list's Title column, which is indexed), if there is one.
 *
 * @example
 * (await findCaseItem(cases, "LNCIP-2026-0042"))?.fields.Status // "Ready for Core Group"
 */
export async function findCaseItem(cases: ListItems, caseRef: string): Promise<ListItem | undefined> {
  return (await cases.all({ filter: `fields/Title eq '${caseRef.replace(/'/g, "''")}'` }))[0];
}
