import { escapeHtml } from "../../m365/outlook/mail";
import { schoolRoleLabels, type SchoolRoleAddressColumn } from "../../domain/schools";
import type { Message } from "./message";

/* What the partnership Coordinator is told: case references, key stages, schools, dates — never a pupil. */

/**
 * A coordinator's edit in the Cases list the rules refused: put back, and why.
 *
 * @example
 * editRefused("LNCIP-2026-0042", "A case can go to Core Group only after triage.").subject // "LNCIP-2026-0042: your change was not applied"
 */
export function editRefused(caseRef: string, why: string): Message {
  return { subject: `${caseRef}: your change was not applied`, html: `<p>${escapeHtml(why)}</p><p>The case has been put back as it was.</p>` };
}

/**
 * A case joined its key stage's waiting list (when placements cannot say its position).
 *
 * @example
 * joinedWaitingList("LNCIP-2026-0050", "KS3").subject // "LNCIP-2026-0050: on the KS3 waiting list"
 */
export function joinedWaitingList(caseRef: string, keyStage: string): Message {
  return { subject: `${caseRef}: on the ${keyStage} waiting list`, html: `<p>Every ${escapeHtml(keyStage)} place is taken: <b>${escapeHtml(caseRef)}</b> has joined the waiting list.</p>` };
}

/**
 * A case joined its key stage's waiting list, at this position (1 = next to be offered a place).
 *
 * @example
 * waitingListPosition("LNCIP-2026-0050", "KS3", 2).subject // "LNCIP-2026-0050: on the KS3 waiting list (position 2)"
 */
export function waitingListPosition(caseRef: string, keyStage: string, position: number | undefined): Message {
  return {
    subject: `${caseRef}: on the ${keyStage} waiting list${position ? ` (position ${position})` : ""}`,
    html: `<p>Every ${escapeHtml(keyStage)} place is taken: <b>${escapeHtml(caseRef)}</b> has joined the waiting list${position ? ` at position <b>${position}</b>` : ""}. It will be offered the next ${escapeHtml(keyStage)} place that is freed.</p>`,
  };
}

/**
 * A decided case's placement is set up: its start date and pattern to check (and an unregistered provider warned of).
 *
 * @example
 * placementIsSetUp("LNCIP-2026-0042", "KS3", undefined).subject // "LNCIP-2026-0042: placement set up (KS3)"
 */
export function placementIsSetUp(caseRef: string, keyStage: string, unregisteredProviderWarning: string | undefined): Message {
  return {
    subject: `${caseRef}: placement set up (${keyStage})`,
    html:
      `<p>A placement for <b>${escapeHtml(caseRef)}</b> is set up in the Placements list with the usual weekly pattern. Check its start date and pattern, then set its status to Active when the pupil starts (or it starts on its start date).</p>` +
      (unregisteredProviderWarning ? `<p><b>Unregistered provider:</b> ${escapeHtml(unregisteredProviderWarning)}</p>` : ""),
  };
}

/**
 * A placement's start the rules refused (no PO, no place): put back to "Setting up", and why.
 *
 * @example
 * placementCouldNotStart("LNCIP-2026-0042", "Every KS3 place is taken.").subject // "LNCIP-2026-0042: the placement could not start"
 */
export function placementCouldNotStart(caseRef: string, why: string): Message {
  return { subject: `${caseRef}: the placement could not start`, html: `<p>${escapeHtml(why)}</p><p>The placement has been put back to "Setting up".</p>` };
}

/**
 * A pattern that puts a pupil with an EHCP or in care at an unregistered provider for more than 18 hours a week.
 *
 * @example
 * unregisteredProviderOver18Hours("LNCIP-2026-0042", warning).subject // "LNCIP-2026-0042: unregistered provider over 18 hours"
 */
export function unregisteredProviderOver18Hours(caseRef: string, warning: string): Message {
  return { subject: `${caseRef}: unregistered provider over 18 hours`, html: `<p><b>${escapeHtml(caseRef)}</b>: ${escapeHtml(warning)}</p>` };
}

/**
 * No meeting of a kind with room for a case waiting for one.
 *
 * @example
 * noMeetingWithRoom("LNCIP-2026-0042", "Core Group").subject // "LNCIP-2026-0042: no Core Group meeting with room"
 */
export function noMeetingWithRoom(caseRef: string, meetingKind: string): Message {
  return {
    subject: `${caseRef}: no ${meetingKind} meeting with room`,
    html: `<p>Every ${escapeHtml(meetingKind)} meeting in the Meetings list is full or past. Add a meeting so <b>${escapeHtml(caseRef)}</b> can be heard.</p>`,
  };
}

/**
 * A referral still without a Core Group decision beyond DECISION_PENDING_DAYS.
 *
 * @example
 * decisionStillPending("LNCIP-2026-0042", "2026-10-01", "CG-2026-12-03").subject // "LNCIP-2026-0042: still waiting for a Core Group decision"
 */
