import { z } from "zod";
import { fieldLeaves, unwrap, type FieldLeaf } from "../fields/fieldLeaves";

/**
 * A SharePoint column as Graph's `columnDefinition` describes it (only the facets this app uses; names as in
 * Microsoft's CSDL: text, choice, dateTime, number, boolean).
 */
export interface ColumnDefinition {
  name: string;
  displayName: string;
  description?: string;
  required: boolean;
  indexed: boolean;
  enforceUniqueValues?: boolean;
  text?: { allowMultipleLines: boolean; maxLength?: number; linesForEditing?: number; textType?: "plain" };
  choice?: { choices: string[]; displayAs: "dropDownMenu" | "checkBoxes"; allowTextEntry: boolean };
  dateTime?: { format: "dateOnly" | "dateTime"; displayAs: "standard" };
  number?: { minimum?: number; maximum?: number; decimalPlaces: "none" | "automatic"; displayAs: "number" };
  boolean?: Record<string, never>;
}

/** A list: its name (also its URL), how people see it, and its columns (all from the row schema). */
export interface ListDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  displayName: string;
  description: string;
  /** Flat row schema: keys are SharePoint internal column names; each column carries field metadata. */
  row: S;
  /** Title holds this field's value (the list's own Title column is renamed, not added). */
  titleColumn: string;
  /**
   * Columns a person typing an item straight into SharePoint may leave empty, read as the item's own last change
   * instead (who and when), or as `otherwise` when SharePoint does not say.
   */
  standIns?: Readonly<Record<string, { from: "lastModified" | "lastModifiedBy"; otherwise?: string }>>;
}

/** SharePoint single-line text holds at most 255 characters; anything longer is multi-line, plain text. */
const SINGLE_LINE_MAX = 255;

/**
 * The Graph column definitions of a list, derived from its row schema: the type from the zod type (via its JSON
 * Schema), limits from its checks, choices from the labels in its metadata. The title column is not included
 * (every list has Title already; provisioning renames it).
 *
 * @example
 * toColumnDefinitions(casesList).find((c) => c.name === "Status")
 * // { name: "Status", displayName: "Status", required: true, indexed: true, choice: { choices: ["Received", ...], ... }, ... }
 */
export function toColumnDefinitions(list: ListDefinition): ColumnDefinition[] {
  return fieldLeaves(list.row)
    .filter((leaf) => leaf.path !== list.titleColumn)
    .map((leaf) => toColumnDefinition(leaf));
}

export function toColumnDefinition(leaf: FieldLeaf): ColumnDefinition {
  const name = leaf.meta.column ?? leaf.path;
  const base = {
    name,
    displayName: leaf.meta.columnTitle ?? leaf.meta.question ?? name,
    required: leaf.required,
    indexed: leaf.meta.indexed ?? false,
  };
  const json = z.toJSONSchema(unwrap(leaf.schema), { io: "input", unrepresentable: "any" }) as JsonSchema;
  const labels = leaf.meta.labels;
  if (json.type === "array") {
    return { ...base, choice: { choices: Object.values(labels ?? {}), displayAs: "checkBoxes", allowTextEntry: false } };
  }
  if (json.enum || (labels && json.type === "string")) {
    return { ...base, choice: { choices: Object.values(labels ?? {}).length ? Object.values(labels ?? {}) : (json.enum ?? []).map(String), displayAs: "dropDownMenu", allowTextEntry: false } };
  }
  if (json.type === "boolean") return { ...base, boolean: {} };
  if (json.type === "number" || json.type === "integer") {
    return {
      ...base,
      number: {
        ...(json.minimum !== undefined ? { minimum: json.minimum } : {}),
        ...(json.maximum !== undefined ? { maximum: json.maximum } : {}),
        decimalPlaces: json.type === "integer" ? "none" : "automatic",
        displayAs: "number",
      },
    };
  }
  if (json.format === "date") return { ...base, dateTime: { format: "dateOnly", displayAs: "standard" } };
  if (json.format === "date-time") return { ...base, dateTime: { format: "dateTime", displayAs: "standard" } };
  const max = json.maxLength;
  if (max !== undefined && max <= SINGLE_LINE_MAX) return { ...base, text: { allowMultipleLines: false, maxLength: max } };
  // Free text is plain text: SharePoint must never render what a school wrote as markup.
  return { ...base, text: { allowMultipleLines: true, linesForEditing: 6, textType: "plain" } };
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}
