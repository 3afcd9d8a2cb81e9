import { fieldLeaves } from "../../domain/fields/fieldLeaves";
import { toColumnDefinitions, type ColumnDefinition, type ListDefinition } from "../../domain/lists/columns";

/** A list as it exists on the site (Graph `GET /sites/{id}/lists?$expand=columns`), only what the plan compares. */
export interface ExistingList {
  id: string;
  name: string;
  displayName: string;
  columns: ExistingColumn[];
}

/** A column as Graph returns it: the facet present says its type. */
export interface ExistingColumn {
  id: string;
  name: string;
  displayName?: string;
  indexed?: boolean;
  required?: boolean;
  text?: { allowMultipleLines?: boolean; maxLength?: number };
  choice?: { choices?: string[] };
  dateTime?: { format?: string };
  number?: Record<string, unknown>;
  boolean?: Record<string, unknown>;
  [facet: string]: unknown;
}

/** One change provisioning will make. Only additive changes: nothing is ever dropped or retyped. */
export type ListChange =
  | { kind: "createList"; list: string; displayName: string; description: string; columns: ColumnDefinition[] }
  | { kind: "addColumn"; list: string; column: ColumnDefinition }
  /** Title renamed to what the list calls it and indexed when the definition says so (every list has Title). */
  | { kind: "updateTitle"; list: string; patch: { displayName?: string; indexed?: boolean } }
  | { kind: "indexColumn"; list: string; column: string }
  /** `choice` is the whole facet to send: the site's choices first, then the app's new ones. */
  | { kind: "addChoices"; list: string; column: string; choice: NonNullable<ColumnDefinition["choice"]> };

export interface ListPlan {
  changes: ListChange[];
  /** Differences provisioning will not touch (a column of another type, a required flag): for a person to judge. */
  warnings: string[];
}

const FACETS = ["text", "choice", "dateTime", "number", "boolean", "personOrGroup", "lookup", "currency", "calculated", "hyperlinkOrPicture", "term"] as const;

/**
 * What provisioning must change on a site so that every list the domain defines exists with its columns —
 * additive only: a missing list is created, a missing column added, a missing index or choice added. A column
 * that exists with another type or other limits is reported, never changed (changing it could lose data).
 * Pure: the same site and definitions give the same plan, so a second run after the first plans nothing.
 *
 * @example
 * planLists([casesList], []).changes[0]
 * // { kind: "createList", list: "Cases", displayName: "Cases", columns: [...] }
 * planLists([casesList], [casesAsCreated]).changes // []
 */
export function planLists(definitions: readonly ListDefinition[], existing: readonly ExistingList[]): ListPlan {
  const changes: ListChange[] = [];
  const warnings: string[] = [];
  for (const def of definitions) {
    const wanted = toColumnDefinitions(def);
    const title = titleOf(def);
    const list = existing.find((l) => l.name.toLowerCase() === def.name.toLowerCase()) ?? existing.find((l) => l.displayName.toLowerCase() === def.displayName.toLowerCase());
    if (!list) {
      changes.push({ kind: "createList", list: def.name, displayName: def.displayName, description: def.description, columns: wanted });
      if (title.displayName !== "Title" || title.indexed) changes.push({ kind: "updateTitle", list: def.name, patch: titlePatch(title, undefined) });
      continue;
    }
    const existingTitle = list.columns.find((c) => c.name === "Title");
    const patch = titlePatch(title, existingTitle);
    if (Object.keys(patch).length) changes.push({ kind: "updateTitle", list: def.name, patch });
    for (const column of wanted) {
      const found = list.columns.find((c) => c.name === column.name);
      if (!found) {
        const other = list.columns.find((c) => c.name.toLowerCase() === column.name.toLowerCase() || (c.displayName ?? "").toLowerCase() === column.displayName.toLowerCase());
        if (other) warnings.push(`${def.name}: a column "${other.displayName ?? other.name}" (${other.name}) exists where the app expects ${column.name}; ${column.name} will be added beside it`);
        changes.push({ kind: "addColumn", list: def.name, column });
        continue;
      }
      compareColumn(def.name, column, found, changes, warnings);
    }
  }
  return { changes, warnings };
}

