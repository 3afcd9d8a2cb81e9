import { csvRow } from "../domain/text/csv";
import type { TermlyStatement } from "../domain/reports/termlyStatement";
import { e, poundsText, shortDate } from "./html";

const termWords = { autumn: "autumn", spring: "spring", summer: "summer" } as const;

/** The statement email's subject: the school and the term (no pupil). */
export function termlyStatementSubject(s: Pick<TermlyStatement, "school" | "term">): string {
  return `Termly statement: ${s.school.name}, ${termWords[s.term.term]} term ${s.term.academicYear}`;
}

/**
 * The termly statement as an HTML email to the school's finance contact (it may name the school's own pupils),
 * with the same figures as the CSV attached to it.
 *
 * @example
 * termlyStatementHtml(statement, { partnershipName: "LNCIP" }) // "<!DOCTYPE html>…<td>LNCIP-2025-0011</td>…£4,495.87…"
 */
export function termlyStatementHtml(s: TermlyStatement, options: { partnershipName: string }): string {
  const cell = "border:1px solid #bbb;padding:3px 8px;text-align:left;";
  const num = `${cell}text-align:right;`;
  const th = (t: string, style = cell) => `<th style="${style}background:#eef2f8">${e(t)}</th>`;
  const rows = s.lines
    .map((l) => `<tr><td style="${cell}">${e(l.caseRef)}</td><td style="${cell}">${e(l.name)}</td><td style="${cell}">${e(l.keyStage)}</td><td style="${cell}">${e(l.purchaseOrderNumber)}</td><td style="${num}">${l.daysCharged}</td><td style="${cell}">${e(l.rates)}</td><td style="${num}">${poundsText(l.pence)}</td></tr>`)
    .join("\n");
  const pos = s.purchaseOrders
    .map(
      (p) =>
        `<tr><td style="${cell}">${e(p.PurchaseOrderNumber || "(no PO number)")}</td><td style="${num}">${p.valuePence === undefined ? "not recorded" : poundsText(p.valuePence)}</td><td style="${num}">${poundsText(p.usedPence)}</td><td style="${num}">${p.leftPence === undefined ? "–" : poundsText(p.leftPence)}</td></tr>`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${e(termlyStatementSubject(s))}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1b1b1b;font-size:14px;line-height:1.4">
<p>Dear colleague,</p>
<p>This is ${e(s.school.name)}'s statement from ${e(options.partnershipName)} for the ${termWords[s.term.term]} term ${e(s.term.academicYear)} (${e(shortDate(s.term.first))} to ${e(shortDate(s.term.last))}): each programme-managed pupil's days charged this term, the rates, and each purchase order's value used and left. The same figures are attached as a spreadsheet (CSV).</p>
${
  s.lines.length === 0
    ? "<p>No charges this term.</p>"
    : `<table style="border-collapse:collapse;margin:4px 0 12px">
<tr>${th("Case")}${th("Pupil")}${th("Key stage")}${th("Purchase order")}${th("Days charged", num)}${th("Rates")}${th("Amount", num)}</tr>
${rows}
<tr><td style="${cell}" colspan="6"><strong>Total this term</strong></td><td style="${num}"><strong>${poundsText(s.totalPence)}</strong></td></tr>
</table>`
}
${
  s.purchaseOrders.length === 0
    ? ""
    : `<p><strong>Purchase orders</strong> (used: all terms to the end of this one)</p>
<table style="border-collapse:collapse;margin:4px 0 12px">
<tr>${th("Purchase order")}${th("Value", num)}${th("Used", num)}${th("Left", num)}</tr>
${pos}
</table>`
}
<p style="color:#555;font-size:12px">Amounts are the average pupil cost pro rata for the school days the place was used, for the days a week off site. Please contact the partnership if anything looks wrong.</p>
</body></html>
`;
}

/**
 * The statement as CSV: a header row, one row per pupil, then the total and each purchase order; every cell quoted
 * (quotes doubled), CRLF line endings, amounts in pounds with two decimals. A text cell that a spreadsheet would
 * read as a formula (starting =, +, -, @, tab or CR, and not a plain number) gets a leading apostrophe.
 *
 * @example
 * termlyStatementCsv(statement).split("\r\n")[0] // "\"Case\",\"Pupil\",\"Key stage\",\"Purchase order\",\"Days charged\",\"Rates\",\"Amount (£)\""
 */
export function termlyStatementCsv(s: TermlyStatement): string {
  const row = csvRow;
  const pounds = (pence: number) => (pence / 100).toFixed(2);
  const lines = [
    row(["Case", "Pupil", "Key stage", "Purchase order", "Days charged", "Rates", "Amount (£)"]),
    ...s.lines.map((l) => row([l.caseRef, l.name, l.keyStage, l.purchaseOrderNumber, l.daysCharged, l.rates, pounds(l.pence)])),
    row(["Total", "", "", "", s.lines.reduce((n, l) => n + l.daysCharged, 0), "", pounds(s.totalPence)]),
    row([]),
    row(["Purchase order", "Value (£)", "Used (£)", "Left (£)"]),
    ...s.purchaseOrders.map((p) => row([p.PurchaseOrderNumber, p.valuePence === undefined ? "not recorded" : pounds(p.valuePence), pounds(p.usedPence), p.leftPence === undefined ? "" : pounds(p.leftPence)])),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
