import { escapeHtml } from "../../m365/outlook/mail";
import { schoolRoleLabels, type SchoolRoleAddressColumn } from "../../domain/schools";
import type { Message } from "./message";

/*
 * What the partnership tells a school — its referrer, SENCO, finance contact — about a case. Case references and
 * school names only: a pupil is never named in an email.
 */

/**
 * The referrer's acknowledgement of a Referral Form.
 *
 * @example
 * referralReceived("Partnership referral", "LNCIP-2026-0042", "Lakeside North Inclusion Partnership").subject
 * // "Partnership referral received: LNCIP-2026-0042"
 */
export function referralReceived(what: string, caseRef: string, partnershipName: string): Message {
  return {
    subject: `${what} received: ${caseRef}`,
    html:
      `<p>Thank you. ${escapeHtml(partnershipName)} has received your ${escapeHtml(what.toLowerCase())}.</p>` +
      `<p>Its case reference is <b>${escapeHtml(caseRef)}</b>. Please quote it whenever you contact us about this pupil; ` +
      `we never put pupils' names in emails.</p>`,
  };
}

/**
 * News about a case (the referrer and the school's SENCO): the decision, a placement starting or ending, the
 * Inclusion Forum's outcome, a withdrawal.
 *
 * @example
 * caseNews("LNCIP-2026-0042", "the Core Group has decided", "Partnership in-school support").subject // "LNCIP-2026-0042: the Core Group has decided"
 */
export function caseNews(caseRef: string, news: string, decision?: string): Message {
  return {
    subject: `${caseRef}: ${news}`,
    html: `<p>There is news about case <b>${escapeHtml(caseRef)}</b>: ${escapeHtml(news)}${decision ? ` — ${escapeHtml(decision)}` : ""}. The partnership Coordinator will be in touch.</p>`,
  };
}

/**
 * The Director has not granted an exception to "Inclusion Forum first": the referral is closed. The Director's reason
 * goes in the body only (never the subject, never a log).
 *
 * @example
 * directorsExceptionRefused("LNCIP-2026-0042", "the Director has not granted an exception", "Bring the pupil to the forum first").subject
 * // "LNCIP-2026-0042: the Director has not granted an exception"
 */
export function directorsExceptionRefused(caseRef: string, news: string, reason: string): Message {
  return {
    subject: `${caseRef}: ${news}`,
    html:
      `<p>The partnership Director has not granted an exception to "Inclusion Forum first" for case <b>${escapeHtml(caseRef)}</b>, so the referral has been closed. The Director's reason:</p>` +
      `<p>${escapeHtml(reason)}</p><p>Please bring the pupil to an Inclusion Forum first; you can then refer again, giving the forum's case reference.</p>`,
  };
}

/**
 * Programme Management decided: the school's finance contact (and the referrer) asked for a purchase order.
 *
 * @example
 * purchaseOrderNeeded("LNCIP-2026-0042").subject // "LNCIP-2026-0042: purchase order needed"
 */
export function purchaseOrderNeeded(caseRef: string): Message {
  return {
    subject: `${caseRef}: purchase order needed`,
    html: `<p>The Core Group has decided on Programme Management for case <b>${escapeHtml(caseRef)}</b>. A placement can start only once the partnership has a purchase order number and the funding it covers. Please add them to the case or reply to this email.</p>`,
  };
}

/**
 * The reminder of a purchase order still missing (every PO_REMINDER_SCHOOL_DAYS school days).
 *
 * @example
 * purchaseOrderStillNeeded("LNCIP-2026-0042").subject // "LNCIP-2026-0042: purchase order still needed"
 */
export function purchaseOrderStillNeeded(caseRef: string): Message {
  return {
    subject: `${caseRef}: purchase order still needed`,
    html: `<p>The placement for case <b>${escapeHtml(caseRef)}</b> cannot start until the partnership has a purchase order number and the funding it covers. Please add them to the case or reply to this email.</p>`,
  };
}

/**
 * No visit recorded this term to a programme-managed pupil (the school's SENCO, the Coordinator copied).
 *
 * @example
 * schoolVisitDue("LNCIP-2026-0042").subject // "LNCIP-2026-0042: no school visit recorded this term"
 */
