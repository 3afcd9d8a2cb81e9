/**
 * An OData string literal: the value in single quotes, its own quotes doubled. The one way every OData filter or
 * key built from a value is written (Graph `$filter`s, SharePoint REST keys, Table storage queries), so no value —
 * a case reference, a date, a column's title, a key — can end the literal and change the query.
 *
 * @example
 * odataString("O'Neil") // "'O''Neil'"
 * `fields/CaseRef eq ${odataString("LNCIP-2026-0042")}` // "fields/CaseRef eq 'LNCIP-2026-0042'"
 */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
