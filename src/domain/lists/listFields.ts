import { z } from "zod";
import { fieldLeaves, unwrap, type FieldLeaf } from "../fields/fieldLeaves";
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
    if (value !== undefined) writeColumn(fields, list, leaf, value);
  }
  return fields;
}

/** One column's value as Graph writes it: coded values as their labels, multi-choice as a string collection. */
function writeColumn(fields: Record<string, unknown>, list: ListDefinition, leaf: FieldLeaf, value: unknown): void {
  const column = leaf.path === list.titleColumn ? "Title" : (leaf.meta.column ?? leaf.path);
  const labels = leaf.meta.labels;
  if (value === null) {
    fields[column] = null;
  } else if (Array.isArray(value)) {
    fields[`${column}@odata.type`] = "Collection(Edm.String)";
    fields[column] = value.map((v) => labels?.[String(v)] ?? String(v));
  } else if (labels && typeof value === "string") {
    fields[column] = labels[value] ?? value;
  } else {
    fields[column] = value;
  }
}

/**
 * Changes to some of a row's columns: a value sets the column, `null` clears it (only an optional column can be
 * cleared), a key left out (or undefined) leaves the column as it is.
 */
export type RowChanges<Row> = { [K in keyof Row]?: undefined extends Row[K] ? Row[K] | null : Row[K] };

/**
 * A row with some changes applied, as the item holds it after the write: a value sets the column, `null` clears it,
 * a key left out (or undefined) keeps it. The one place a row is taken apart by key.
 *
 * @example
 * withRowChanges({ CaseRef: "LNCIP-2026-0042", Status: "triage", ReopenReason: "x" }, { Status: "closed", ReopenReason: null })
 * // { CaseRef: "LNCIP-2026-0042", Status: "closed" }
 */
export function withRowChanges<Row extends object>(row: Row, changes: RowChanges<Row>): Row {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as Row;
}

/**
 * The `fields` a PATCH writes for some changes to a row: each changed column as `toListFields` writes it, and
 * `null` for a column cleared. Columns not named are not sent (SharePoint keeps them).
 *
 * @example
 * toListFieldChanges(placementsList, { PlacementStatus: "ended", EndDate: "2026-12-18", ExitRoute: null })
 * // { PlacementStatus: "Ended", EndDate: "2026-12-18", ExitRoute: null }
 */
export function toListFieldChanges<S extends z.ZodObject>(list: ListDefinition<S>, changes: RowChanges<z.output<S>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const given = changes as Record<string, unknown>;
  for (const leaf of fieldLeaves(list.row)) {
    const value = given[leaf.path];
    if (value !== undefined) writeColumn(fields, list, leaf, value);
  }
  return fields;
}

/**
 * The SharePoint column each of a row's keys is kept in (the title column's is Title).
 *
 * @example
 * columnOf(placementsList, "CaseRef") // "Title"
 * columnOf(placementsList, "PlacementStatus") // "PlacementStatus"
 */
export function columnOf<S extends z.ZodObject>(list: ListDefinition<S>, key: keyof z.output<S> & string): string {
  if (key === list.titleColumn) return "Title";
  return fieldLeaves(list.row).find((leaf) => leaf.path === key)?.meta.column ?? key;
}

/**
 * Reads an item's `fields` back into a typed row: labels back to codes, SharePoint's empty values to missing, a
 * column the list lets stand in for (`standIns`) from the item's last change, then the row schema checks it — an
 * item a person edited into nonsense is an error value, not a crash.
 *
 * @example
 * // (illustrative)
 * fromListFields(casesList, item.fields) // { ok: true, row: { CaseRef: "LNCIP-2026-0042", Status: "received", ... } }
 */
export function fromListFields<S extends z.ZodObject>(
  list: ListDefinition<S>,
  fields: Record<string, unknown>,
  lastChange: { lastModified?: string | undefined; lastModifiedBy?: string | undefined } = {},
): { ok: true; row: z.output<S> } | { ok: false; problems: string[] } {
  const parsed = list.row.safeParse(rowValues(list, fields, lastChange));
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  return { ok: true, row: parsed.data as z.output<S> };
}

/**
 * The columns of an unreadable item that are fine on their own (each checked by its own schema): what the app can
 * still rely on in an item a person edited into nonsense, such as the workflow's own bookkeeping columns.
 *
 * @example
 * readableColumns(casesList, { Title: "LNCIP-2026-0042", Status: "Lost", WorkflowTransition: "17:000004:…" })
 * // { CaseRef: "LNCIP-2026-0042", WorkflowTransition: "17:000004:…" } (Status is not a status)
 */
export function readableColumns<S extends z.ZodObject>(
  list: ListDefinition<S>,
  fields: Record<string, unknown>,
  lastChange: { lastModified?: string | undefined; lastModifiedBy?: string | undefined } = {},
): Partial<z.output<S>> {
  const values = rowValues(list, fields, lastChange);
  const out: Record<string, unknown> = {};
  for (const leaf of fieldLeaves(list.row)) {
    if (values[leaf.path] === undefined) continue;
    const parsed = leaf.schema.safeParse(values[leaf.path]);
    if (parsed.success) out[leaf.path] = parsed.data;
  }
  return out as Partial<z.output<S>>;
}

/** An item's `fields` as the row schema's input: labels back to codes, empty values missing, stand-ins filled. */
function rowValues(list: ListDefinition, fields: Record<string, unknown>, lastChange: { lastModified?: string | undefined; lastModifiedBy?: string | undefined }): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const leaf of fieldLeaves(list.row)) {
    const column = leaf.path === list.titleColumn ? "Title" : (leaf.meta.column ?? leaf.path);
    const standIn = list.standIns?.[column];
    let value: unknown = fields[column] ?? (standIn ? (lastChange[standIn.from] ?? standIn.otherwise) : undefined);
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
  return raw;
}

function isDateOnly(schema: z.ZodType): boolean {
  const json = z.toJSONSchema(unwrap(schema), { io: "input", unrepresentable: "any" }) as { format?: string };
  return json.format === "date";
}
