/**
 * One CSV cell as a spreadsheet or a school's MIS reads it safely: always quoted (quotes doubled), so a comma, a
 * semicolon (the separator in many European locales), a line break or a quote in the value never splits or shifts a
 * row; and a text value a spreadsheet would run as a formula (starting =, +, -, @, tab or CR, and not a plain
 * number) gets a leading apostrophe.
 *
 * @example
 * csvCell("Smith; Jo") // "\"Smith; Jo\""
 * csvCell('=HYPERLINK("http://x")') // "\"'=HYPERLINK(\"\"http://x\"\")\""
 * csvCell("-12.5") // "\"-12.5\""
 * csvCell(3) // "\"3\""
 */
export function csvCell(value: string | number): string {
  const text = typeof value === "number" ? String(value) : /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * A CSV row of cells (see `csvCell`).
 *
 * @example
 * csvRow(["Case", "Pupil"]) // "\"Case\",\"Pupil\""
 */
export function csvRow(cells: readonly (string | number)[]): string {
  return cells.map(csvCell).join(",");
}
