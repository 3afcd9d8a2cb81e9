import { escapeHtml } from "../../m365/outlook/mail";
import type { Message } from "./message";

/* What the partnership Director is asked and told: case references, schools and figures, with a link to the case — never a pupil's details. */

/**
 * A Partnership referral came with no Inclusion Forum case: only the Director can let it go on without the forum. The
 * email links to the case (which needs a sign-in) instead of copying anything from it.
 *
 * @example
 * exceptionAsked("LNCIP-2026-0042", "Oakfield Academy", "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=17").subject
 * // "LNCIP-2026-0042: your exception to Inclusion Forum first is asked (Oakfield Academy)"
 */
export function exceptionAsked(caseRef: string, schoolName: string, caseUrl: string | undefined): Message {
  const link = caseUrl ? `<a href="${escapeHtml(caseUrl)}">${escapeHtml(caseRef)}</a>` : `<b>${escapeHtml(caseRef)}</b>`;
  return {
    subject: `${caseRef}: your exception to Inclusion Forum first is asked (${schoolName})`,
    html:
      `<p>${escapeHtml(schoolName)} has sent a Partnership referral, ${link}, for a pupil who has not been discussed at an Inclusion Forum. ` +
      `Schools bring a pupil to the forum first; only you can let the referral go on without it.</p>` +
      `<p>In the case's item: to grant the exception, type your reason in <i>Inclusion Forum override reason</i> (the case goes to triage); ` +
      `to refuse it, type the reason the school will be given in <i>Exception refused: Director's reason</i> (the case closes and the school is told).</p>`,
  };
}

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
