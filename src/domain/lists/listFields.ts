import { z } from "zod";
import { fieldLeaves, unwrap } from "../fields/fieldLeaves";
import type { ListDefinition } from "./columns";

/**
 * A row as the `fields` Graph writes to an item: coded values become the words people see (choice labels),
 * multi-choice values are annotated as string collections, missing values are left out.
 *
 * @example
 * // (illustrative)
 * toListFields(casesList, { CaseRef: "LNCIP-2026-0042", Status: "received", ... })
 * // { Title: "LNCIP-2026-0042", Status: "Received", ... }
 */
export function toListFields<S extends z.ZodObject>(list: ListDefinition<S>, row: z.output<S>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const leaf of fieldLeaves(list.row)) {
    const value = (row as Record<string, unknown>)[leaf.path];
    if (value === undefined) continue;
    const column = leaf.path === list.titleColumn ? "Title" : (leaf.meta.column ?? leaf.path);
    const labels = leaf.meta.labels;
    if (Array.isArray(value)) {
      fields[`${column}@odata.type`] = "Collection(Edm.String)";
      fields[column] = value.map((v) => labels?.[String(v)] ?? String(v));
    } else if (labels && typeof value === "string") {
      fields[column] = labels[value] ?? value;
    } else {
      fields[column] = value;
    }
  }
  return fields;
}

/**
 * Reads an item's `fields` back into a typed row: labels back to codes, SharePoint's empty values to missing,
 * then the row schema checks it — an item a person edited into nonsense is an error value, not a crash.
 *
 * @example
 * // (illustrative)
 * fromListFields(casesList, item.fields) // { ok: true, row: { CaseRef: "LNCIP-2026-0042", Status: "received", ... } }
 */
export function fromListFields<S extends z.ZodObject>(
  list: ListDefinition<S>,
  fields: Record<string, unknown>,
): { ok: true; row: z.output<S> } | { ok: false; problems: string[] } {
  const raw: Record<string, unknown> = {};
  for (const leaf of fieldLeaves(list.row)) {
    const column = leaf.path === list.titleColumn ? "Title" : (leaf.meta.column ?? leaf.path);
    let value = fields[column];
    if (value === null || value === "" || value === undefined) continue;
    const labels = leaf.meta.labels;
    const codeOf = (v: unknown) => {
      const code = labels ? Object.keys(labels).find((k) => labels[k] === v) : undefined;
      if (code === undefined) return v;
      return /^\d+$/.test(code) && unwrap(leaf.schema) instanceof z.ZodNumber ? Number(code) : code;
    };
    if (Array.isArray(value)) value = value.map(codeOf);
    else value = codeOf(value);
    // SharePoint returns date-only columns as midnight UTC date-times.
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(value) && isDateOnly(leaf.schema)) value = value.slice(0, 10);
    raw[leaf.path] = value;
  }
  const parsed = list.row.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  return { ok: true, row: parsed.data as z.output<S> };
}

function isDateOnly(schema: z.ZodType): boolean {
  const json = z.toJSONSchema(unwrap(schema), { io: "input", unrepresentable: "any" }) as { format?: string };
  return json.format === "date";
}
