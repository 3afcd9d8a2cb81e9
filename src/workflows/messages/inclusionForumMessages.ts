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

/**
 * The notification text of a forum's agenda card posted again.
 *
 * @example
 * agendaPostedAgain(3) // "Inclusion Forum agenda (3 cases), posted again"
 */
export function agendaPostedAgain(cases: number): string {
  return `Inclusion Forum agenda (${cases} case${cases === 1 ? "" : "s"}), posted again`;
}

/**
 * What an earlier copy of a forum's agenda says once the agenda has been posted again (it loses its buttons).
 *
 * @example
 * agendaSupersededBy("Wednesday 9 December 2026, 09:30").title // "Inclusion Forum agenda: Wednesday 9 December 2026, 09:30"
 */
export function agendaSupersededBy(meeting: string): { title: string; text: string } {
  return { title: `Inclusion Forum agenda: ${meeting}`, text: "This agenda has been posted again as a newer post in this channel: use that one. Outcomes recorded here still count." };
}

/** The answers to a press on an agenda card. */
export const agendaPressAnswers = {
  notOurButton: "This button does not belong to an Inclusion Forum agenda this app posted.",
  notOnAgenda: (caseRef: string) => `${caseRef} is not on this forum's agenda.`,
  chooseOutcome: (caseRef: string): CardNotice => ({ text: `Please choose ${caseRef}'s outcome before recording it.`, tone: "warning" }),
  alreadyRecorded: (caseRef: string, outcome: string) => `${caseRef}'s outcome was already recorded: ${outcome}.`,
  notTheCurrentAgenda: "This is not the forum's current agenda card: record outcomes on the agenda the app posted for this forum.",
} as const;
