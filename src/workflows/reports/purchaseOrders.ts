import type { CasesRow } from "../../domain/lists";
import type { PurchaseOrder } from "../../domain/reports";
import type { ListItems } from "../../m365/sharepoint/items";

/**
 * The purchase orders the reports show against each school's charges: every PO number a case holds (as the school
 * gave it on the Referral Form, or the Coordinator typed it in), once per school. The form asks for no PO's value,
 * so the value is left unrecorded and the reports say so ("not recorded") beside what each PO has been charged.
 *
 * @example
 * await purchaseOrdersFromCases(cases) // [{ SchoolUrn: "120345", PurchaseOrderNumber: "PO-88812", ValuePence: undefined }, …]
 */
export async function purchaseOrdersFromCases(cases: Pick<ListItems<CasesRow>, "columns">): Promise<PurchaseOrder[]> {
  const rows = await cases.columns(["PurchaseOrderNumber", "SchoolUrn"]);
  const seen = new Map<string, PurchaseOrder>();
  for (const { row } of rows) {
    const number = row.PurchaseOrderNumber?.trim();
    if (!number || !row.SchoolUrn) continue;
    const key = `${row.SchoolUrn}|${number}`;
    if (!seen.has(key)) seen.set(key, { SchoolUrn: row.SchoolUrn, PurchaseOrderNumber: number, ValuePence: undefined });
  }
  return [...seen.values()];
}
