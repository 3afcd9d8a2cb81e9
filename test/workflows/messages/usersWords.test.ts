import { describe, expect, it } from "vitest";
import * as coordinator from "../../../src/workflows/messages/coordinatorMessages";
import * as director from "../../../src/workflows/messages/directorMessages";
import * as coreGroupPanel from "../../../src/workflows/messages/coreGroupPanelMessages";
import * as inclusionForum from "../../../src/workflows/messages/inclusionForumMessages";
import * as invitations from "../../../src/workflows/messages/invitationMessages";
import * as partnershipSenco from "../../../src/workflows/messages/partnershipSencoMessages";
import * as school from "../../../src/workflows/messages/schoolMessages";
import {
  caseStatuses,
  commandForStatusChange,
  coreGroupOutcomeLabels,
  coreGroupOutcomes,
  decide,
  inclusionForumOutcomeLabels,
  type CaseCommand,
  type CaseCommandKind,
  type CaseState,
} from "../../../src/domain/case";
import { authorize } from "../../../src/domain/access/authorize";
import { permissions, type AccessCommand } from "../../../src/domain/access/permissions";
import { schoolRoleAddressColumns } from "../../../src/domain/schools";
import { providerFlags } from "../../../src/domain/placement/providers";
import { patternEditProblems } from "../../../src/domain/placement/patternEdit";
import { requestTypeLabels } from "../../../src/domain/referral/referralForm";
import { caseCardFacts, coreGroupCardView, forumAgendaView, type Panel } from "../../../src/domain/coreGroup";
import { coreGroupCard, inclusionForumAgendaCard, postedAgainCard } from "../../../src/teams/cards/cardTemplates";
import type { AdaptiveCardJson } from "../../../src/teams/teamsChannel";

/**
 * Every message to a person speaks their language: the statuses and outcomes as they read them in SharePoint and on
 * the form, never the code's names. This test generates every text a person can be sent — each message module's
 * emails and Teams texts, every refusal the rules give (every status × every command, every status edit), and the
 * cards' texts in each of their states — and finds no command name (a camelCase identifier such as
 * `recordDecision` or `readyForCoreGroup`) in any of them.
 */

/** A camelCase identifier: lower-case letters, then an upper-case letter (what the code's names look like). */
const camelCase = /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g;
const identifiersIn = (text: string) => text.match(camelCase) ?? [];

/** What a person reads of an email: its subject and the text of its body (tags and their attributes are not read). */
const readable = (value: unknown): string[] => {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.subject === "string" && typeof o.html === "string") return [o.subject, o.html.replace(/<[^>]*>/g, " ")];
    return Object.values(o).flatMap(readable);
  }
  return [];
};

const ref = "LNCIP-2026-0042";
const partnershipName = "Lakeside North Inclusion Partnership";
const outcome = coreGroupOutcomeLabels.programmeManagementPartTime;
const accessCommands = Object.keys(permissions) as AccessCommand[];

/**
 * Each message module's exports, called as the workflows call them (with the labels the workflows pass). A module
 * that gains an export without a sample here fails the coverage check below.
 */
