import { londonDay } from "../../domain/calendar";
import { odataString } from "../../m365/odata";
import { caseCardFacts, coreGroupCardView, dayLabel, meetingLabel, type CardNotice, type MeetingOnCard, type VotingState } from "../../domain/coreGroup";
import type { CasesRow, MeetingsRow } from "../../domain/lists";
import { isReadable } from "../../m365/sharepoint/items";
import { coreGroupOutcomeLabels, type InclusionForumOutcome } from "../../domain/case";
import { coreGroupCard } from "../../teams/cards/cardTemplates";
import type { AdaptiveCardJson, PostedCard } from "../../teams/teamsChannel";
import { findCaseItem } from "../cases/findCase";
import { CHAIR_COMMENTS_SCOPE, CORE_GROUP_CARDS_SCOPE, CORE_GROUP_POSTINGS_SCOPE, CORE_GROUP_VOTES_SCOPE, type CoreGroupPorts } from "./coreGroupPorts";
import { meetingByKey, meetingPanel, type MeetingPanel } from "./panelDirectory";
import { teamsUserIds } from "../../teams/teamsUserIds";
import { cardPosted, rolledToNextMeeting } from "../messages/coreGroupPanelMessages";

/** Where a case's Core Group card was posted, for which posting (round) and which meeting it last showed. */
export interface PostedCoreGroupCard {
  caseRef: string;
  round: string;
  posted: PostedCard;
  meetingKey?: string | undefined;
  /** The meeting the case was heard at but not decided, once it has rolled to another. */
  rolledFromKey?: string | undefined;
  /** Earlier copies of this posting's card, from before it was posted again ("show open cases"): they say so. */
  superseded?: PostedCard[] | undefined;
}

/** A case as the card workflows see it: its item, its row, its posted card and this posting's votes. */
export interface CaseOnCard {
  itemId: string;
  row: CasesRow;
  record?: PostedCoreGroupCard | undefined;
  votes: { state: VotingState; version?: string | undefined };
  meeting?: MeetingsRow | undefined;
  panel: MeetingPanel;
}

/** A case the card workflows cannot find or read: the message says what a coordinator can do. */
export class CaseNotOnCardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CaseNotOnCardError";
  }
}

/** The app state name of one posting's votes. */
export const votesName = (caseRef: string, round: string): string => `${caseRef}|${round}`;

/**
 * Reads everything a case's card is built from, now.
 *
 * @example
 * const c = await loadCaseOnCard(ports, "LNCIP-2026-0042")
 * c.row.WorkflowStatus // "readyForCoreGroup"
 */
export async function loadCaseOnCard(ports: CoreGroupPorts, caseRef: string): Promise<CaseOnCard> {
  const item = await findCaseItem(ports.cases, caseRef);
  if (!item) throw new CaseNotOnCardError(`There is no case ${caseRef} in the Cases list.`);
  if (!isReadable(item)) throw new CaseNotOnCardError(`The case ${caseRef} cannot be read; a coordinator must correct its item first.`);
  const record = (await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))?.value;
  const votes = record ? await ports.state.get<VotingState>(CORE_GROUP_VOTES_SCOPE, votesName(caseRef, record.round)) : undefined;
  const meeting = await meetingByKey(ports, item.row.MeetingId);
  return { itemId: item.id, row: item.row, record, votes: votes ? { state: votes.value, version: votes.version } : { state: { caseRef, views: {} } }, meeting, panel: await meetingPanel(ports, meeting) };
}

/** Saves this posting's votes under the version read (`StaleStateError` if someone else saved in between). */
export async function saveVotes(ports: CoreGroupPorts, record: PostedCoreGroupCard, state: VotingState, version: string | undefined): Promise<void> {
  await ports.state.put(CORE_GROUP_VOTES_SCOPE, votesName(record.caseRef, record.round), state, version);
}

const onCard = (m: MeetingsRow): MeetingOnCard => ({ key: m.MeetingKey, date: m.Date, startTime: m.StartTime });

/**
 * The Core Group card for a case as it stands: for everyone (no viewer), or one person's own view.
 *
 * @example
 * await renderCoreGroupCard(ports, await loadCaseOnCard(ports, ref), { viewerId: "user-id-1", notice: { text: "Your view was recorded.", tone: "good" } })
 */
