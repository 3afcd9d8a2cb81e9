import type { CaseEffect } from "../../domain/case/effects";
import { ChannelNotChosenError } from "../../teams/teamsChannel";
import { coreGroupOutcomeLabels } from "../../domain/case/outcomes";
import type { DecisionsRow } from "../../domain/lists";
import type { EffectRow } from "./casesHandler";
import type { AppState } from "../../m365/tables/appState";
import type { AuditTrail } from "../../m365/tables/auditTrail";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import { titleIs, type ListItems } from "../../m365/sharepoint/items";
import { longerWait, MailboxBusyError, type Mailer } from "../../m365/outlook/mail";
import type { Message } from "../messages/message";
import { caseNews, directorsExceptionRefused, purchaseOrderNeeded } from "../messages/schoolMessages";
import { caseNeedsAttention } from "../messages/partnershipSencoMessages";
import { editNotPermitted, editRefused, joinedWaitingList, workflowColumnsPutBack } from "../messages/coordinatorMessages";
import { exceptionAsked } from "../messages/directorMessages";
import type { SchoolDirectory } from "../schools/schoolDirectory";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import { inEmailDomain } from "../../domain/schools";

export interface CaseEffectPorts {
  ledger: EffectLedger;
  audit: AuditTrail;
  mailer: Mailer;
  /**
   * The mailbox for a transition's own emails, best one that does not wait out Exchange's Retry-After
   * (`graphMailer`'s "defer"): a busy mailbox then leaves those emails owed and lets the transition's other effects
   * (its card, its placement) go ahead. Defaults to `mailer`. `placementWork` is best given the same mailbox: a
   * placement effect whose email is turned away is then owed too.
   */
  effectsMailer?: Mailer;
  schools: SchoolDirectory;
  decisions: ListItems<DecisionsRow>;
  state: AppState;
  sencoEmail: string;
  coordinatorEmail: string;
  directorEmail: string;
  /** The case's page in SharePoint (emails link to the record instead of copying it); undefined when not found. */
  caseUrl?(caseRef: string): Promise<string | undefined>;
  log(message: string): void;
  /** The Core Group card workflows (the Teams bot); without them their effects stay pending, as before. */
  coreGroupCards?: CoreGroupCardEffects | undefined;
  /** Placements, reviews and meetings (issue 6); without it their effects are kept as pending. */
  placementWork?: PlacementEffects;
  /** The open-case index and the intake's stored submissions; without them their effects are kept as pending. */
  pupilWork?: PupilEffects;
}

/**
 * One pupil, one open case: the open-case index kept in step with a case's transitions, and a named referral's
 * answers written into the Inclusion Forum case it continues (see src/workflows/cases/pupilIndex.ts and
 * src/workflows/intake/writeReferralIntoCase.ts).
 */
export interface PupilEffects {
  releasePupil(caseRef: string): Promise<unknown>;
  claimPupil(caseRef: string): Promise<unknown>;
  writeReferralIntoCase(caseRef: string, responseId: string): Promise<unknown>;
}

/** Posting and refreshing a case's Core Group card (see src/workflows/coreGroup). */
export interface CoreGroupCardEffects {
  /** Posts the card once per posting (`postingKey`: the effect's key). */
  post(caseRef: string, postingKey: string): Promise<void>;
  /** Re-renders the posted card for everyone from the case as it is now. */
  refresh(caseRef: string): Promise<void>;
}

/** How the placement effects are carried out (see `placementEffects` in src/workflows/placements). */
export interface PlacementEffects {
  createPlacement(caseRef: string, outcome: Extract<CaseEffect, { kind: "createPlacement" }>["outcome"], key: string): Promise<unknown>;
  tellWaitingPosition(caseRef: string, keyStage: Extract<CaseEffect, { kind: "tellCoordinatorWaitingPosition" }>["keyStage"], key: string): Promise<unknown>;
  scheduleReviews(caseRef: string): Promise<unknown>;
  cancelReviews(caseRef: string, reason: string): Promise<unknown>;
  offerPlaceToNextWaitingCase(keyStage: Extract<CaseEffect, { kind: "offerPlaceToNextWaitingCase" }>["keyStage"]): Promise<unknown>;
  assignCoreGroupMeeting(caseRef: string): Promise<unknown>;
  assignInclusionForumMeeting(caseRef: string): Promise<unknown>;
}

/** Effects another part of the app carries out (the Teams bot, placements and reviews), kept until it does. */
export const PENDING_EFFECTS_SCOPE = "pendingEffects";

const schoolNews: Record<Extract<CaseEffect, { kind: "emailSchool" }>["about"], string> = {
  decision: "the Core Group has decided",
  placementStarting: "the placement is starting",
  placementEnded: "the placement has ended",
  inclusionForumOutcome: "the Inclusion Forum's outcome",
  withdrawn: "the case has been withdrawn",
  exceptionRefused: "the partnership Director's decision on the referral",
};