const samples: Record<string, { module: Record<string, unknown>; calls: Record<string, () => unknown[]> }> = {
  coordinatorMessages: {
    module: coordinator,
    calls: {
      editRefused: () => caseStatuses.map((s) => coordinator.editRefused(ref, commandForStatusChange(s, "placed", { by: "c", at: "t" }).ok ? "" : (commandForStatusChange(s, "placed", { by: "c", at: "t" }) as { error: { message: string } }).error.message)),
      joinedWaitingList: () => [coordinator.joinedWaitingList(ref, "KS3")],
      waitingListPosition: () => [coordinator.waitingListPosition(ref, "KS3", 2), coordinator.waitingListPosition(ref, "KS4", undefined)],
      placementIsSetUp: () => [coordinator.placementIsSetUp(ref, "KS3", undefined), coordinator.placementIsSetUp(ref, "KS4", "Partnership alternative provision is not a registered school.")],
      placementCouldNotStart: () => [coordinator.placementCouldNotStart(ref, "Every KS3 place is taken.")],
      unregisteredProviderOver18Hours: () => [coordinator.unregisteredProviderOver18Hours(ref, "over 18 hours a week at an unregistered provider")],
      noMeetingWithRoom: () => [coordinator.noMeetingWithRoom(ref, "Core Group"), coordinator.noMeetingWithRoom(ref, "Inclusion Forum")],
      decisionStillPending: () => [coordinator.decisionStillPending(ref, "2026-10-01", "CG-2026-12-03"), coordinator.decisionStillPending(ref, "2026-10-01", undefined)],
      reviewAttendeesNotConfirmed: () => [coordinator.reviewAttendeesNotConfirmed(ref, 1, "2026-12-14")],
      reviewOutcomeMissing: () => [coordinator.reviewOutcomeMissing(ref, 2, "2026-12-14")],
      // Every refusal the permission table gives a SharePoint edit, as the workflow passes it (with and without the editor).
      editNotPermitted: () =>
        accessCommands.flatMap((c) => {
          const refused = authorize({ kind: "person", roles: ["schoolReferrer"] }, c, "sharepointEdit", ref);
          return refused.ok ? [] : [coordinator.editNotPermitted(ref, refused.message, "Referrer at Oakfield Academy"), coordinator.editNotPermitted(ref, refused.message)];
        }),
      workflowColumnsPutBack: () => [
        coordinator.workflowColumnsPutBack(ref, `Partnership SENCO changed WorkflowStatus, WorkflowVersion of ${ref} in SharePoint. Only the workflow writes these columns: they have been put back and nothing about the case changed.`),
      ],
      itemKeepsFailing: () => [coordinator.itemKeepsFailing("Cases", "17", "ItemChangedError: The item was changed by someone else.", 3)],
      changesFoundByPolling: () => [coordinator.changesFoundByPolling(1), coordinator.changesFoundByPolling(5)],
      providerChecksDue: () =>
        [
          providerFlags({ Name: "North Works Training", LastQaVisit: undefined, SafeguardingConfirmedOn: "2025-06-30" }, "2026-12-02"),
          providerFlags({ Name: "Riverside AP", LastQaVisit: "2025-11-01", SafeguardingConfirmedOn: undefined }, "2026-12-02"),
        ].flatMap((flags) => flags.map((f) => coordinator.providerChecksDue("North Works Training", f.message))),
      patternNotChanged: () =>
        ["not a pattern", "[]", "{}", '{"monday":{"location":"centre","hours":6.5},"saturday":{"location":"centre","hours":3}}'].flatMap((pattern) => {
          const checked = patternEditProblems(pattern, "programmeManagementPartTime");
          return checked.ok ? [] : [coordinator.patternNotChanged(ref, checked.problems, true), coordinator.patternNotChanged(ref, checked.problems, false)];
        }),
      teamsMeetingsUnavailable: () => [coordinator.teamsMeetingsUnavailable("partnership@lncip.example")],
      emailMayNotHaveGone: () => [coordinator.emailMayNotHaveGone(`${ref}: the Core Group has decided`, ["senco@oakfield.example"], "2026-11-23T09:12:00Z")],
      schoolAddressNotInDomain: () =>
        schoolRoleAddressColumns.flatMap((c) => [coordinator.schoolAddressNotInDomain("Oakfield Academy", c, "someone@gmail.com", "oakfield.sch.uk"), coordinator.schoolAddressNotInDomain("Oakfield Academy", c, "someone@gmail.com", undefined)]),
    },
  },
  directorMessages: {
    module: director,
    calls: {
      exceptionAsked: () => [director.exceptionAsked(ref, "Oakfield Academy", "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=17"), director.exceptionAsked(ref, "Oakfield Academy", undefined)],
      progressSummaryReady: () => [
        director.progressSummaryReady("2025/26", [{ name: "progress-summary-2025-26.html", webUrl: "https://contoso.sharepoint.com/sites/lncip/Reports/progress-summary-2025-26.html" }], []),
        director.progressSummaryReady("2025/26", [{ name: "progress-summary-2025-26.html", webUrl: "https://contoso.sharepoint.com/sites/lncip/Reports/progress-summary-2025-26.html" }], [
          `${ref}: Year 11 leaver with no EET offer recorded (counted as no offer).`,
        ]),
      ],
    },
  },
  coreGroupPanelMessages: {
    module: coreGroupPanel,
    calls: {
      cardPosted: () => [coreGroupPanel.cardPosted(ref, "Oakfield Academy", "KS3"), coreGroupPanel.cardPosted(ref, undefined, "KS4")],
      cardPostedAgain: () => [coreGroupPanel.cardPostedAgain(ref, "Oakfield Academy", "KS3")],
      cardSupersededBy: () => [coreGroupPanel.cardSupersededBy(ref)],
      openCasesShown: () => [coreGroupPanel.openCasesShown(0, 0), coreGroupPanel.openCasesShown(1, 0), coreGroupPanel.openCasesShown(2, 3)],
      viewReminder: () => [coreGroupPanel.viewReminder("Head of Oakfield Academy", ref, "Thursday 3 December 2026", "16:00")],
      rolledToNextMeeting: () => [coreGroupPanel.rolledToNextMeeting(ref, "Thursday 3 December 2026", "Thursday 17 December 2026, 16:00")],
      pressAnswers: () => {
        const a = coreGroupPanel.pressAnswers;
        return [
          a.notOurButton, a.noCardAnyMore(ref), a.outOfDate, a.chooseOutcome, a.noLongerWaiting(ref), a.chooseDecision, a.alreadyDecided(ref, "Head of Oakfield Academy"),
          a.noSuchButton, a.pressAgain, a.commentTooLong,
          ...coreGroupOutcomes.flatMap((o) => [a.viewRecorded(o), a.decisionBeingRecorded(o), a.decisionRecorded(o)]),
        ];
      },
    },
  },
  inclusionForumMessages: {
    module: inclusionForum,
    calls: {
      forumAgenda: () => [inclusionForum.forumAgenda("2026-12-09", "09:30", [{ caseRef: ref, schoolName: "Oakfield Academy" }]), inclusionForum.forumAgenda("2026-12-09", "09:30", [])],
      agendaPosted: () => [inclusionForum.agendaPosted(1), inclusionForum.agendaPosted(3)],
      agendaPostedAgain: () => [inclusionForum.agendaPostedAgain(2)],
      agendaSupersededBy: () => [inclusionForum.agendaSupersededBy("Wednesday 9 December 2026, 09:30")],
      agendaPressAnswers: () => {
        const a = inclusionForum.agendaPressAnswers;
        return [a.notOurButton, a.notOnAgenda(ref), a.chooseOutcome(ref), a.notTheCurrentAgenda, ...Object.values(inclusionForumOutcomeLabels).map((label) => a.alreadyRecorded(ref, label))];
      },
    },
  },
  invitationMessages: {
    module: invitations,
    calls: {
      reviewInvitation: () => [invitations.reviewInvitation(ref, 1, partnershipName)],
      meetingInvitation: () => [invitations.meetingInvitation("Core Group", "2026-12-03", partnershipName), invitations.meetingInvitation("Inclusion Forum", "2026-12-09", partnershipName)],
    },
  },
  partnershipSencoMessages: {
    module: partnershipSenco,
    calls: {
      newReferral: () => [partnershipSenco.newReferral(requestTypeLabels.partnershipReferral, ref, "Oakfield Academy", 9), partnershipSenco.newReferral(requestTypeLabels.inclusionForum, ref, "Oakfield Academy", 8)],
      anotherSubmission: () => [partnershipSenco.anotherSubmission(ref, "Oakfield Academy")],
      caseNeedsAttention: () => (["newCase", "linkedSubmission", "overrideRecorded", "referralContinuesCase"] as const).map((about) => partnershipSenco.caseNeedsAttention(ref, "Oakfield Academy", about)),
    },
  },
  schoolMessages: {
    module: school,
    calls: {
      referralReceived: () => [school.referralReceived(requestTypeLabels.partnershipReferral, ref, partnershipName)],
      caseNews: () => [school.caseNews(ref, "the Core Group has decided", outcome), school.caseNews(ref, "the Inclusion Forum's outcome"), school.caseNews(ref, "the case has been withdrawn")],
      directorsExceptionRefused: () => [school.directorsExceptionRefused(ref, "the partnership Director's decision on the referral", "Bring the pupil to the forum first.")],
      purchaseOrderNeeded: () => [school.purchaseOrderNeeded(ref)],
      purchaseOrderStillNeeded: () => [school.purchaseOrderStillNeeded(ref)],
      schoolVisitDue: () => [school.schoolVisitDue(ref)],
      returningToMainstream: () => [school.returningToMainstream(ref, 2, "Oakfield Academy", "2026-12-15"), school.returningToMainstream(ref, 2, undefined, "2026-12-15")],
      purchaseOrderRenewalNeeded: () => [school.purchaseOrderRenewalNeeded(ref, "PO-88812", "2027-08-31")],
      purchaseOrderGapFound: () => [school.purchaseOrderGapFound(ref, "PO-88812 covers the 2026/27 academic year: the placement continues into 2027/28.")],
      referralNotAccepted: () => [
        school.referralNotAccepted([{ question: "Pupil's UPN (unique pupil number)", message: "This UPN's check letter is wrong." }, { question: "Parental consent", message: "A referral needs the parents' consent." }], partnershipName),
      ],
      ofstedPackCover: () => [{ subject: "", ...school.ofstedPackCover("Oakfield Academy", 1, partnershipName) }, { subject: "", ...school.ofstedPackCover("Oakfield Academy", 3, partnershipName) }],
      ofstedPackOnItsWay: () => [school.ofstedPackOnItsWay(["Oakfield Academy"], "senco@oakfield.example"), school.ofstedPackOnItsWay(["Oakfield Academy", "Brookside School"], "senco@oakfield.example")],
      ofstedPackNotForYou: () => [school.ofstedPackNotForYou()],
      schoolAddressChanged: () =>
        schoolRoleAddressColumns.flatMap((c) => [
          school.schoolAddressChanged("Oakfield Academy", c, "new.role@oakfield.sch.uk", "role@oakfield.sch.uk", "coordinator@lncip.example", partnershipName),
          school.schoolAddressChanged("Oakfield Academy", c, "new.role@oakfield.sch.uk", undefined, "coordinator@lncip.example", partnershipName),
        ]),
    },
  },
};

