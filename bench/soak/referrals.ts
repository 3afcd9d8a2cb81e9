import { demoSchools } from "../../sandbox/demo/demoTenant";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import demoReferral from "../../sandbox/demo/referral.json";

/*
 * The Referral Forms the soak's schools send, as the Power Automate flow posts them (every answer a string): the
 * demo referral varied per pupil and school, each sent by its school's SENCO (the Forms responder, who is also the
 * referrer): twelve responders, each about 60 submissions a day at 500 cases — under the soak's daily quota of 100
 * a person, which one other responder floods (`floodDiscussion`).
 */

export interface Envelope {
  responseId: string;
  submittedAt: string;
  responder: string;
  answers: Record<string, string>;
}

/** Which path soak case `i` takes: one in four an anonymous forum discussion followed by a named referral. */
export function pathOf(i: number): "namedForum" | "anonymousForumThenReferral" {
  return i % 4 === 2 ? "anonymousForumThenReferral" : "namedForum";
}

const schoolOf = (i: number) => demoSchools[i % demoSchools.length]!;
const referrerOf = (i: number) => `senco@${schoolOf(i).SencoEmail.split("@")[1]}`;

/** Pupil `i`'s UPN (a valid check letter; unique per pupil). */
export function upnOf(i: number): string {
  const digits = `8012${String(1 + (i % 3)).padStart(3, "0")}${String(i).padStart(5, "0")}`.slice(0, 12);
  return upnCheckLetter(digits) + digits;
}

/**
 * Submission `i`: a school asking for an Inclusion Forum discussion of a named pupil (with the parent's consent,
 * the evidence, and a PO for the Programme Management it hopes for); Years 9 and 10 in turn (KS3 and KS4 places).
 */
export function namedForumDiscussion(i: number): Envelope {
  const { previousInclusionForumCase: _notYet, ...answers } = demoReferral.answers;
  const school = schoolOf(i);
  return {
    ...demoReferral,
    responseId: `soak-${i}`,
    responder: referrerOf(i),
    answers: { ...answers, requestType: "Inclusion Forum discussion", yearGroup: i % 2 ? "Year 10" : "Year 9", schoolUrn: school.Urn, "pupil.upn": upnOf(i), "pupil.firstName": `Soak${i}`, "referrer.email": referrerOf(i) },
  };
}

/**
 * Submission `i` for a pupil the school has no consent to name yet: an anonymous Inclusion Forum discussion from a
 * form that branches — Power Automate gives every question, the ones the branch skipped as empty strings (no
 * identity, no referral evidence, support, PO, risk assessment or DSL) — with what the school wants from the forum.
 */
export function anonymousForumDiscussion(i: number): Envelope {
  const school = schoolOf(i);
  const skipped = ["pupil.firstName", "pupil.lastName", "pupil.dateOfBirth", "pupil.upn", "actionsTaken", "previousInclusionForumCase", "exitStrategy", "supportRequested", "purchaseOrderNumber", "fundingSources", "purchaseOrderValue", "purchaseOrderSendTopUp", "purchaseOrderFrom", "purchaseOrderTo", "riskAssessmentCompleted", "dsl.name", "dsl.email", "dsl.phone"];
  return {
    ...demoReferral,
    responseId: `soak-${i}`,
    responder: referrerOf(i),
    answers: {
      ...demoReferral.answers,
      ...Object.fromEntries(skipped.map((k) => [k, ""])),
      requestType: "Inclusion Forum discussion",
      parentalConsent: "No",
      forumRequest: '["Advice on what to do next","Whether to make a Partnership referral"]',
      yearGroup: i % 2 ? "Year 10" : "Year 9",
      schoolUrn: school.Urn,
      "referrer.email": referrerOf(i),
    },
  };
}

/**
 * The named Partnership referral a school sends after the forum heard its pupil (consent now given), giving the
 * forum's case as its Inclusion Forum case: the pupil's evidence, exit strategy and a PO for part-time Programme
 * Management.
 */
export function namedReferralAfterForum(i: number, forumCase: string): Envelope {
  const school = schoolOf(i);
  return {
    ...demoReferral,
    responseId: `soak-${i}-referral`,
    responder: referrerOf(i),
    answers: { ...demoReferral.answers, previousInclusionForumCase: forumCase, yearGroup: i % 2 ? "Year 10" : "Year 9", schoolUrn: school.Urn, "pupil.upn": upnOf(i), "pupil.firstName": `Soak${i}`, "referrer.email": referrerOf(i) },
  };
}

/**
 * A second Partnership referral for pupil `i` after their first case closed, giving that (heard) case as its Inclusion
 * Forum case and asking for in-school support: a new case that names the first.
 */
export function secondReferral(i: number, firstCase: string): Envelope {
  const school = schoolOf(i);
  return {
    ...demoReferral,
    responseId: `soak-${i}-again`,
    responder: referrerOf(i),
    answers: {
      ...demoReferral.answers,
      previousInclusionForumCase: firstCase,
      supportRequested: "Partnership in-school support",
      purchaseOrderNumber: "",
      fundingSources: "",
      riskAssessmentCompleted: "",
      yearGroup: i % 2 ? "Year 10" : "Year 9",
      schoolUrn: school.Urn,
      "pupil.upn": upnOf(i),
      "pupil.firstName": `Soak${i}`,
      "referrer.email": referrerOf(i),
    },
  };
}

/** The address that floods the intake: another person at a partner school (Brookside), not one of its SENCOs. */
export const floodResponder = `office@${demoSchools[1]!.SencoEmail.split("@")[1]}`;

/**
 * Flood submission `k`: an anonymous Inclusion Forum discussion for Brookside, sent by `floodResponder` — the same
 * form as a real one (each is valid; only their number is not).
 */
export function floodDiscussion(k: number): Envelope {
  const real = anonymousForumDiscussion(1);
  return { ...real, responseId: `soak-flood-${k}`, responder: floodResponder };
}