/**
 * Carries out a transition's effects, each once (by its idempotency key), in order. Emails carry the case
 * reference and school only and link to the record; what belongs to the Teams bot or to placements is recorded
 * as pending for that work to pick up — never dropped. An email the mailbox is too busy to take (Exchange's
 * sending limit) is owed, not waited for: the other effects go ahead, and then `EmailsOwedError` says which
 * effects owe emails (an email effect, or a placement effect whose email was turned away) and when to come back.
 *
 * @example
 * await carryOutCaseEffects(ports, decision.effects, row)
 */
export async function carryOutCaseEffects(ports: CaseEffectPorts, effects: readonly CaseEffect[], row: EffectRow): Promise<void> {
  const school = await ports.schools.byUrn(row.SchoolUrn ?? "");
  const schoolName = school?.SchoolName ?? `school ${row.SchoolUrn ?? ""}`;
  // The referrer typed into the form is written to only within the school's email domain (never a redirected address).
  const referrer = school && inEmailDomain(row.ReferrerEmail, school.EmailDomain) ? row.ReferrerEmail : undefined;
  let busy: MailboxBusyError | undefined;
  const owed: CaseEffect[] = [];
  const owe = (effect: CaseEffect, e: unknown) => {
    if (!(e instanceof MailboxBusyError)) throw e;
    busy = longerWait(busy, e);
    if (!owed.includes(effect)) owed.push(effect);
  };
  const mail = (effect: CaseEffect, to: (string | undefined)[], message: Message, key = effect.key) =>
    sendMailOnce(ports.ledger, ports.effectsMailer ?? ports.mailer, key, to, message.subject, message.html).catch((e: unknown) => owe(effect, e));

  for (const effect of effects) {
    switch (effect.kind) {
      case "audit":
        await ports.audit.append({ caseRef: row.CaseRef, key: effect.key, at: new Date(effect.at), by: effect.by, source: effect.source ?? "sharepoint", action: effect.action, from: effect.from, to: effect.to });
        break;
      case "notifyPartnershipSenco":
        await mail(effect, [ports.sencoEmail], caseNeedsAttention(row.CaseRef, schoolName, effect.about));
        break;
      case "emailSchool":
        if (effect.about === "exceptionRefused") {
          await mail(effect, [referrer, school?.SencoEmail], directorsExceptionRefused(row.CaseRef, schoolNews[effect.about], effect.reason));
          break;
        }
        await mail(effect, [referrer, school?.SencoEmail], caseNews(row.CaseRef, schoolNews[effect.about], effect.about === "decision" && row.CoreGroupOutcome ? coreGroupOutcomeLabels[row.CoreGroupOutcome] : undefined));
        break;
      case "requestPurchaseOrder":
        await mail(effect, [school?.FinanceEmail, referrer], purchaseOrderNeeded(row.CaseRef));
        break;
      case "tellCoordinatorWaitingPosition":
        if (ports.placementWork) {
          await ports.placementWork.tellWaitingPosition(row.CaseRef, effect.keyStage, effect.key).catch((e: unknown) => owe(effect, e));
          break;
        }
        await mail(effect, [ports.coordinatorEmail], joinedWaitingList(row.CaseRef, effect.keyStage));
        break;
      case "writeDecision":
        await ports.ledger.once(
          effect.key,
          async () => (await ports.decisions.create({ DecisionKey: effect.key, CaseRef: row.CaseRef, Outcome: effect.outcome, DecidedBy: effect.decidedBy, DecidedAt: effect.decidedAt, Source: effect.source })).id,
          { alreadyDone: async () => (await ports.decisions.readAll({ filter: titleIs(effect.key) }))[0]?.id },
        );
        break;
      case "postCoreGroupCard":
      case "updateCoreGroupCard":
        if (ports.coreGroupCards) {
          try {
            if (effect.kind === "postCoreGroupCard") await ports.coreGroupCards.post(row.CaseRef, effect.key);
            else await ports.coreGroupCards.refresh(row.CaseRef);
            break;
          } catch (e) {
            // No Core Group channel yet: keep the card for when a coordinator chooses one, rather than holding up
            // the transition's other effects (its audit entry, its emails).
            if (!(e instanceof ChannelNotChosenError)) throw e;
          }
        }
        await ports.state.put(PENDING_EFFECTS_SCOPE, effect.key, { caseRef: row.CaseRef, effect });
        ports.log(`${row.CaseRef}: ${effect.kind} recorded for the part of the app that carries it out`);
        break;
      case "createPlacement":
      case "scheduleReviews":
      case "cancelReviews":
      case "offerPlaceToNextWaitingCase":
      case "addToWaitingList":
      case "assignCoreGroupMeeting":
      case "assignInclusionForumMeeting":
        if (ports.placementWork) {
          // Its email turned away by a busy mailbox, the effect is owed whole: carried out again, it finds its
          // writes done (ledger keys, transactionIds, capacity) and sends what is left.
          await carryOutPlacementEffect(ports.placementWork, effect, row.CaseRef).catch((e: unknown) => owe(effect, e));
          break;
        }
        await ports.state.put(PENDING_EFFECTS_SCOPE, effect.key, { caseRef: row.CaseRef, effect });
        ports.log(`${row.CaseRef}: ${effect.kind} recorded for the part of the app that carries it out`);
        break;
      case "tellEditPutBack":
        for (const notice of putBackNotices(row.CaseRef, effect, ports.coordinatorEmail)) await mail(effect, notice.to, notice.message, notice.key);
        break;
      case "askDirectorForException":
        await mail(effect, [ports.directorEmail], exceptionAsked(row.CaseRef, schoolName, await ports.caseUrl?.(row.CaseRef)));
        break;
      case "writeReferralIntoCase":
      case "releasePupil":
      case "claimPupil":
        if (ports.pupilWork) {
          if (effect.kind === "writeReferralIntoCase") await ports.pupilWork.writeReferralIntoCase(row.CaseRef, effect.responseId);
          else if (effect.kind === "releasePupil") await ports.pupilWork.releasePupil(row.CaseRef);
          else await ports.pupilWork.claimPupil(row.CaseRef);
          break;
        }
        await ports.state.put(PENDING_EFFECTS_SCOPE, effect.key, { caseRef: row.CaseRef, effect });
        ports.log(`${row.CaseRef}: ${effect.kind} recorded for the part of the app that carries it out`);
        break;
      default: {
        // Every effect the state machine can ask for is handled above: a new one fails to compile here.
        const unhandled: never = effect;
        throw new Error(`No one carries out the effect ${JSON.stringify(unhandled)}`);
      }
    }
  }
  if (busy) throw new EmailsOwedError(busy, owed);
}

