import type { KeyStage } from "../referral/keyStage";
import { caseStatusLabel, type CaseStatus } from "./caseStatus";
import type { CaseState, DecisionSource } from "./caseState";
import type { CaseEffect } from "./effects";
import { isProgrammeManagement, type CoreGroupOutcome, type InclusionForumOutcome } from "./outcomes";

/** What someone asks of a case. `by` is who (an email address or "system"), `at` when (ISO, from the clock). */
export type CaseCommand = { by: string; at: string } & (
  | { kind: "triage" }
  | { kind: "scheduleForInclusionForum" }
  | { kind: "recordInclusionForumOutcome"; outcome: InclusionForumOutcome }
  | { kind: "convertToReferral" }
  | { kind: "recordInclusionForumOverride"; byRole: "director" | "other"; reason: string }
  | { kind: "markReadyForCoreGroup" }
  | { kind: "recordDecision"; outcome: CoreGroupOutcome; source: DecisionSource }
  | { kind: "receivePurchaseOrder"; number: string; fundingSources: readonly string[] }
  | { kind: "offerPlace" }
  /** Its placement was set up at the same moment as another decision's, for the key stage's last place, and came second. */
  | { kind: "waitForPlace" }
  | { kind: "startPlacement" }
  | { kind: "endPlacement"; exitRoute: "homeSchool" | "anotherSchool" | "specialistPlacement" | "post16" }
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
    | "notAReferral";
  message: string;
}

export type Decision = { ok: true; next: CaseState; effects: CaseEffect[] } | { ok: false; error: CaseRuleViolation };