export async function renderCoreGroupCard(
  ports: CoreGroupPorts,
  c: CaseOnCard,
  options: { viewerId?: string | undefined; notice?: CardNotice | undefined; round?: string | undefined } = {},
): Promise<AdaptiveCardJson> {
  const facts = caseCardFacts(c.row);
  const school = c.row.SchoolUrn !== undefined ? await ports.schools.byUrn(c.row.SchoolUrn) : undefined;
  const history: { caseRef: string; outcome?: InclusionForumOutcome | undefined }[] = [];
  if (facts.previousInclusionForumCase) {
    const earlier = await findCaseItem(ports.cases, facts.previousInclusionForumCase);
    history.push({ caseRef: facts.previousInclusionForumCase, outcome: earlier && isReadable(earlier) ? earlier.row.InclusionForumOutcome : undefined });
  }
  // A forum case continued as its pupil's referral names itself: shown once.
  if (c.row.InclusionForumOutcome && facts.previousInclusionForumCase !== c.row.CaseRef) history.push({ caseRef: c.row.CaseRef, outcome: c.row.InclusionForumOutcome });
  const rolledFrom = c.record?.rolledFromKey ? await meetingByKey(ports, c.record.rolledFromKey) : undefined;
  const capacity = await ports.capacity(c.row.KeyStage);
  return coreGroupCard(
    coreGroupCardView({
      facts,
      schoolName: school?.SchoolName ?? "School not in the Schools list",
      round: options.round ?? c.record?.round ?? "",
      votes: c.votes.state,
      panel: c.panel.panel,
      meeting: c.meeting ? onCard(c.meeting) : undefined,
      rolledFrom: rolledFrom ? onCard(rolledFrom) : undefined,
      placesLeft: capacity.placesLeft,
      waitingList: capacity.waitingList,
      inclusionForumHistory: history,
      caseUrl: await ports.caseUrl(c.itemId),
      nameOf: c.panel.nameOf,
      viewerId: options.viewerId,
      notice: options.notice,
      teamsUserIdOf: await teamsUserIds(ports.state).lookup(),
    }),
  );
}

/**
 * Posts a case's Core Group card into the Core Group channel, once per posting (the effect's key: a case
 * reopened for Core Group is posted again), and keeps where it went, keyed by case, so presses, refreshes and
 * reminders find it.
 *
 * @example
 * await postCoreGroupCard(ports, "LNCIP-2026-0042", "LNCIP-2026-0042:3:postCoreGroupCard")
 */
export async function postCoreGroupCard(ports: CoreGroupPorts, caseRef: string, postingKey = `${caseRef}:postCoreGroupCard`): Promise<PostedCard> {
  const { result } = await ports.ledger.once(
    `teams:post:${postingKey}`,
    async () => {
      const c = await loadCaseOnCard(ports, caseRef);
      // Posted before, by an attempt that never heard back from Teams, and adopted since by a press on it.
      if (c.record?.round === postingKey) return c.record.posted;
      const fresh: CaseOnCard = { ...c, record: undefined, votes: { state: { caseRef, views: {} } } };
      const card = await renderCoreGroupCard(ports, fresh, { round: postingKey });
      const school = c.row.SchoolUrn !== undefined ? await ports.schools.byUrn(c.row.SchoolUrn) : undefined;
      // What a press needs is saved before the post: if this attempt dies between Teams taking the card and the
      // record below, the first press on the card adopts it (adoptPostedCard) instead of finding no card.
      if (!(await ports.state.get(CORE_GROUP_VOTES_SCOPE, votesName(caseRef, postingKey)))) await ports.state.put(CORE_GROUP_VOTES_SCOPE, votesName(caseRef, postingKey), fresh.votes.state);
      await ports.state.put<PendingPosting>(CORE_GROUP_POSTINGS_SCOPE, postingKey, { caseRef, round: postingKey, meetingKey: c.row.MeetingId });
      const posted = await ports.teams.postCard("coreGroup", card, cardPosted(caseRef, school?.SchoolName, c.row.KeyStage));
      await ports.state.put(CORE_GROUP_CARDS_SCOPE, caseRef, { caseRef, round: postingKey, posted, meetingKey: c.row.MeetingId } satisfies PostedCoreGroupCard);
      await ports.state.remove(CORE_GROUP_POSTINGS_SCOPE, postingKey);
      ports.log(`${caseRef}: Core Group card posted`);
      return posted;
    },
    {
      alreadyDone: async () => {
        const record = (await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))?.value;
        return record?.round === postingKey ? record.posted : undefined;
      },
    },
  );
  // The ledger remembers the card as first posted; posted again since ("show open cases"), the newest is the card.
  const now = (await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))?.value;
  return now?.round === postingKey ? now.posted : result;
}

interface PendingPosting {
  caseRef: string;
  round: string;
  meetingKey?: string | undefined;
}

/**
 * A press on a card whose posting was begun but never recorded (the attempt died, or lost Teams' answer, after
 * Teams took the card): the card pressed is that posting's, so it becomes the case's card. Without this the press
 * would find no card, and the retried effect would post a second one.
 *
 * @example
 * await adoptPostedCard(ports, "LNCIP-2026-0042", "LNCIP-2026-0042:4:postCoreGroupCard", { conversationId, messageId }) // true
 */
