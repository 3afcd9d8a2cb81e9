import { z } from "zod";
import { coreGroupOutcomeSchema, type CoreGroupOutcome } from "../../domain/case";
import { cardSupersededBy, pressAnswers } from "../messages/coreGroupPanelMessages";
import { pressOnEarlierCopy } from "./earlierCopies";
import { giveView, recordDecision, type CardNotice, type Panel, type VotingResult, type VotingState } from "../../domain/coreGroup";
import { StaleStateError } from "../../m365/tables/appState";
import { EffectInProgressError } from "../../m365/tables/effectLedger";
import type { CardAction, CardActionHandler, CardActionResult } from "../../teams/teamsChannel";
import { adoptPostedCard, CaseNotOnCardError, loadCaseOnCard, renderCoreGroupCard, saveVotes, votesName, type CaseOnCard } from "./coreGroupCard";
import type { CaseCommandResult } from "../cases/casesHandler";
import { CHAIR_COMMENTS_SCOPE, CORE_GROUP_VOTES_SCOPE, type CoreGroupPorts } from "./coreGroupPorts";

/** The verbs of the Core Group card's buttons (and its `refresh`). */
export const coreGroupVerbs = { giveView: "coreGroup.giveView", recordDecision: "coreGroup.recordDecision", refresh: "coreGroup.refresh" } as const;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const pressSchema = z.object({
  caseRef: z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/),
  round: z.string().min(1).max(300),
  outcome: z.preprocess(blankToUndefined, coreGroupOutcomeSchema.optional()),
  decision: z.preprocess(blankToUndefined, coreGroupOutcomeSchema.optional()),
  comment: z.preprocess(blankToUndefined, z.string().trim().max(500, pressAnswers.commentTooLong).optional()),
});

const ATTEMPTS = 8;

/**
 * Answers the Core Group card's presses. A member (or their deputy for this meeting) gives or changes a view: they
 * get their own view back and the shared card is updated for everyone with the tally. The chair records the
 * decision once quorum is met: it goes through the case's state machine (`recordDecision`, source "teams"), so
 * the case moves on and the Decisions list gets one row; the chair is answered as soon as the decision is
 * committed, and its effects (the row, the emails, the card everyone sees) follow from the case-effects queue
 * within seconds. Views and the decision are saved under an ETag: two
 * presses at once are serialised, and a second, stale or simultaneous press never records a second decision. An
 * automatic refresh only ever answers with the presser's own view: the shared card is never updated then.
 *
 * @example
 * const handle = coreGroupCardActions(ports);
 * await handle({ verb: "coreGroup.giveView", data: { caseRef, round, outcome: "inSchoolSupport" }, from: { id: "user-id-1" },
 *   trigger: "manual", conversationId })
 * // { kind: "card", card: <the Core Group card with "Your view: Partnership in-school support."> }
 */
