import type { KeyStage } from "../referral/keyStage";
import { caseStatusLabel, type CaseStatus } from "./caseStatus";
import { isOpenStatus } from "./caseStatus";
import { allowedCommands } from "./allowedCommands";
import { commandWords, exitRouteLabels, type ExitRoute } from "./commandWords";
import { whatCanComeNext } from "./statusChange";
import type { CaseState, DecisionSource, PartnershipRole, PurchaseOrder } from "./caseState";
import type { CaseEffect } from "./effects";
import { coreGroupOutcomeLabels, isProgrammeManagement, type CoreGroupOutcome, type InclusionForumOutcome } from "./outcomes";

/** What someone asks of a case. `by` is who (an email address or "system"), `at` when (ISO, from the clock). */
export type CaseCommand = { by: string; at: string } & (
  | { kind: "triage" }
  | { kind: "scheduleForInclusionForum" }
  | { kind: "recordInclusionForumOutcome"; outcome: InclusionForumOutcome }
  | { kind: "convertToReferral" }
  /**
   * A named Partnership referral for the pupil of this open Inclusion Forum case: it becomes the case's referral.
   * What it carries is what the rules look at; its answers are written into the case by `writeReferralIntoCase`.
   */
  | {
      kind: "continueAsReferral";
      responseId: string;
      evidence: { planDoReview: boolean; exitStrategy: boolean };
      purchaseOrder?: PurchaseOrder | undefined;
    }
  | { kind: "recordInclusionForumOverride"; byRole: PartnershipRole; reason: string }
  /** The Director lets a Partnership referral with no Inclusion Forum case go on to triage. */
  | { kind: "grantDirectorsException"; byRole: PartnershipRole; reason: string }
  /** The Director does not: the case closes and the school is told why. */
  | { kind: "refuseDirectorsException"; byRole: PartnershipRole; reason: string }
  /** The Director approves one more place than the key stage's number, for this case. */
  | { kind: "approveExtraPlace"; byRole: PartnershipRole; reason: string }
  | { kind: "markReadyForCoreGroup" }
  | { kind: "recordDecision"; outcome: CoreGroupOutcome; source: DecisionSource }
  | { kind: "receivePurchaseOrder"; number: string; fundingSources: readonly string[]; from?: string | undefined; to?: string | undefined; sendTopUpPencePerYear?: number | undefined }
  | { kind: "offerPlace" }
  /** Its placement was set up at the same moment as another decision's, for the key stage's last place, and came second. */
  | { kind: "waitForPlace" }
  | { kind: "startPlacement" }
  | { kind: "endPlacement"; exitRoute: ExitRoute }
  | { kind: "reopen"; reason: string }
  | { kind: "withdraw"; reason: string }
  | { kind: "close" }
);
export type CaseCommandKind = CaseCommand["kind"];

/** The partnership's capacity as it stands when the command is decided. */
export interface CaseContext {
  places: Readonly<Record<KeyStage, number>>;
  /** Placements running (or being set up) now, per key stage, not counting this case. */
  activePlacements: Readonly<Record<KeyStage, number>>;
  /**
   * The case that holds this case's pupil in the open-case index now, if it is another case (for `reopen`: a pupil
   * referred again since cannot have two open cases). Undefined: none, or this case, or an anonymous case.
   */
  pupilOpenCase?: string | undefined;
  /**
   * For `startPlacement`: why the placement would break the unregistered-school rule (see
   * `unregisteredProviderProblems` in src/domain/placement), as the workflow found from the running placements.
   */
  unregisteredProviderProblems?: readonly string[] | undefined;
}

/** A command that the rules do not allow, with a message a coordinator can act on. */
export interface CaseRuleViolation {
  code:
    | "notAllowedNow"
    | "inclusionForumFirst"
    | "noPurchaseOrder"
    | "noPlace"
    | "anonymousCase"
    | "alreadyDecided"
    | "reasonRequired"
    | "directorOnly"
    | "notAReferral"
    | "missingEvidence"
    | "pupilHasOpenCase"
    | "unregisteredProvider";
  message: string;
}