/**
 * A transition's emails a busy mailbox could not take; every other effect of the transition is done. Carrying out
 * `owed` later (after `retryAfterMs`) sends them, each once by its key.
 *
 * @example
 * new EmailsOwedError(new MailboxBusyError("partnership@lncip.example", 42_000), [schoolEmail]).owed // [schoolEmail]
 */
export class EmailsOwedError extends MailboxBusyError {
  constructor(busy: MailboxBusyError, readonly owed: readonly CaseEffect[]) {
    super(busy.mailbox, busy.retryAfterMs);
    this.name = "EmailsOwedError";
  }
}

/**
 * The emails that tell of an edit put back: the Coordinator's (under the effect's key), and the editor's when the
 * People list (or their version) gives an address that is not the Coordinator's. A refusal by the rules goes to the
 * Coordinator only, as before.
 *
 * @example
 * putBackNotices("LNCIP-2026-0042", { key: "mail:notPermitted:LNCIP-2026-0042:17:5", kind: "tellEditPutBack", why: "notPermitted",
 *   message: "Only a Coordinator or the chair records a decision.", editKey: "17:5", editor: { label: "Megan Bowen", email: "meganb@example.com" } }, "coordinator@lncip.example")
 * // [{ key: "mail:notPermitted:LNCIP-2026-0042:17:5", to: ["coordinator@lncip.example"], … }, { key: "mail:notPermitted:editor:LNCIP-2026-0042:17:5", to: ["meganb@example.com"], … }]
 */
export function putBackNotices(caseRef: string, effect: Extract<CaseEffect, { kind: "tellEditPutBack" }>, coordinatorEmail: string): { key: string; to: string[]; message: Message }[] {
  if (effect.why === "refused") return [{ key: effect.key, to: [coordinatorEmail], message: editRefused(caseRef, effect.message) }];
  const editor = effect.editor ?? { label: "Someone" };
  const notices = [{ key: effect.key, to: [coordinatorEmail], message: effect.why === "notPermitted" ? editNotPermitted(caseRef, effect.message, editor.label) : workflowColumnsPutBack(caseRef, effect.message) }];
  if (editor.email && editor.email.toLowerCase() !== coordinatorEmail.toLowerCase()) {
    notices.push({ key: `mail:${effect.why}:editor:${caseRef}:${effect.editKey}`, to: [editor.email], message: effect.why === "notPermitted" ? editRefused(caseRef, effect.message) : workflowColumnsPutBack(caseRef, effect.message) });
  }
  return notices;
}

/** Placement, review and meeting effects: each idempotent in itself (ledger keys, transactionIds, capacity). */
async function carryOutPlacementEffect(work: PlacementEffects, effect: CaseEffect, caseRef: string): Promise<void> {
  switch (effect.kind) {
    case "createPlacement":
      await work.createPlacement(caseRef, effect.outcome, effect.key);
      break;
    case "scheduleReviews":
      await work.scheduleReviews(caseRef);
      break;
    case "cancelReviews":
      await work.cancelReviews(caseRef, effect.reason);
      break;
    case "offerPlaceToNextWaitingCase":
      await work.offerPlaceToNextWaitingCase(effect.keyStage);
      break;
    case "assignCoreGroupMeeting":
      await work.assignCoreGroupMeeting(caseRef);
      break;
    case "assignInclusionForumMeeting":
      await work.assignInclusionForumMeeting(caseRef);
      break;
    default:
      break; // addToWaitingList: the case's WaitingSince, written with its status, is its place in the queue
  }
}
