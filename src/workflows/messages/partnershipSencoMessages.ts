import { escapeHtml } from "../../m365/outlook/mail";
import type { Message } from "./message";

/* What the partnership SENCO is told about cases: case references, schools and year groups only. */

/**
 * A new Referral Form to triage.
 *
 * @example
 * newReferral("Partnership referral", "LNCIP-2026-0042", "Oakfield Academy", 9).subject // "New partnership referral: LNCIP-2026-0042 (Oakfield Academy, Year 9)"
 */
export function newReferral(what: string, caseRef: string, schoolName: string, yearGroup: number): Message {
  return {
    subject: `New ${what.toLowerCase()}: ${caseRef} (${schoolName}, Year ${yearGroup})`,
    html: `<p>${escapeHtml(schoolName)} has sent a ${escapeHtml(what.toLowerCase())} for a Year ${yearGroup} pupil: <b>${escapeHtml(caseRef)}</b>. Open it in the Cases list to triage it.</p>`,
  };
}

/**
 * Another Referral Form for a pupil with an open case: added to that case.
 *
 * @example
 * anotherSubmission("LNCIP-2026-0042", "Oakfield Academy").subject // "Another submission for LNCIP-2026-0042 (Oakfield Academy)"
 */
export function anotherSubmission(caseRef: string, schoolName: string): Message {
  return {
    subject: `Another submission for ${caseRef} (${schoolName})`,
    html: `<p>${escapeHtml(schoolName)} has sent another Referral Form for the pupil of open case <b>${escapeHtml(caseRef)}</b>. It has been added to that case rather than opening a new one.</p>`,
  };
}

/**
 * A case needing the SENCO: ready for triage, or the Director's Inclusion Forum override recorded.
 *
 * @example
 * caseNeedsAttention("LNCIP-2026-0042", "Oakfield Academy", "overrideRecorded").subject // "LNCIP-2026-0042: Inclusion Forum override recorded (Oakfield Academy)"
 */
export function caseNeedsAttention(caseRef: string, schoolName: string, about: "newCase" | "linkedSubmission" | "overrideRecorded" | "referralContinuesCase"): Message {
  const what = about === "overrideRecorded" ? "Inclusion Forum override recorded" : about === "referralContinuesCase" ? "a Partnership referral continues the case: ready for triage" : "ready for triage";
  return {
    subject: `${caseRef}: ${what} (${schoolName})`,
    html: `<p>${escapeHtml(caseRef)} from ${escapeHtml(schoolName)} needs your attention in the Cases list.</p>`,
  };
}
