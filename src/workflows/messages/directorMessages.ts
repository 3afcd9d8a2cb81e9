import { escapeHtml } from "../../m365/outlook/mail";
import type { Message } from "./message";

/* What the partnership Director is told by the reports: figures, case references and schools, never a pupil's name. */

/**
 * The annual Progress & Achievement summary, sent to the Director when it is produced: where it is kept (the
 * Reports library), the document attached, and what should be filled in before it is published (case references
 * only).
 *
 * @example
 * progressSummaryReady("2025/26", [{ name: "progress-summary-2025-26.html", webUrl: "https://contoso.sharepoint.com/sites/lncip/Reports/progress-summary-2025-26.html" }], []).subject
 * // "Progress & Achievement Summary 2025/26"
 */
export function progressSummaryReady(academicYear: string, files: readonly { name: string; webUrl: string }[], gaps: readonly string[]): Message {
  return {
    subject: `Progress & Achievement Summary ${academicYear}`,
    html:
      `<p>The Progress &amp; Achievement Summary for ${escapeHtml(academicYear)} is ready, in the partnership's Reports library:</p>` +
      `<ul>${files.map((f) => `<li><a href="${escapeHtml(f.webUrl)}">${escapeHtml(f.name)}</a></li>`).join("")}</ul>` +
      `<p>The document is also attached. It names no pupil and is written for parents, carers and partners.</p>` +
      (gaps.length
        ? `<p>Before it is published, these records are worth filling in (each would change a figure):</p><ul>${gaps.map((g) => `<li>${escapeHtml(g)}</li>`).join("")}</ul>`
        : "<p>No gaps were found in the records it is drawn from.</p>"),
  };
}