/** A command of each kind, as the sources give them (reasons given, by a role that may and one that may not). */
function commandsOf(kind: CaseCommandKind): CaseCommand[] {
  const base = { by: "coordinator@lncip.example", at: "2026-11-26T10:00:00Z" };
  switch (kind) {
    case "recordInclusionForumOutcome":
      return [{ ...base, kind, outcome: "referToPartnership" }];
    case "continueAsReferral":
      return [{ ...base, kind, responseId: "r-1", evidence: { planDoReview: true, exitStrategy: false } }];
    case "recordInclusionForumOverride":
    case "grantDirectorsException":
    case "refuseDirectorsException":
    case "approveExtraPlace":
      return [{ ...base, kind, byRole: "director", reason: "" }, { ...base, kind, byRole: "coordinator", reason: "Because" }];
    case "recordDecision":
      return coreGroupOutcomes.map((o) => ({ ...base, kind, outcome: o, source: "sharepoint" as const }));
    case "receivePurchaseOrder":
      return [{ ...base, kind, number: "", fundingSources: [] }];
    case "endPlacement":
      return [{ ...base, kind, exitRoute: "post16" }];
    case "reopen":
    case "withdraw":
      return [{ ...base, kind, reason: "" }];
    default:
      return [{ ...base, kind } as CaseCommand];
  }
}