export async function adoptPostedCard(ports: CoreGroupPorts, caseRef: string, round: string, pressedOn: PostedCard): Promise<boolean> {
  // Recorded since the press read the case (the posting finished meanwhile, or another press adopted it): asked
  // first, as the posting removes its pending mark once it has recorded the card.
  const current = (await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))?.value;
  if (current?.round === round) return true;
  const pending = (await ports.state.get<PendingPosting>(CORE_GROUP_POSTINGS_SCOPE, round))?.value;
  if (!pending || pending.caseRef !== caseRef) return false;
  await ports.state.put(CORE_GROUP_CARDS_SCOPE, caseRef, { caseRef, round, posted: pressedOn, meetingKey: pending.meetingKey } satisfies PostedCoreGroupCard);
  ports.log(`${caseRef}: adopted the Core Group card pressed (its posting was not recorded)`);
  return true;
}

/**
 * Re-renders a case's shared card from current data and updates it for everyone: after a view, after a decision
 * (from Teams or typed into SharePoint by the Coordinator: the `updateCoreGroupCard` effect), and when the case
 * has rolled to another meeting (said once in the card's thread too). A case never posted is left alone.
 *
 * @example
 * await refreshCoreGroupCard(ports, "LNCIP-2026-0042")
 */
export async function refreshCoreGroupCard(ports: CoreGroupPorts, caseRef: string): Promise<void> {
  // Asked first, so a case never posted (no Teams channel yet, a decision typed in before any card) costs no Graph read.
  if (!(await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))) return ports.log(`${caseRef}: no Core Group card was posted, so there is none to update`);
  let c = await loadCaseOnCard(ports, caseRef);
  if (!c.record) return ports.log(`${caseRef}: no Core Group card was posted, so there is none to update`);
  c = await noticeRoll(ports, c);
  await ports.teams.updateCard(c.record!.posted, await renderCoreGroupCard(ports, c));
  await recordDecisionDetails(ports, c);
}

/**
 * A case heard at a meeting that has passed, still undecided, now assigned to another: the card says it rolled,
 * and the thread is told once.
 */
async function noticeRoll(ports: CoreGroupPorts, c: CaseOnCard): Promise<CaseOnCard> {
  const record = c.record!;
  const now = c.row.MeetingId;
  if (!now || now === record.meetingKey) return c;
  const previous = await meetingByKey(ports, record.meetingKey);
  const undecided = c.row.WorkflowStatus === "readyForCoreGroup";
  const rolled = undecided && previous !== undefined && previous.Date <= londonDay(ports.now());
  const next: PostedCoreGroupCard = { ...record, meetingKey: now, rolledFromKey: rolled ? previous.MeetingKey : record.rolledFromKey };
  await ports.state.put(CORE_GROUP_CARDS_SCOPE, record.caseRef, next);
  if (rolled && c.meeting) {
    await ports.ledger.once(`teams:rolled:${record.round}:${now}`, async () => {
      await ports.teams.replyInThread(record.posted, rolledToNextMeeting(record.caseRef, dayLabel(previous.Date), meetingLabel(onCard(c.meeting!))));
      return true;
    });
  }
  return { ...c, record: next };
}

/**
 * Adds the views given in Teams (and the members' comments) to the Decisions row of a decision recorded from this
 * card, once the row exists. The comments go to the Decisions list only, never to a card.
 */
export async function recordDecisionDetails(ports: CoreGroupPorts, c: CaseOnCard): Promise<void> {
  const decision = c.votes.state.decision;
  if (!decision || !c.record) return;
  const chairComment = (await ports.state.get<string>(CHAIR_COMMENTS_SCOPE, c.record.round))?.value;
  const key = `decisionDetails:${c.record.round}`;
  if ((await ports.ledger.get<boolean>(key)) !== undefined) return;
  const rows = await ports.decisions.all({ filter: `fields/CaseRef eq ${odataString(c.row.CaseRef)}` });
  const row = rows.find((i) => i.row.Source === "teams" && Date.parse(i.row.DecidedAt) === Date.parse(decision.at));
  if (!row) return; // the decision's own effects have not written it yet: the next refresh adds the details
  const views = Object.entries(c.votes.state.views);
  const votes = views.map(([member, v]) => `${c.panel.nameOf(member)}${v.givenBy !== member ? ` (deputy ${c.panel.nameOf(v.givenBy)})` : ""}: ${coreGroupOutcomeLabels[v.outcome]}`).join("; ");
  const comments = [chairComment ? `Chair: ${chairComment}` : undefined, ...views.filter(([, v]) => v.comment).map(([member, v]) => `${c.panel.nameOf(member)}: ${v.comment}`)].filter(Boolean).join("\n");
  await ports.ledger.once(key, async () => {
    await ports.decisions.update(row, { Votes: votes.slice(0, 1000), ...(comments ? { Comment: comments.slice(0, 2000) } : {}), MeetingId: c.row.MeetingId ?? null });
    return true;
  });
}
