import type { CasesRow } from "../../domain/lists";
import { poundsAsPence } from "../../domain/charges/poundsAsPence";
import type { PurchaseOrder } from "../../domain/reports";
import type { ListItems } from "../../m365/sharepoint/items";

/**
 * The purchase orders the reports show against each school's charges: every PO number a case holds (as the school
 * gave it on the Referral Form, or the Coordinator typed it in), once per school, with its value in pence when a case
 * gives one (PO value, £: the form's question, or typed in by the Coordinator when the order arrives). Cases that
 * share a PO and give different values: the largest, as a PO is raised once for its whole value. Without a value
 * the reports say "not recorded" beside what the PO has been charged.
 *
 * @example
 * await purchaseOrdersFromCases(cases) // [{ SchoolUrn: "120345", PurchaseOrderNumber: "PO-88812", ValuePence: 1_900_000 }, …]
 */
export async function purchaseOrdersFromCases(cases: Pick<ListItems<CasesRow>, "columns">): Promise<PurchaseOrder[]> {
  const rows = await cases.columns(["PurchaseOrderNumber", "SchoolUrn", "PoValue"]);
  const seen = new Map<string, PurchaseOrder>();
  for (const { row } of rows) {
    const number = row.PurchaseOrderNumber?.trim();
    if (!number || !row.SchoolUrn) continue;
    const key = `${row.SchoolUrn}|${number}`;
    const values = [seen.get(key)?.ValuePence, poundsAsPence(row.PoValue)].filter((v) => v !== undefined);
    seen.set(key, { SchoolUrn: row.SchoolUrn, PurchaseOrderNumber: number, ValuePence: values.length ? Math.max(...values) : undefined });
  }
  return [...seen.values()];
}
