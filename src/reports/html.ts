import { escapeHtml } from "../domain/text/escapeHtml";

/*
 * Small helpers for the reports' HTML: every value goes through `e` (text) before it reaches markup, and pages are
 * self-contained (inline CSS, no script, no external fonts or images) so they print and archive as they are.
 */

/** Escapes text for HTML (element content and quoted attributes). */
export const e = escapeHtml;

/**
 * A whole-number percentage as printed, or "–" when there was nobody to count.
 *
 * @example
 * pctText(81) // "81%"
 * pctText(null) // "–"
 */
export function pctText(pct: number | null): string {
  return pct === null ? "–" : `${pct}%`;
}

/**
 * Pence as pounds, with thousands separators.
 *
 * @example
 * poundsText(1_234_567) // "£12,345.67"
 */
export function poundsText(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  const pounds = Math.floor(abs / 100).toLocaleString("en-GB");
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * "Monday 7 September 2026" for a yyyy-MM-dd day (no time zone: the day as written).
 *
 * @example
 * longDate("2026-09-07") // "Monday 7 September 2026"
 */
export function longDate(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  const weekday = d.toLocaleDateString("en-GB", { weekday: "long", timeZone: "UTC" });
  return `${weekday} ${d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })}`;
}

/** "7 Sep 2026". */
export function shortDate(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/**
 * A complete HTML document with the reports' print-friendly style (A4, black on white, tables that do not split
 * rows across pages).
 */
export function htmlDocument(title: string, body: string, extraCss = ""): string {
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1d4f91; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.25rem; }
.subtitle { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.figure { font-size: 1.1rem; }
.note { color: #444; font-size: 0.9rem; }
@page { size: A4; margin: 18mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr, li { break-inside: avoid; } }
${extraCss}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