function titleOf(def: ListDefinition): { displayName: string; indexed: boolean } {
  const leaf = fieldLeaves(def.row).find((l) => l.path === def.titleColumn);
  return { displayName: leaf?.meta.columnTitle ?? leaf?.meta.question ?? "Title", indexed: leaf?.meta.indexed ?? false };
}

function titlePatch(wanted: { displayName: string; indexed: boolean }, existing: ExistingColumn | undefined): { displayName?: string; indexed?: boolean } {
  const patch: { displayName?: string; indexed?: boolean } = {};
  if ((existing?.displayName ?? "Title") !== wanted.displayName) patch.displayName = wanted.displayName;
  // Only ever add an index: removing one someone added would slow their views.
  if (wanted.indexed && !existing?.indexed) patch.indexed = true;
  return patch;
}

function facetOf(c: ColumnDefinition | ExistingColumn): string | undefined {
  return FACETS.find((f) => (c as Record<string, unknown>)[f] !== undefined && (c as Record<string, unknown>)[f] !== null);
}

function compareColumn(list: string, wanted: ColumnDefinition, found: ExistingColumn, changes: ListChange[], warnings: string[]): void {
  const wantedType = facetOf(wanted);
  const foundType = facetOf(found);
  if (wantedType !== foundType) {
    warnings.push(`${list}.${wanted.name}: the column is ${foundType ?? "of an unknown type"} on the site but ${wantedType} in the app; it is left as it is (retyping could lose data)`);
    return;
  }
  if (wanted.indexed && !found.indexed) changes.push({ kind: "indexColumn", list, column: wanted.name });
  if (wanted.choice) {
    const have = found.choice?.choices ?? [];
    const missing = wanted.choice.choices.filter((c) => !have.includes(c));
    if (missing.length) changes.push({ kind: "addChoices", list, column: wanted.name, choice: { ...wanted.choice, choices: [...have, ...missing] } });
  }
  if (wanted.text && found.text) {
    if (Boolean(wanted.text.allowMultipleLines) !== Boolean(found.text.allowMultipleLines)) {
      warnings.push(`${list}.${wanted.name}: the column is ${found.text.allowMultipleLines ? "multi-line" : "single-line"} text on the site but ${wanted.text.allowMultipleLines ? "multi-line" : "single-line"} in the app; it is left as it is`);
    } else if (wanted.text.maxLength !== undefined && found.text.maxLength !== undefined && found.text.maxLength < wanted.text.maxLength) {
      warnings.push(`${list}.${wanted.name}: the site allows ${found.text.maxLength} characters, the app up to ${wanted.text.maxLength}; longer values would be refused`);
    }
  }
  if (wanted.dateTime && found.dateTime?.format && found.dateTime.format !== wanted.dateTime.format) {
    warnings.push(`${list}.${wanted.name}: the column is ${found.dateTime.format} on the site but ${wanted.dateTime.format} in the app; it is left as it is`);
  }
  if (Boolean(found.required) && !wanted.required) {
    warnings.push(`${list}.${wanted.name}: required on the site but optional in the app; items without it would be refused`);
  }
}

/**
 * The change in words, for the provisioning report.
 *
 * @example
 * describeChange({ kind: "addColumn", list: "Cases", column: { name: "ExitStrategy", ... } }) // "Cases: added column ExitStrategy (text)"
 */
export function describeChange(change: ListChange): string {
  switch (change.kind) {
    case "createList":
      return `${change.list}: created the list with ${change.columns.length} column(s)`;
    case "addColumn":
      return `${change.list}: added column ${change.column.name} (${facetOf(change.column) ?? "?"})`;
    case "updateTitle":
      return `${change.list}: Title ${[change.patch.displayName ? `shown as "${change.patch.displayName}"` : "", change.patch.indexed ? "indexed" : ""].filter(Boolean).join(" and ")}`;
    case "indexColumn":
      return `${change.list}: indexed column ${change.column}`;
    case "addChoices":
      return `${change.list}: column ${change.column} now offers ${change.choice.choices.join(", ")}`;
  }
}