export type Decision = { ok: true; next: CaseState; effects: CaseEffect[] } | { ok: false; error: CaseRuleViolation };

export { allowedCommands };

/**
 * Decides what a command does to a case: the next state and the effects to carry out, or the rule it breaks.
 * Pure: the clock comes in the command, capacity in the context.
 *
 * @example
 * const readyCase = { caseRef: "LNCIP-2026-0042", kind: "partnershipReferral", status: "readyForCoreGroup", named: true,
 *   parentalConsent: true, keyStage: "KS3", previousInclusionForumCase: "LNCIP-2026-0031",
 *   purchaseOrder: { number: "PO-1", fundingSources: ["awpu"] }, version: 3 };
 * const decision = decide(readyCase, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "teams",
 *   by: "chair@school.example", at: "2026-11-26T16:05:00Z" }, { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 9, KS4: 3 } });
 * decision.next.status // "waitingList" — every KS3 place is taken
 * decision.effects.map((e) => e.kind)
 * // ["writeDecision", "updateCoreGroupCard", "emailSchool", "addToWaitingList", "tellCoordinatorWaitingPosition", "audit"]
 * decision.effects[0].key // "LNCIP-2026-0042:4:writeDecision" — the same keys on a retry
 */
export function decide(state: CaseState, command: CaseCommand, context: CaseContext): Decision {
  // Recording the same decision again (a retried message, a second press) changes nothing and asks for nothing.
  if (command.kind === "recordDecision" && state.decision && sameDecision(state, command)) {
    return { ok: true, next: state, effects: [] };
  }
  if (!allowedCommands[state.status].includes(command.kind)) {
    if (command.kind === "recordDecision" && state.decision) return refuse("alreadyDecided", alreadyDecided(state));
    return refuse("notAllowedNow", `${state.caseRef} is "${caseStatusLabel(state.status)}", so it cannot ${commandWords[command.kind]} now. ${whatCanComeNext(state.status)}`);
  }

  const t = new Transition(state, command);
  switch (command.kind) {
    case "triage":
      if (state.kind !== "partnershipReferral") return t.to("awaitingInclusionForum", [t.effect({ kind: "assignInclusionForumMeeting" })]);
      return t.to("triage", [t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })]);

    case "scheduleForInclusionForum":
      return t.to("awaitingInclusionForum", [t.effect({ kind: "assignInclusionForumMeeting" })]);

    case "recordInclusionForumOutcome": {
      const heard = { inclusionForumOutcome: command.outcome, previousInclusionForumCase: state.previousInclusionForumCase ?? state.caseRef };
      // A referral that went on while it was on the forum's agenda: the forum's advice is recorded, the referral goes on.
      if (state.status !== "awaitingInclusionForum") {
        if (state.inclusionForumOutcome === command.outcome) return { ok: true, next: state, effects: [] };
        return t.stay([t.effect({ kind: "emailSchool", about: "inclusionForumOutcome" })], heard);
      }
      // A Partnership referral sent to the forum first (not one Core Group referred back) comes back to triage.
      if (state.kind === "partnershipReferral" && state.decision?.outcome !== "referBackToInclusionForum") {
        return t.to("triage", [t.effect({ kind: "emailSchool", about: "inclusionForumOutcome" }), t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })], heard);
      }
      return t.to("inclusionForumOutcome", [t.effect({ kind: "emailSchool", about: "inclusionForumOutcome" })], { inclusionForumOutcome: command.outcome });
    }

    case "convertToReferral": {
      if (!state.named || !state.parentalConsent) {
        return refuse("anonymousCase", `${state.caseRef} is an anonymous Inclusion Forum case: it holds no pupil details. The school must send a Partnership referral with parental consent, giving ${state.caseRef} as the Inclusion Forum case.`);
      }
      const missing = [
        ...(state.hasPlanDoReviewEvidence ? [] : ["the school's evidence of plan-do-review (Actions taken)"]),
        ...(state.hasExitStrategy ? [] : ["the exit strategy (Exit strategy)"]),
      ];
      if (missing.length) {
        return refuse("missingEvidence", `${state.caseRef} cannot be taken on as a Partnership referral yet: it needs ${missing.join(" and ")}. Add ${missing.length > 1 ? "them" : "it"} to the case from the school's information, or ask the school to send a Partnership referral giving ${state.caseRef} as its Inclusion Forum case.`);
      }
      return t.to("triage", [t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })], {
        kind: "partnershipReferral",
        previousInclusionForumCase: state.previousInclusionForumCase ?? state.caseRef,
      });
    }

    case "continueAsReferral": {
      if (state.kind !== "inclusionForum") return refuse("notAllowedNow", `${state.caseRef} is already a Partnership referral: a later referral for its pupil is added to it as a later submission.`);
      if (!state.named) return refuse("anonymousCase", `${state.caseRef} is an anonymous Inclusion Forum case: a named referral giving it as its Inclusion Forum case becomes a new case.`);
      if (!command.evidence.planDoReview || !command.evidence.exitStrategy) {
        return refuse("missingEvidence", `The referral for ${state.caseRef}'s pupil lacks the evidence of plan-do-review or the exit strategy.`);
      }
      const referral = {
        kind: "partnershipReferral" as const,
        parentalConsent: true,
        hasPlanDoReviewEvidence: true,
        hasExitStrategy: true,
        purchaseOrder: command.purchaseOrder ?? state.purchaseOrder,
        referralResponseId: command.responseId,
      };
      const written = [t.effect({ kind: "writeReferralIntoCase", responseId: command.responseId }), t.effect({ kind: "notifyPartnershipSenco", about: "referralContinuesCase" })];
      // Inclusion Forum first: heard, or on a forum's agenda, it goes to triage; not yet either, it goes to the forum.
      if (state.status === "received") return t.to("awaitingInclusionForum", [...written, t.effect({ kind: "assignInclusionForumMeeting" })], referral);
      return t.to("triage", written, { ...referral, previousInclusionForumCase: state.previousInclusionForumCase ?? state.caseRef });
    }

    case "recordInclusionForumOverride":
      if (state.kind !== "partnershipReferral") return refuse("notAReferral", `${state.caseRef} is an Inclusion Forum case; an override applies only to Partnership referrals.`);
      if (command.byRole !== "director") return refuse("directorOnly", `Only the partnership Director can let ${state.caseRef} go to Core Group without an Inclusion Forum discussion.`);
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for letting ${state.caseRef} skip the Inclusion Forum.`);
      // The Director's override on a case waiting for it is the exception granted.
      if (state.status === "awaitingDirectorsException") return grantException(t, state, command.by, command.at, command.reason);
      return t.stay([t.effect({ kind: "notifyPartnershipSenco", about: "overrideRecorded" })], {
        inclusionForumOverride: { by: command.by, reason: command.reason.trim(), at: command.at },
      });

    case "grantDirectorsException":
    case "refuseDirectorsException": {
      const granting = command.kind === "grantDirectorsException";
      if (command.byRole !== "director") {
        return refuse("directorOnly", `Only the partnership Director can ${granting ? "grant" : "refuse"} an exception to "Inclusion Forum first" for ${state.caseRef}. Ask the Director to record it, with the reason.`);
      }
      if (!command.reason.trim()) {
        return refuse("reasonRequired", granting ? `Please give the reason for letting ${state.caseRef} go on without an Inclusion Forum discussion.` : `Please give the reason for refusing the exception: the school is told it.`);
      }
      if (granting) return grantException(t, state, command.by, command.at, command.reason);
      return t.to("closed", [t.effect({ kind: "emailSchool", about: "exceptionRefused", reason: command.reason.trim() })], {
        exceptionRefused: { by: command.by, at: command.at, reason: command.reason.trim() },
      });
    }

    case "approveExtraPlace": {
      if (command.byRole !== "director") return refuse("directorOnly", `Only the partnership Director can approve a place beyond the ${state.keyStage} number for ${state.caseRef}.`);
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for approving one more ${state.keyStage} place for ${state.caseRef}.`);
      if (state.decision && !isProgrammeManagement(state.decision.outcome)) {
        return refuse("notAllowedNow", `${state.caseRef} was not decided for Programme Management, so it needs no place.`);
      }
      const extraPlace = { extraPlace: { by: command.by, at: command.at, reason: command.reason.trim() } };
      // Waiting for a place (its PO already in): the approved place is its now.
      if (state.status === "waitingList" && state.purchaseOrder) {
        return t.to("decided", [t.effect({ kind: "createPlacement", outcome: state.decision?.outcome ?? "programmeManagementPartTime" })], { ...extraPlace, waitingSince: undefined });
      }
      return t.stay([], extraPlace);
    }

    case "markReadyForCoreGroup":
      if (state.kind !== "partnershipReferral") return refuse("notAReferral", `${state.caseRef} is an Inclusion Forum case: Core Group hears Partnership referrals only.`);
      if (!state.previousInclusionForumCase && !state.inclusionForumOverride) {
        return refuse("inclusionForumFirst", `${state.caseRef} has not been to the Inclusion Forum. It can go to Core Group once it has, or if the Director records an override with a reason.`);
      }
      return t.to("readyForCoreGroup", [t.effect({ kind: "assignCoreGroupMeeting" }), t.effect({ kind: "postCoreGroupCard" })]);

    case "recordDecision": {
      const decided = { decision: { outcome: command.outcome, decidedBy: command.by, decidedAt: command.at, source: command.source } };
      if (state.status !== "readyForCoreGroup") return refuse("alreadyDecided", alreadyDecided(state));
      const common = [
        t.effect({ kind: "writeDecision", outcome: command.outcome, decidedBy: command.by, decidedAt: command.at, source: command.source }),
        t.effect({ kind: "updateCoreGroupCard" }),
        t.effect({ kind: "emailSchool", about: "decision" }),
      ];
      if (command.outcome === "referBackToInclusionForum") return t.to("awaitingInclusionForum", [...common, t.effect({ kind: "assignInclusionForumMeeting" })], decided);
      if (!isProgrammeManagement(command.outcome)) return t.to("decided", common, decided);
      return placementRoute(t, state, context, common, decided, command.outcome);
    }

    case "receivePurchaseOrder": {
      if (!command.number.trim() || command.fundingSources.length === 0) {
        return refuse("noPurchaseOrder", `${state.caseRef}: a purchase order needs its number and the funding it covers.`);
      }
      const purchaseOrder: PurchaseOrder = {
        number: command.number.trim(),
        fundingSources: [...command.fundingSources],
        ...(command.from ? { from: command.from } : {}),
        ...(command.to ? { to: command.to } : {}),
        ...(command.sendTopUpPencePerYear !== undefined ? { sendTopUpPencePerYear: command.sendTopUpPencePerYear } : {}),
      };
      if (state.status !== "awaitingPo") return t.stay([], { purchaseOrder });
      const outcome = state.decision?.outcome ?? "programmeManagementPartTime";
      return placementRoute(t, { ...state, purchaseOrder }, context, [], { purchaseOrder }, outcome);
    }

    case "offerPlace":
      if (!placeFree(state, context)) return refuse("noPlace", `No ${state.keyStage} place is free for ${state.caseRef} yet; it keeps its place on the waiting list.`);
      return t.to("decided", [t.effect({ kind: "createPlacement", outcome: state.decision?.outcome ?? "programmeManagementPartTime" })], { waitingSince: undefined });

    case "waitForPlace":
      if (!state.decision || !isProgrammeManagement(state.decision.outcome)) return refuse("notAllowedNow", `${state.caseRef} was not decided for Programme Management, so it has no place to wait for.`);
      // Its turn in the queue is when it was decided: it lost the place only to a decision made at the same moment.
      return t.to("waitingList", [t.effect({ kind: "addToWaitingList", keyStage: state.keyStage }), t.effect({ kind: "tellCoordinatorWaitingPosition", keyStage: state.keyStage })], {
        waitingSince: state.decision.decidedAt,
      });

    case "startPlacement":
      if (!state.decision || !isProgrammeManagement(state.decision.outcome)) return refuse("notAllowedNow", `${state.caseRef} was not decided for Programme Management, so no placement can start.`);
      if (!state.purchaseOrder) return refuse("noPurchaseOrder", `${state.caseRef} needs a purchase order number before a Programme Management placement can start. Ask the school's finance contact.`);
      if (!placeFree(state, context)) return refuse("noPlace", `Every ${state.keyStage} place is taken, so ${state.caseRef}'s placement cannot start. The Director may approve one more place for it.`);
      if (context.unregisteredProviderProblems?.length) return refuse("unregisteredProvider", `${state.caseRef}'s placement cannot start. ${context.unregisteredProviderProblems.join(" ")}`);
      return t.to("placed", [t.effect({ kind: "scheduleReviews" }), t.effect({ kind: "emailSchool", about: "placementStarting" })]);

    case "endPlacement":
      return t.to("closed", [
        t.effect({ kind: "cancelReviews", reason: `the placement ended (exit route: ${exitRouteLabels[command.exitRoute]})` }),
        t.effect({ kind: "offerPlaceToNextWaitingCase", keyStage: state.keyStage }),
        t.effect({ kind: "emailSchool", about: "placementEnded" }),
      ]);

    case "reopen":
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for reopening ${state.caseRef}.`);
      if (!isOpenStatus(state.status) && context.pupilOpenCase && context.pupilOpenCase !== state.caseRef) {
        return refuse("pupilHasOpenCase", `${state.caseRef}'s pupil now has another open case, ${context.pupilOpenCase}: a pupil has one open case at a time. Carry on with ${context.pupilOpenCase} instead of reopening ${state.caseRef}.`);
      }
      return t.to(
        state.kind === "partnershipReferral" ? "readyForCoreGroup" : "awaitingInclusionForum",
        [
          ...(holdsPlace(state) ? [t.effect({ kind: "cancelReviews", reason: "case reopened" }), t.effect({ kind: "offerPlaceToNextWaitingCase", keyStage: state.keyStage })] : []),
          ...(state.kind === "partnershipReferral" ? [t.effect({ kind: "assignCoreGroupMeeting" }), t.effect({ kind: "postCoreGroupCard" })] : [t.effect({ kind: "assignInclusionForumMeeting" })]),
        ],
        { decision: undefined, waitingSince: undefined },
      );

    case "withdraw":
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for withdrawing ${state.caseRef}.`);
      return t.to("withdrawn", [
        ...(holdsPlace(state)
          ? [t.effect({ kind: "cancelReviews", reason: "case withdrawn" }), t.effect({ kind: "offerPlaceToNextWaitingCase", keyStage: state.keyStage })]
          : []),
        t.effect({ kind: "emailSchool", about: "withdrawn" }),
      ]);

    case "close":
      return t.to("closed", holdsPlace(state) ? [t.effect({ kind: "cancelReviews", reason: "case closed" }), t.effect({ kind: "offerPlaceToNextWaitingCase", keyStage: state.keyStage })] : []);
  }
}

function placementRoute(
  t: Transition,
  state: CaseState,
  context: CaseContext,
  effects: CaseEffect[],
  changes: Partial<CaseState>,
  outcome: CoreGroupOutcome,
): Decision {
  if (!state.purchaseOrder) return t.to("awaitingPo", [...effects, t.effect({ kind: "requestPurchaseOrder" })], changes);
  if (!placeFree(state, context)) {
    return t.to(
      "waitingList",
      [...effects, t.effect({ kind: "addToWaitingList", keyStage: state.keyStage }), t.effect({ kind: "tellCoordinatorWaitingPosition", keyStage: state.keyStage })],
      { ...changes, waitingSince: t.command.at },
    );
  }
  return t.to("decided", [...effects, t.effect({ kind: "createPlacement", outcome })], changes);
}

/**
 * Whether the case holds a place: placed, or decided for Programme Management with its placement being set up. A
 * case leaving that (withdrawn, closed, reopened) ends its open placement (`cancelReviews` does) and frees the place
 * for the longest-waiting case.
 */
function holdsPlace(state: CaseState): boolean {
  return state.status === "placed" || (state.status === "decided" && !!state.decision && isProgrammeManagement(state.decision.outcome));
}

/**
 * Whether the case may have a place: the number of places is what the partnership aims to offer, so at the number a
 * decision waits, unless the Director approved one more place for this case.
 */
function placeFree(state: CaseState, context: CaseContext): boolean {
  return context.activePlacements[state.keyStage] < context.places[state.keyStage] || state.extraPlace !== undefined;
}

/** The Director's exception granted: the referral goes on to triage without an Inclusion Forum discussion first. */
function grantException(t: Transition, state: CaseState, by: string, at: string, reason: string): Decision {
  return t.to("triage", [t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })], {
    inclusionForumOverride: { by, reason: reason.trim(), at },
  });
}

function sameDecision(state: CaseState, command: Extract<CaseCommand, { kind: "recordDecision" }>): boolean {
  const d = state.decision;
  return !!d && d.outcome === command.outcome && d.decidedBy === command.by && d.decidedAt === command.at;
}

/** The refusal of a second decision, with the first one as the Cases list shows it. */
function alreadyDecided(state: CaseState): string {
  const first = state.decision ? ` (${coreGroupOutcomeLabels[state.decision.outcome]}) by ${state.decision.decidedBy}` : "";
  return `${state.caseRef} was already decided${first}. To decide it again, set its Status to "Ready for Core Group" with the Reason for reopening first.`;
}

function refuse(code: CaseRuleViolation["code"], message: string): Decision {
  return { ok: false, error: { code, message } };
}

type EffectBody = CaseEffect extends infer E ? (E extends unknown ? Omit<E, "key"> : never) : never;

/** Builds the next state and keyed effects of one transition. */
class Transition {
  private readonly version: number;
  constructor(
    readonly state: CaseState,
    readonly command: CaseCommand,
  ) {
    this.version = state.version + 1;
  }
  effect(e: EffectBody): CaseEffect {
    return { ...e, key: `${this.state.caseRef}:${this.version}:${e.kind}` } as CaseEffect;
  }
  to(status: CaseStatus, effects: CaseEffect[] = [], changes: Partial<CaseState> = {}): Decision {
    const next: CaseState = { ...this.state, ...changes, status, version: this.version };
    // A named case that ends frees its pupil to be referred again; reopened, it holds them again.
    const wasOpen = isOpenStatus(this.state.status);
    if (next.named && wasOpen && !isOpenStatus(status)) effects = [...effects, this.effect({ kind: "releasePupil" })];
    if (next.named && !wasOpen && isOpenStatus(status)) effects = [...effects, this.effect({ kind: "claimPupil" })];
    const audit = this.effect({
      kind: "audit",
      from: this.state.status,
      to: status,
      by: this.command.by,
      at: this.command.at,
      action: this.command.kind,
      ...(this.command.kind === "recordDecision" ? { source: this.command.source } : {}),
    });
    return { ok: true, next, effects: [...effects, audit] };
  }
  stay(effects: CaseEffect[] = [], changes: Partial<CaseState> = {}): Decision {
    return this.to(this.state.status, effects, changes);
  }
}