/** Which commands each status accepts (the rules below may still refuse one). */
export const allowedCommands: Record<CaseStatus, readonly CaseCommandKind[]> = {
  received: ["triage", "scheduleForInclusionForum", "recordInclusionForumOverride", "markReadyForCoreGroup", "receivePurchaseOrder", "withdraw"],
  awaitingInclusionForum: ["recordInclusionForumOutcome", "receivePurchaseOrder", "withdraw"],
  inclusionForumOutcome: ["convertToReferral", "scheduleForInclusionForum", "close", "withdraw"],
  triage: ["scheduleForInclusionForum", "recordInclusionForumOverride", "markReadyForCoreGroup", "receivePurchaseOrder", "withdraw"],
  readyForCoreGroup: ["recordDecision", "recordInclusionForumOverride", "receivePurchaseOrder", "withdraw"],
  decided: ["recordDecision", "startPlacement", "waitForPlace", "receivePurchaseOrder", "reopen", "close", "withdraw"],
  awaitingPo: ["recordDecision", "receivePurchaseOrder", "reopen", "withdraw"],
  waitingList: ["recordDecision", "offerPlace", "receivePurchaseOrder", "reopen", "withdraw"],
  placed: ["recordDecision", "endPlacement", "withdraw"],
  closed: ["reopen"],
  withdrawn: ["reopen"],
};

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
    if (command.kind === "recordDecision" && state.decision) {
      return refuse("alreadyDecided", `${state.caseRef} was already decided (${state.decision.outcome}) by ${state.decision.decidedBy}. To decide it again, reopen it with a reason first.`);
    }
    return refuse(
      "notAllowedNow",
      `${state.caseRef} is "${caseStatusLabel(state.status)}"; "${command.kind}" is not possible now. Next it can: ${allowedCommands[state.status].join(", ") || "nothing"}.`,
    );
  }

  const t = new Transition(state, command);
  switch (command.kind) {
    case "triage":
      if (state.kind !== "partnershipReferral") return t.to("awaitingInclusionForum", [t.effect({ kind: "assignInclusionForumMeeting" })]);
      return t.to("triage", [t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })]);

    case "scheduleForInclusionForum":
      return t.to("awaitingInclusionForum", [t.effect({ kind: "assignInclusionForumMeeting" })]);

    case "recordInclusionForumOutcome":
      return t.to("inclusionForumOutcome", [t.effect({ kind: "emailSchool", about: "inclusionForumOutcome" })], {
        inclusionForumOutcome: command.outcome,
      });

    case "convertToReferral":
      if (!state.named || !state.parentalConsent) {
        return refuse("anonymousCase", `${state.caseRef} is an anonymous Inclusion Forum case: it holds no pupil details. The school must send a Partnership referral with parental consent, giving ${state.caseRef} as the Inclusion Forum case.`);
      }
      return t.to("triage", [t.effect({ kind: "notifyPartnershipSenco", about: "newCase" })], {
        kind: "partnershipReferral",
        previousInclusionForumCase: state.previousInclusionForumCase ?? state.caseRef,
      });

    case "recordInclusionForumOverride":
      if (state.kind !== "partnershipReferral") return refuse("notAReferral", `${state.caseRef} is an Inclusion Forum case; an override applies only to Partnership referrals.`);
      if (command.byRole !== "director") return refuse("directorOnly", `Only the partnership Director can let ${state.caseRef} go to Core Group without an Inclusion Forum discussion.`);
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for letting ${state.caseRef} skip the Inclusion Forum.`);
      return t.stay([t.effect({ kind: "notifyPartnershipSenco", about: "overrideRecorded" })], {
        inclusionForumOverride: { by: command.by, reason: command.reason.trim(), at: command.at },
      });

    case "markReadyForCoreGroup":
      if (state.kind !== "partnershipReferral") return refuse("notAReferral", `${state.caseRef} is an Inclusion Forum case: Core Group hears Partnership referrals only.`);
      if (!state.previousInclusionForumCase && !state.inclusionForumOverride) {
        return refuse("inclusionForumFirst", `${state.caseRef} has not been to the Inclusion Forum. It can go to Core Group once it has, or if the Director records an override with a reason.`);
      }
      return t.to("readyForCoreGroup", [t.effect({ kind: "assignCoreGroupMeeting" }), t.effect({ kind: "postCoreGroupCard" })]);

    case "recordDecision": {
      const decided = { decision: { outcome: command.outcome, decidedBy: command.by, decidedAt: command.at, source: command.source } };
      if (state.status !== "readyForCoreGroup") {
        return refuse("alreadyDecided", `${state.caseRef} was already decided${state.decision ? ` (${state.decision.outcome}) by ${state.decision.decidedBy}` : ""}. To decide it again, reopen it with a reason first.`);
      }
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
      const purchaseOrder = { number: command.number.trim(), fundingSources: [...command.fundingSources] };
      if (state.status !== "awaitingPo") return t.stay([], { purchaseOrder });
      const outcome = state.decision?.outcome ?? "programmeManagementPartTime";
      return placementRoute(t, { ...state, purchaseOrder }, context, [], { purchaseOrder }, outcome);
    }

    case "offerPlace":
      if (!placeFree(state.keyStage, context)) return refuse("noPlace", `No ${state.keyStage} place is free for ${state.caseRef} yet; it keeps its place on the waiting list.`);
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
      if (!placeFree(state.keyStage, context)) return refuse("noPlace", `Every ${state.keyStage} place is taken, so ${state.caseRef}'s placement cannot start.`);
      return t.to("placed", [t.effect({ kind: "scheduleReviews" }), t.effect({ kind: "emailSchool", about: "placementStarting" })]);

    case "endPlacement":
      return t.to("closed", [
        t.effect({ kind: "cancelReviews", reason: `placement ended (${command.exitRoute})` }),
        t.effect({ kind: "offerPlaceToNextWaitingCase", keyStage: state.keyStage }),
        t.effect({ kind: "emailSchool", about: "placementEnded" }),
      ]);

    case "reopen":
      if (!command.reason.trim()) return refuse("reasonRequired", `Please give the reason for reopening ${state.caseRef}.`);
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
  if (!placeFree(state.keyStage, context)) {
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

function placeFree(keyStage: KeyStage, context: CaseContext): boolean {
  return context.activePlacements[keyStage] < context.places[keyStage];
}

function sameDecision(state: CaseState, command: Extract<CaseCommand, { kind: "recordDecision" }>): boolean {
  const d = state.decision;
  return !!d && d.outcome === command.outcome && d.decidedBy === command.by && d.decidedAt === command.at;
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
