import type { CasesRow } from "../../domain/lists";
import { titleIs, type ItemRead, type ListItems } from "../../m365/sharepoint/items";

/**
 * The Cases item with this case reference (kept in the list's Title column, which is indexed), if there is one:
 * read into its row, or unreadable (a person's edit gone wrong) for the caller to say what that means.
 *
 * @example
 * const found = await findCaseItem(cases, "LNCIP-2026-0042");
 * found && isReadable(found) ? found.row.Status : undefined // "readyForCoreGroup"
 */
export async function findCaseItem(cases: ListItems<CasesRow>, caseRef: string): Promise<ItemRead<CasesRow> | undefined> {
  return (await cases.readAll({ filter: titleIs(caseRef) }))[0];
}