export function schoolVisitDue(caseRef: string): Message {
  return {
    subject: `${caseRef}: no school visit recorded this term`,
    html: `<p>The home school must visit each programme-managed pupil at least once a term. No visit to <b>${escapeHtml(caseRef)}</b> has been recorded this term. Please arrange one; the Coordinator records it as the placement's "Last school visit".</p>`,
  };
}

/**
 * A review found the pupil able to return to mainstream (the school's SENCO, the referrer, the Coordinator).
 *
 * @example
 * returningToMainstream("LNCIP-2026-0042", 2, "Oakfield Academy", "2026-12-15").subject // "LNCIP-2026-0042: returning to mainstream from 2026-12-15"
 */
export function returningToMainstream(caseRef: string, reviewNumber: number, schoolName: string | undefined, from: string): Message {
  return {
    subject: `${caseRef}: returning to mainstream from ${from}`,
    html: `<p>Placement review ${reviewNumber} for case <b>${escapeHtml(caseRef)}</b> found the pupil able to return to mainstream. The placement ends and the pupil returns to ${escapeHtml(schoolName ?? "the home school")} full time from <b>${escapeHtml(from)}</b>. The remaining reviews are cancelled.</p>`,
  };
}

/**
 * A placement runs past its purchase order's end: the school's finance contact is asked for a new one three weeks
 * before it ends.
 *
 * @example
 * purchaseOrderRenewalNeeded("LNCIP-2026-0042", "PO-88812", "2027-08-31").subject // "LNCIP-2026-0042: a new purchase order is needed after 2027-08-31"
 */
export function purchaseOrderRenewalNeeded(caseRef: string, poNumber: string, endsOn: string): Message {
  return {
    subject: `${caseRef}: a new purchase order is needed after ${endsOn}`,
    html: `<p>The placement for case <b>${escapeHtml(caseRef)}</b> continues after ${escapeHtml(endsOn)}, when purchase order ${escapeHtml(poNumber)} ends. Please send the partnership a new purchase order number, the funding it covers and its period, so the placement can go on.</p>`,
  };
}

/**
 * A placement may not continue for want of a purchase order (a new academic year needs a new one): the school's
 * finance contact and the Coordinator.
 *
 * @example
 * purchaseOrderGapFound("LNCIP-2026-0042", "PO-1 covers the 2026/27 academic year: …").subject // "LNCIP-2026-0042: a new purchase order is needed before the placement continues"
 */
export function purchaseOrderGapFound(caseRef: string, why: string): Message {
  return {
    subject: `${caseRef}: a new purchase order is needed before the placement continues`,
    html: `<p>${escapeHtml(why)}</p><p>No purchase order, no placement: please send the partnership the new purchase order number for case <b>${escapeHtml(caseRef)}</b>, with the funding it covers and its period.</p>`,
  };
}

/**
 * A Referral Form response the intake could not accept (the standard route: no HTTP answer reaches the flow, so the
 * app tells the responder itself). Each problem by the question's wording, as the school sees it; nothing the
 * school wrote is copied back.
 *
 * @example
 * referralNotAccepted([{ question: "Pupil's UPN (unique pupil number)", message: "This UPN's check letter is wrong." }], "Lakeside North Inclusion Partnership").subject
 * // "Your referral to Lakeside North Inclusion Partnership could not be accepted"
 */
export function referralNotAccepted(problems: readonly { question: string; message: string }[], partnershipName: string): Message {
  return {
    subject: `Your referral to ${partnershipName} could not be accepted`,
    html:
      `<p>Thank you for your Referral Form. ${escapeHtml(partnershipName)} could not accept it as it was, so nothing has been recorded yet. ` +
      `Please correct these answers and submit the form again:</p>` +
      `<ul>${problems.map((p) => `<li><b>${escapeHtml(p.question)}</b>: ${escapeHtml(p.message)}</li>`).join("")}</ul>` +
      `<p>If something here looks wrong, reply to this email and the partnership will help.</p>`,
  };
}