const kinds: CaseCommandKind[] = [
  "triage", "scheduleForInclusionForum", "recordInclusionForumOutcome", "convertToReferral", "continueAsReferral", "recordInclusionForumOverride",
  "grantDirectorsException", "refuseDirectorsException", "approveExtraPlace", "markReadyForCoreGroup", "recordDecision", "receivePurchaseOrder",
  "offerPlace", "waitForPlace", "startPlacement", "endPlacement", "reopen", "withdraw", "close",
];

/** Cases in every status, of both kinds, decided or not, so each rule's refusal is reached. */
function casesIn(status: CaseState["status"]): CaseState[] {
  const base: CaseState = { caseRef: ref, kind: "partnershipReferral", status, named: true, parentalConsent: true, keyStage: "KS3", version: 3 };
  return [
    base,
    { ...base, decision: { outcome: "programmeManagementPartTime", decidedBy: "Head of Oakfield Academy", decidedAt: "2026-11-26T16:00:00Z", source: "teams" } },
    { ...base, decision: { outcome: "inSchoolSupport", decidedBy: "Head of Oakfield Academy", decidedAt: "2026-11-26T16:00:00Z", source: "teams" } },
    { ...base, kind: "inclusionForum", named: false, parentalConsent: false },
    { ...base, kind: "inclusionForum", hasPlanDoReviewEvidence: false },
  ];
}

