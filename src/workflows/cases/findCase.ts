import type { CasesRow } from "../../domain/lists";
import { isReadable, titleIs, type ItemRead, type ListItems } from "../../m365/sharepoint/items";
import { isOpenStatus } from "../../domain/case";

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

/**
 * Whether a case has ended (its workflow status no longer open: closed, withdrawn), as its item says. A case not in
 * the list, or whose item cannot be read, has not ended as far as anyone can tell.
 *
 * @example
 * await caseHasEnded(cases, "LNCIP-2026-0042") // true once the Coordinator has closed it
 */
export async function caseHasEnded(cases: ListItems<CasesRow>, caseRef: string): Promise<boolean> {
  const item = await findCaseItem(cases, caseRef);
  return !!item && isReadable(item) && !isOpenStatus(item.row.WorkflowStatus);
}