export function coreGroupCardActions(ports: CoreGroupPorts): CardActionHandler {
  return async (action) => {
    const parsed = pressSchema.safeParse(action.data);
    if (!parsed.success) {
      const comment = parsed.error.issues.find((i) => i.path[0] === "comment");
      if (comment) return { kind: "message", text: comment.message };
      return { kind: "error", statusCode: 400, message: pressAnswers.notOurButton };
    }
    const press = parsed.data;
    let person = action.from.aadObjectId ?? action.from.id;
    let c: CaseOnCard;
    try {
      c = await loadCaseOnCard(ports, press.caseRef);
    } catch (e) {
      if (e instanceof CaseNotOnCardError) return { kind: "message", text: e.message };
      throw e;
    }
    if (c.record?.round !== press.round && action.messageId && (await adoptPostedCard(ports, press.caseRef, press.round, { conversationId: action.conversationId, messageId: action.messageId }))) {
      c = await loadCaseOnCard(ports, press.caseRef);
    }
    const earlierCopy = pressOnEarlierCopy(c.record, action, cardSupersededBy(press.caseRef));
    if (earlierCopy) return earlierCopy;
    person = panelIdOf(c.panel.panel, action.from);
    const own = async (notice?: CardNotice): Promise<CardActionResult> => ({ kind: "card", card: await renderCoreGroupCard(ports, c, { viewerId: person, notice }) });
    if (!c.record) return { kind: "message", text: pressAnswers.noCardAnyMore(press.caseRef) };
    if (c.record.round !== press.round) return own(pressAnswers.outOfDate);
    if (action.trigger === "automatic" || action.verb === coreGroupVerbs.refresh) return own();

    if (action.verb === coreGroupVerbs.giveView) {
      if (!press.outcome) return own(pressAnswers.chooseOutcome);
      if (c.row.WorkflowStatus !== "readyForCoreGroup") return own(pressAnswers.noLongerWaiting(press.caseRef));
      const outcome = press.outcome;
      const saved = await saveWithRetry(ports, () => c, async () => (c = await loadCaseOnCard(ports, press.caseRef)), (state) => giveView(state, c.panel.panel, person, outcome, press.comment, ports.now()));
      if (!saved.ok) return { kind: "message", text: saved.refusal };
      if (saved.changed) await updateShared(ports, c, action);
      return own(pressAnswers.viewRecorded(outcome));
    }

    if (action.verb === coreGroupVerbs.recordDecision) {
      const outcome: CoreGroupOutcome | undefined = press.decision ?? press.outcome;
      if (!outcome) return own(pressAnswers.chooseDecision);
      if (c.row.WorkflowStatus !== "readyForCoreGroup" && !c.votes.state.decision) {
        await updateShared(ports, c, action);
        return own(pressAnswers.alreadyDecided(press.caseRef, c.row.DecidedBy));
      }
      // Recorded as the chair by name and Entra object id (the People list's, else the panel's), never a typed name.
      const by = (await ports.people.presser(action.from)).label;
      const saved = await saveWithRetry(ports, () => c, async () => (c = await loadCaseOnCard(ports, press.caseRef)), (state) => recordDecision(state, c.panel.panel, person, outcome, ports.now()));
      if (!saved.ok) return { kind: "message", text: saved.refusal };
      const decision = c.votes.state.decision!;
      // Kept before the case moves on: the decision's own effects may add the details to the Decisions row first.
      if (press.comment && decision.by === person) await ports.state.put(CHAIR_COMMENTS_SCOPE, c.record!.round, press.comment);
      let applied: CaseCommandResult;
      try {
        // Answered once committed: the decision's effects follow from the case-effects queue (see applyCaseCommand).
        applied = await ports.caseCommand(press.caseRef, { kind: "recordDecision", outcome: decision.outcome, source: "teams", by, at: decision.at }, { effects: "later" });
      } catch (e) {
        // Another press of the same decision is carrying out its effects right now: it finishes them and updates the card.
        if (!(e instanceof EffectInProgressError)) throw e;
        c = await loadCaseOnCard(ports, press.caseRef);
        return own(pressAnswers.decisionBeingRecorded(decision.outcome));
      }
      c = await loadCaseOnCard(ports, press.caseRef);
      if (!applied.ok) {
        ports.log(`${press.caseRef}: the decision from Teams was refused (${applied.code})`);
        await updateShared(ports, c, action);
        return { kind: "message", text: applied.message };
      }
      // The decision is committed — the votes, and the case's transition under its ETag with its effects stashed — so
      // the chair is answered now. Its effects follow from the queue, each once: the Decisions row (with the views and
      // comments given here: recordDecisionDetails), the school's email, a placement, and the card everyone sees.
      return own(applied.changed ? pressAnswers.decisionRecorded(decision.outcome) : undefined);
    }
    return { kind: "error", statusCode: 400, message: pressAnswers.noSuchButton };
  };
}

/**
 * Updates the shared card for everyone: only for a press a person made, never for an automatic refresh. Renders
 * from the votes as saved now and, if another press saved meanwhile, renders again, so the card everyone ends up
 * with counts every view even when two updates cross.
 */
async function updateShared(ports: CoreGroupPorts, c: CaseOnCard, action: CardAction): Promise<void> {
  if (action.trigger !== "manual" || !c.record) return;
  for (let attempt = 0; attempt < 3; attempt++) {
    const fresh = await loadCaseOnCard(ports, c.row.CaseRef);
    if (!fresh.record || fresh.record.round !== c.record.round) return;
    await ports.teams.updateCard(fresh.record.posted, await renderCoreGroupCard(ports, fresh));
    const now = await ports.state.get<VotingState>(CORE_GROUP_VOTES_SCOPE, votesName(fresh.record.caseRef, fresh.record.round));
    if (now?.version === fresh.votes.version) return;
  }
}

/**
 * Applies a voting step to the votes as saved and saves the result under the version read; when another press
 * saved in between, reads again and reapplies (so concurrent views are all kept, and a concurrent decision is seen).
 */
async function saveWithRetry(
  ports: CoreGroupPorts,
  current: () => CaseOnCard,
  reload: () => Promise<CaseOnCard>,
  step: (state: VotingState) => VotingResult,
): Promise<VotingResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const c = current();
    const result = step(c.votes.state);
    if (!result.ok || !result.changed) return result;
    try {
      await saveVotes(ports, c.record!, result.state, c.votes.version);
      c.votes = { state: result.state };
      return result;
    } catch (e) {
      if (!(e instanceof StaleStateError)) throw e;
      await reload();
    }
  }
  return { ok: false, refusal: pressAnswers.pressAgain };
}

/**
 * Which of the presser's ids the panel knows them by: the Entra object id (what a tenant's CoreGroupPanel list
 * holds), else the Teams user id (the Agents Playground's mock users locally). Both come from the same activity,
 * authenticated by the bot's JWT check; someone the panel knows by neither is refused as not a member.
 *
 * @example
 * panelIdOf(panel, { id: "29:1abc…", aadObjectId: "6f1c…" }) // "6f1c…" when the list holds object ids
 */
export function panelIdOf(panel: Panel, from: CardAction["from"]): string {
  const known = (id: string | undefined) =>
    id !== undefined && (panel.chairId === id || panel.members.some((m) => m.id === id) || panel.deputies.some((d) => d.deputy.id === id));
  if (known(from.aadObjectId)) return from.aadObjectId as string;
  if (known(from.id)) return from.id;
  return from.aadObjectId ?? from.id;
}
