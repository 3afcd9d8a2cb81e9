import { escapeHtml } from "../../m365/outlook/mail";
import type { Message } from "./message";

/* What the invitations on the partnership mailbox's calendar say to their attendees: case references only. */

/**
 * A placement review's Teams meeting (the school's SENCO and the referrer, the Coordinator and the DSL).
 *
 * @example
 * reviewInvitation("LNCIP-2026-0042", 1, "Lakeside North Inclusion Partnership").subject // "Placement review 1: LNCIP-2026-0042"
 */
export function reviewInvitation(caseRef: string, reviewNumber: number, partnershipName: string): Message {
  return {
    subject: `Placement review ${reviewNumber}: ${caseRef}`,
    html: `<p>Placement review ${reviewNumber} for case <b>${escapeHtml(caseRef)}</b> (${escapeHtml(partnershipName)}).</p><p>Please confirm you can attend. The case's details are in the partnership's SharePoint site.</p>`,
  };
}

/**
 * A Core Group meeting's or Inclusion Forum's Teams meeting (presenting schools are added as they are assigned).
 *
 * @example
 * meetingInvitation("Core Group", "2026-12-03", "Lakeside North Inclusion Partnership").subject // "Core Group: 2026-12-03"
 */
export function meetingInvitation(meetingKind: string, date: string, partnershipName: string): Message {
  return {
    subject: `${meetingKind}: ${date}`,
    html: `<p>${escapeHtml(meetingKind)} of ${escapeHtml(partnershipName)}. The agenda (case references and schools) comes separately.</p>`,
  };
}