/**
 * The email that carries a school's Ofsted pack to its SENCO (the Word document is attached). The subject names the
 * school only; the body says how many pupils the document holds and that it names them, for the school's own records.
 *
 * @example
 * ofstedPackCover("Oakfield Academy", 2, "Lakeside North Inclusion Partnership").html.includes("2 programme-managed pupils") // true
 */
export function ofstedPackCover(schoolName: string, pupils: number, partnershipName: string): Omit<Message, "subject"> {
  const who = pupils === 1 ? "1 programme-managed pupil" : `${pupils} programme-managed pupils`;
  return {
    html:
      `<p>Dear SENCO,</p><p>Attached is ${escapeHtml(schoolName)}'s Ofsted pack from ${escapeHtml(partnershipName)}: for each of the school's ${who} this academic year, ` +
      `the pattern and providers (with their registration status), attendance to date with codes, reviews held and their outcomes, visits with dates, progress, ` +
      `qualifications and the DSL contact arrangement.</p>` +
      `<p>The document names pupils: please keep it with the school's own records. It holds only ${escapeHtml(schoolName)}'s pupils.</p>`,
  };
}

/**
 * What the bot answers a SENCO who asked for the Ofsted pack in Teams (no pupil is named; the pack goes by email to
 * the SENCO address the partnership holds for the school, never into the chat).
 *
 * @example
 * ofstedPackOnItsWay(["Oakfield Academy"], "senco@oakfield.example") // "The Ofsted pack for Oakfield Academy is on its way to senco@oakfield.example, the SENCO address the partnership holds for the school."
 * ofstedPackNotForYou() // "I send a school's Ofsted pack only to that school's SENCO, and your Teams account's email is not a SENCO address the partnership holds. Please ask the partnership Coordinator."
 */
export function ofstedPackOnItsWay(schoolNames: readonly string[], address: string): string {
  return `The Ofsted pack for ${schoolNames.join(" and ")} is on its way to ${address}, the SENCO address the partnership holds for the ${schoolNames.length === 1 ? "school" : "schools"}.`;
}

export function ofstedPackNotForYou(): string {
  return "I send a school's Ofsted pack only to that school's SENCO, and your Teams account's email is not a SENCO address the partnership holds. Please ask the partnership Coordinator.";
}

/** What the partnership sends to each of a school's role addresses. */
const whatEachRoleGets: Record<SchoolRoleAddressColumn, string> = {
  AttendanceLeadEmail: "the daily attendance of the school's pupils in alternative provision, and absences to chase",
  SencoEmail: "decisions on the school's referrals, review invitations and the Ofsted pack",
  DslEmail: "safeguarding concerns from daily attendance and review invitations",
  FinanceEmail: "purchase order requests and the termly statements",
};

/**
 * A school's role address has changed in the partnership's records: sent to the old address and the new one (the
 * Coordinator copied), so a change nobody expected is noticed at once. Names the school and the role only — no pupil,
 * and no person in the subject.
 *
 * @example
 * schoolAddressChanged("Oakfield Academy", "DslEmail", "safeguarding@oakfield.sch.uk", "dsl@oakfield.sch.uk", "coordinator@lncip.example", "Lakeside North Inclusion Partnership").subject
 * // "Oakfield Academy: the DSL (designated safeguarding lead) address has changed"
 */
export function schoolAddressChanged(schoolName: string, column: SchoolRoleAddressColumn, newAddress: string, oldAddress: string | undefined, coordinatorEmail: string, partnershipName: string): Message {
  const role = schoolRoleLabels[column];
  const gets = whatEachRoleGets[column];
  return {
    subject: `${schoolName}: the ${role} address has changed`,
    html:
      `<p>${escapeHtml(partnershipName)} now holds <b>${escapeHtml(newAddress)}</b> as ${escapeHtml(schoolName)}'s ${escapeHtml(role)} address` +
      `${oldAddress ? ` (it was ${escapeHtml(oldAddress)})` : ""}.</p>` +
      `<p>From now on, ${escapeHtml(gets)} for ${escapeHtml(schoolName)} will go to the new address.</p>` +
      `<p>If you did not expect this change, please tell the partnership Coordinator at once: <a href="mailto:${escapeHtml(coordinatorEmail)}">${escapeHtml(coordinatorEmail)}</a>.</p>`,
  };
}