function cardTexts(card: AdaptiveCardJson): string[] {
  const texts: string[] = [];
  const walk = (node: unknown, shown: boolean) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, shown));
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    // What a person reads: text, titles, labels, placeholders, and a fact's value; never a button's verb and data,
    // an input's id, or a choice's value (the code the card sends back).
    for (const key of ["text", "title", "label", "placeholder", "altText", "fallbackText"]) if (typeof o[key] === "string") texts.push(o[key] as string);
    if (shown && typeof o.value === "string") texts.push(o.value);
    for (const [key, value] of Object.entries(o)) {
      if (key === "data" || key === "verb" || key === "id" || key === "refresh") continue;
      walk(value, key === "facts");
    }
  };
  walk(card, false);
  return texts;
}

const panel: Panel = {
  members: [0, 1, 2].map((i) => ({ id: `user-id-${i}`, schoolUrn: String(120345 + i), name: `Head ${i}` })),
  deputies: [],
  chairId: "user-id-0",
  quorumSchools: 3,
};

describe("the words people are sent", () => {
  it("every message module's exports are generated here (a new message must be added to this test)", () => {
    for (const [name, { module, calls }] of Object.entries(samples)) {
      expect(Object.keys(module).sort(), name).toEqual(Object.keys(calls).sort());
    }
  });

  it.each(Object.keys(samples))("%s: no command name in any email or Teams text", (name) => {
    // Each message is reached (a sample built from the rules' words, such as every refusal, may not come out empty).
    for (const [message, call] of Object.entries(samples[name]!.calls)) expect(call().flatMap(readable).length, message).toBeGreaterThan(0);
    const texts = Object.values(samples[name]!.calls).flatMap((call) => call().flatMap(readable));
    expect(texts.flatMap(identifiersIn)).toEqual([]);
  });

  it("no command name in any refusal the rules give, for every status × every command, nor for any status edit", () => {
    const refusals: string[] = [];
    for (const status of caseStatuses) {
      for (const state of casesIn(status)) {
        for (const kind of kinds) {
          for (const command of commandsOf(kind)) {
            const d = decide(state, command, { places: { KS3: 1, KS4: 1 }, activePlacements: { KS3: 1, KS4: 1 }, unregisteredProviderProblems: ["The provider is not a registered school."] });
            if (!d.ok) refusals.push(d.error.message);
            else for (const e of d.effects) if (e.kind === "cancelReviews") refusals.push(e.reason);
          }
        }
      }
      for (const after of caseStatuses) {
        const edit = commandForStatusChange(status, after, { by: "c", at: "t" });
        if (!edit.ok) refusals.push(edit.error.message);
      }
    }
    expect(refusals.length).toBeGreaterThan(100);
    expect(refusals.flatMap(identifiersIn)).toEqual([]);
    // They say what can be picked next, in the Cases list's labels.
    expect(refusals.some((r) => r.includes('its Status can be set to "Awaiting Inclusion Forum", "In triage", "Ready for Core Group" or "Withdrawn"'))).toBe(true);
  });

  it("no command name in any card's text, in each of its states", () => {
    const row = { CaseRef: ref, WorkflowStatus: "readyForCoreGroup" as const, KeyStage: "KS3" as const, YearGroup: 9, SendStatus: "senSupport" as const, PupilPremium: true, LookedAfter: false, AttendancePercent: 78.5, SuspensionsThisYear: 2, SupportRequested: "programmeManagementPartTime" as const, PreviousIfCase: "LNCIP-2026-0001" };
    const base = {
      facts: caseCardFacts(row), schoolName: "Oakfield Academy", round: "r1", panel, placesLeft: 2, waitingList: 1, caseUrl: "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=2",
      inclusionForumHistory: [{ caseRef: "LNCIP-2026-0001", outcome: "referToPartnership" as const }, { caseRef: "LNCIP-2026-0003" }], nameOf: (id: string) => id,
      meeting: { key: "CG-2026-12-03", date: "2026-12-03", startTime: "16:00" },
    };
    const views = { caseRef: ref, views: { "user-id-1": { outcome: "inSchoolSupport" as const, givenBy: "user-id-1", schoolUrn: "120346", at: "2026-11-26T10:00:00Z" }, "user-id-2": { outcome: "inSchoolSupport" as const, givenBy: "user-id-2", schoolUrn: "120347", at: "2026-11-26T10:00:00Z" }, "user-id-0": { outcome: "managedMoveOrFreshStart" as const, givenBy: "user-id-0", schoolUrn: "120345", at: "2026-11-26T10:00:00Z" } } };
    const cards = [
      coreGroupCard(coreGroupCardView({ ...base, votes: { caseRef: ref, views: {} } })),
      coreGroupCard(coreGroupCardView({ ...base, votes: views, viewerId: "user-id-0", notice: coreGroupPanel.pressAnswers.viewRecorded("managedMoveOrFreshStart") })),
      coreGroupCard(coreGroupCardView({ ...base, votes: views, viewerId: "stranger", rolledFrom: { key: "CG-2026-11-19", date: "2026-11-19", startTime: "16:00" } })),
      ...caseStatuses.map((s) => coreGroupCard(coreGroupCardView({ ...base, facts: caseCardFacts({ ...row, WorkflowStatus: s }), votes: views }))),
      coreGroupCard(coreGroupCardView({ ...base, facts: caseCardFacts({ ...row, WorkflowStatus: "decided", CoreGroupOutcome: "inSchoolSupport", DecidedBy: "user-id-0", DecidedAt: "2026-12-03T16:30:00Z" }), votes: views })),
      inclusionForumAgendaCard(forumAgendaView({ key: "IF-2026-12-09", date: "2026-12-09", startTime: "09:30" }, [{ caseRef: ref, schoolName: "Oakfield Academy", yearGroup: 9, caseUrl: base.caseUrl }, { caseRef: "LNCIP-2026-0001", schoolName: "Oakfield Academy", outcome: "directSupport", caseUrl: base.caseUrl }], inclusionForum.agendaPressAnswers.chooseOutcome(ref))),
      postedAgainCard(coreGroupPanel.cardSupersededBy(ref)),
      postedAgainCard(inclusionForum.agendaSupersededBy("Wednesday 9 December 2026, 09:30")),
    ];
    const texts = cards.flatMap(cardTexts);
    for (const shown of ["Give my view", "Record decision", "Partnership in-school support", "Refer to Partnership", "Direct support", "This card has been posted again as a newer post in this channel: use that one. Views given here still count."]) expect(texts).toContain(shown);
    expect(texts.flatMap(identifiersIn)).toEqual([]);
  });

  it("the check finds a command name when there is one", () => {
    expect(identifiersIn('"triage" is not possible now. Next it can: recordDecision, startPlacement, waitForPlace')).toEqual(["recordDecision", "startPlacement", "waitForPlace"]);
    expect(identifiersIn("Open the case in SharePoint; Programme Management (part-time); senco@oakfieldacad.example")).toEqual([]);
  });
});