export function decisionStillPending(caseRef: string, receivedOn: string, meetingId: string | undefined): Message {
  return {
    subject: `${caseRef}: still waiting for a Core Group decision`,
    html: `<p><b>${escapeHtml(caseRef)}</b> was received on ${escapeHtml(receivedOn)} and has no Core Group decision yet${meetingId !== undefined ? ` (on the agenda of ${escapeHtml(meetingId)})` : ""}.</p>`,
  };
}

/**
 * A review within five school days whose attendees have not confirmed.
 *
 * @example
 * reviewAttendeesNotConfirmed("LNCIP-2026-0042", 1, "2026-12-14").subject // "LNCIP-2026-0042: review on 2026-12-14 — attendees not confirmed"
 */
export function reviewAttendeesNotConfirmed(caseRef: string, reviewNumber: number, due: string): Message {
  return {
    subject: `${caseRef}: review on ${due} — attendees not confirmed`,
    html: `<p>Placement review ${escapeHtml(String(reviewNumber))} for <b>${escapeHtml(caseRef)}</b> is on ${escapeHtml(due)} and its attendees have not confirmed. Please check with the school's SENCO and the referrer, then tick "Attendees confirmed".</p>`,
  };
}

/**
 * A review overdue with no outcome recorded.
 *
 * @example
 * reviewOutcomeMissing("LNCIP-2026-0042", 1, "2026-12-14").subject // "LNCIP-2026-0042: review of 2026-12-14 has no outcome"
 */
export function reviewOutcomeMissing(caseRef: string, reviewNumber: number, due: string): Message {
  return {
    subject: `${caseRef}: review of ${due} has no outcome`,
    html: `<p>Placement review ${escapeHtml(String(reviewNumber))} for <b>${escapeHtml(caseRef)}</b> was due on ${escapeHtml(due)} and no outcome is recorded. Please record "Able to return to mainstream?" and the next steps in the Reviews list.</p>`,
  };
}

/**
 * Someone changed a case in SharePoint in a way their role does not allow: put back, and who tried.
 *
 * @example
 * editNotPermitted("LNCIP-2026-0042", "Only the partnership Director can …; your change to LNCIP-2026-0042 has been put back.").subject
 * // "LNCIP-2026-0042: a change was put back (not permitted)"
 */
export function editNotPermitted(caseRef: string, why: string, editor?: string): Message {
  return {
    subject: `${caseRef}: a change was put back (not permitted)`,
    html: `${editor ? `<p>${escapeHtml(editor)} made a change to <b>${escapeHtml(caseRef)}</b> in SharePoint.</p>` : ""}<p>${escapeHtml(why)}</p><p>The attempt is in the case's audit trail.</p>`,
  };
}

/**
 * Someone edited the columns only the workflow writes (its status, version, waiting-list date, who decided): put back.
 *
 * @example
 * workflowColumnsPutBack("LNCIP-2026-0042", "Partnership SENCO (…) changed WaitingSince of LNCIP-2026-0042 …").subject
 * // "LNCIP-2026-0042: workflow columns put back"
 */
export function workflowColumnsPutBack(caseRef: string, what: string): Message {
  return { subject: `${caseRef}: workflow columns put back`, html: `<p>${escapeHtml(what)}</p><p>The edit is in the case's audit trail.</p>` };
}

/**
 * An item in one of the watched lists that the app keeps failing to handle: parked (its list goes on), tried again
 * by itself, and the Coordinator told once so a person can look at the item.
 *
 * @example
 * itemKeepsFailing("Cases", "17", "ItemChangedError: …", 3).subject // "Cases item 17: the app could not act on a change"
 */
export function itemKeepsFailing(list: string, itemId: string, error: string, attempts: number): Message {
  return {
    subject: `${list} item ${itemId}: the app could not act on a change`,
    html:
      `<p>The app has tried ${attempts} times to act on a change to item <b>${escapeHtml(itemId)}</b> in the ${escapeHtml(list)} list, and failed each time. ` +
      `The rest of the list is not held up; the app keeps trying this item by itself (less often as time goes on).</p>` +
      `<p>What went wrong: ${escapeHtml(error)}</p><p>Please open the item and check it; if it looks right, tell whoever looks after the app.</p>`,
  };
}

/**
 * Graph refused change notifications on the lists (Sites.ReadWrite.All not granted): coordinators' edits are found
 * by polling instead, a little later.
 *
 * @example
 * changesFoundByPolling(1).subject // "Inclusion Flow: changes in SharePoint are picked up every minute, not at once"
 */
export function changesFoundByPolling(minutes: number): Message {
  const every = minutes === 1 ? "every minute" : `every ${minutes} minutes`;
  return {
    subject: `Inclusion Flow: changes in SharePoint are picked up ${every}, not at once`,
    html:
      `<p>Microsoft 365 did not allow the app to be told of changes to the partnership's lists as they happen, so it now looks for them ${every}. ` +
      `Everything still works: a change you make in SharePoint is acted on within ${every === "every minute" ? "a minute" : `${minutes} minutes`} rather than seconds.</p>` +
      `<p>Your Microsoft 365 administrator can restore instant updates (docs/deploying-to-a-tenant.md, "Change notifications or polling"); ` +
      `<code>npm run provision -- --check</code> shows what is granted.</p>`,
  };
}

