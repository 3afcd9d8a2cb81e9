import { escapeHtml } from "../../m365/outlook/mail";
import type { Message } from "./message";
import type { CardNotice } from "../../domain/coreGroup";

/* What the Inclusion Forum's members are sent: the agenda, by case reference and school only. */

/**
 * A forum's agenda (INCLUSION_FORUM_MEMBERS, IF_AGENDA_SCHOOL_DAYS_BEFORE school days before it).
 *
 * @example
 * forumAgenda("2026-12-09", "09:30", [{ caseRef: "LNCIP-2026-0040", schoolName: "Oakfield Academy" }]).subject // "Inclusion Forum 2026-12-09: agenda"
 */
export function forumAgenda(date: string, startTime: string, cases: readonly { caseRef: string; schoolName: string }[]): Message {
  const lines = cases.map((c) => `<li><b>${escapeHtml(c.caseRef)}</b> — ${escapeHtml(c.schoolName)}</li>`);
  return {
    subject: `Inclusion Forum ${date}: agenda`,
    html: `<p>The Inclusion Forum meets on <b>${escapeHtml(date)}</b> at ${escapeHtml(startTime)}. Cases to discuss:</p><ul>${lines.join("") || "<li>none yet</li>"}</ul><p>The case papers are in the partnership's SharePoint site.</p>`,
  };
}

/**
 * The notification text of a forum's agenda card in Teams.
 *
 * @example
 * agendaPosted(3) // "Inclusion Forum agenda: 3 cases"
 */
export function agendaPosted(cases: number): string {
  return `Inclusion Forum agenda: ${cases} case${cases === 1 ? "" : "s"}`;
}

/** The answers to a press on an agenda card. */
export const agendaPressAnswers = {
  notOurButton: "This button does not belong to an Inclusion Forum agenda this app posted.",
  notOnAgenda: (caseRef: string) => `${caseRef} is not on this forum's agenda.`,
  chooseOutcome: (caseRef: string): CardNotice => ({ text: `Please choose ${caseRef}'s outcome before recording it.`, tone: "warning" }),
  alreadyRecorded: (caseRef: string, outcome: string) => `${caseRef}'s outcome was already recorded: ${outcome}.`,
} as const;