/**
 * A provider in use whose quality-assurance visit or safeguarding confirmation is over a year old (or never recorded).
 *
 * @example
 * providerChecksDue("North Works Training", "North Works Training: its safeguarding checks were last confirmed on 2025-06-30, …").subject
 * // "North Works Training: provider checks due"
 */
export function providerChecksDue(providerName: string, flag: string): Message {
  return { subject: `${providerName}: provider checks due`, html: `<p>${escapeHtml(flag)}</p><p>Record the date in the Providers list when it is done.</p>` };
}

/**
 * A weekly pattern the Coordinator edited that is not one (days missing, more than five, a day with no setting or an
 * AP day with no provider): put back as it was, and why.
 *
 * @example
 * patternNotChanged("LNCIP-2026-0042", ["Tuesday has no setting: …"], true).subject // "LNCIP-2026-0042: the weekly pattern was not changed"
 */
export function patternNotChanged(caseRef: string, problems: readonly string[], putBack: boolean): Message {
  return {
    subject: `${caseRef}: the weekly pattern was not changed`,
    html: `<ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul><p>${putBack ? "The placement's pattern has been put back as it was." : "Please correct the placement's pattern."}</p>`,
  };
}

/**
 * Outlook made a review's or meeting's event without its Teams meeting (the partnership mailbox has no licence that
 * includes Teams): no review or meeting is recorded with a link that does not exist.
 *
 * @example
 * teamsMeetingsUnavailable("partnership@lncip.example").subject // "Inclusion Flow: reviews and meetings cannot be set up as Teams meetings"
 */
export function teamsMeetingsUnavailable(mailbox: string): Message {
  return {
    subject: "Inclusion Flow: reviews and meetings cannot be set up as Teams meetings",
    html:
      `<p>Outlook made the calendar events in ${escapeHtml(mailbox)}'s calendar but no Teams meeting for them: the mailbox needs a licence that includes Microsoft Teams. ` +
      `Until it has one, placement reviews and Core Group and Inclusion Forum invitations are not recorded (a review without a way to join is not a review).</p>` +
      `<p>The app tries again each school day and sends the Teams links as soon as the licence is in place. ` +
      `Please ask your Microsoft 365 administrator to assign one (<code>npm run provision -- --check</code> says what is missing).</p>`,
  };
}

/**
 * An email whose sending was interrupted, which the app cannot confirm (it may not read Sent Items): not sent again,
 * so a school never gets it twice; a person checks Sent Items and sends it if it is not there.
 *
 * @example
 * emailMayNotHaveGone("LNCIP-2026-0042: the Core Group has decided", ["senco@oakfield.example"], "2026-11-23T09:12:00Z").subject
 * // "Inclusion Flow: an email may not have been sent"
 */
export function emailMayNotHaveGone(subject: string, to: readonly string[], claimedAt: string): Message {
  return {
    subject: "Inclusion Flow: an email may not have been sent",
    html:
      `<p>The app was interrupted while sending this email, and it may not read the partnership mailbox's Sent Items to see whether it went:</p>` +
      `<ul><li>Subject: <b>${escapeHtml(subject)}</b></li><li>To: ${to.map(escapeHtml).join(", ")}</li><li>Started: ${escapeHtml(claimedAt)}</li></ul>` +
      `<p>It will not be sent again automatically, so nobody gets it twice. Please look in the partnership mailbox's Sent Items; if it is not there, send it by hand or ask the app's administrator to resend it.</p>` +
      `<p>An Exchange administrator can let the app check for itself: assign it the "Application Mail.ReadBasic" role scoped to the mailbox (docs/deploying-to-a-tenant.md, step 5).</p>`,
  };
}

/**
 * A school's role address was changed to one outside the school's email domain: nothing goes to it (the school's
 * emails wait) until a member of staff corrects the Schools list. The address is named in the body only.
 *
 * @example
 * schoolAddressNotInDomain("Oakfield Academy", "SencoEmail", "someone@gmail.com", "oakfield.sch.uk").subject
 * // "Inclusion Flow: Oakfield Academy's SENCO address is not a school address"
 */
export function schoolAddressNotInDomain(schoolName: string, column: SchoolRoleAddressColumn, address: string, emailDomain: string | undefined): Message {
  const role = schoolRoleLabels[column];
  return {
    subject: `Inclusion Flow: ${schoolName}'s ${role} address is not a school address`,
    html:
      `<p>${escapeHtml(schoolName)}'s ${escapeHtml(role)} address in the Schools list was changed to <b>${escapeHtml(address)}</b>, which is ` +
      (emailDomain ? `not an address in the school's email domain (${escapeHtml(emailDomain)})` : `not checked: the school has no email domain recorded`) +
      `. Nothing has been sent to it, and the school's emails wait until its record is corrected.</p>` +
      `<p>If you did not expect this change, find out who made it (the item's version history) and put the school's address back.</p>`,
  };
}
