import { createHash } from "node:crypto";
import { odataString } from "../../m365/odata";
import { z } from "zod";
import { caseStatusLabels, inclusionForumOutcomeLabels, inclusionForumOutcomeSchema } from "../../domain/case";
import { addSchoolDays, londonDay } from "../../domain/calendar";
import { agendaInputId, forumAgendaView, meetingLabel, type AgendaCase, type CardNotice } from "../../domain/coreGroup";
import type { CasesRow, MeetingsRow } from "../../domain/lists";
import { isReadable } from "../../m365/sharepoint/items";
import { inclusionForumAgendaCard } from "../../teams/cards/cardTemplates";
import type { AdaptiveCardJson, CardAction, CardActionHandler, PostedCard } from "../../teams/teamsChannel";
import { findCaseItem } from "../cases/findCase";
import { agendaPosted, agendaPressAnswers, agendaSupersededBy } from "../messages/inclusionForumMessages";
import { pressOnEarlierCopy } from "./earlierCopies";
import { FORUM_AGENDA_POSTINGS_SCOPE, FORUM_AGENDAS_SCOPE, type CoreGroupPorts } from "./coreGroupPorts";
import { meetingByKey, meetingsOfKind } from "./panelDirectory";
import { authorize } from "../../domain/access";

/** A posted Inclusion Forum agenda: where it is and the cases on it (those at posting, and any that joined since). */
export interface PostedAgenda {
  meetingKey: string;
  posted: PostedCard;
  caseRefs: string[];
  /** A hash of the card as this workflow last rendered it for the channel: a later run that renders anything else updates the card. */
  shown?: string;
  /** Earlier copies of this agenda, from before it was posted again ("show open cases"): they say so. */
  superseded?: PostedCard[] | undefined;
}

const hashOf = (card: AdaptiveCardJson) => createHash("sha256").update(JSON.stringify(card)).digest("base64url");

/** The verb of the agenda card's "Record outcome" buttons. */
export const inclusionForumVerbs = { recordOutcome: "inclusionForum.recordOutcome" } as const;

/** The agenda is posted this many school days before the forum. */
export const AGENDA_SCHOOL_DAYS_BEFORE = 2;

/**
 * The cases for a forum: those awaiting the Inclusion Forum that are assigned to it (MeetingId); when none is
 * assigned to it, every case awaiting the Inclusion Forum that is assigned to no meeting at all (a partnership
 * that does not schedule IF cases still gets an agenda, and a case assigned elsewhere never shows twice).
 *
 * @example
 * (await forumCases(ports, "IF-2026-12")).map((r) => r.CaseRef) // ["LNCIP-2026-0040", "LNCIP-2026-0041"]
 */
export async function forumCases(ports: CoreGroupPorts, meetingKey: string): Promise<CasesRow[]> {
  const waiting: CasesRow[] = [];
  // Status is indexed (a filter on it never meets the list view threshold); the workflow's own status decides.
  for (const item of await ports.cases.all({ filter: `fields/Status eq ${odataString(caseStatusLabels.awaitingInclusionForum)}` })) {
    if (item.row.WorkflowStatus === "awaitingInclusionForum") waiting.push(item.row);
  }
  const assigned = waiting.filter((r) => r.MeetingId === meetingKey);
  return (assigned.length ? assigned : waiting.filter((r) => !r.MeetingId)).sort((a, b) => a.CaseRef.localeCompare(b.CaseRef));
}

/**
 * A forum's agenda card as it stands, for the cases given (in their order), with an optional notice for the presser.
 *
 * @example
 * await renderAgenda(ports, meeting, ["LNCIP-2026-0040"]) // the agenda card: each case by reference, school and year group
 */
export async function renderAgenda(ports: CoreGroupPorts, meeting: MeetingsRow, caseRefs: readonly string[], notice?: CardNotice): Promise<AdaptiveCardJson> {
  const cases: AgendaCase[] = [];
  for (const ref of caseRefs) {
    const item = await findCaseItem(ports.cases, ref);
    if (!item || !isReadable(item)) continue;
    const r = item.row;
    const school = r.SchoolUrn !== undefined ? await ports.schools.byUrn(r.SchoolUrn) : undefined;
    cases.push({
      caseRef: ref,
      schoolName: school?.SchoolName ?? "School not in the Schools list",
      yearGroup: r.YearGroup,
      outcome: r.InclusionForumOutcome,
      caseUrl: await ports.caseUrl(item.id),
    });
  }
  return inclusionForumAgendaCard(forumAgendaView({ key: meeting.MeetingKey, date: meeting.Date, startTime: meeting.StartTime }, cases, notice));
}

/**
 * Posts a forum's agenda card into the Inclusion Forum channel, once per meeting. Run again after it was posted, it
 * keeps the card current for everyone: it adds the cases put on the forum since (a school's case scheduled late) and
 * shows every outcome recorded (two outcomes recorded at the same moment can each update the card from a reading
 * without the other's); the cases already on it stay, whatever their outcome. A card already current is left alone.
 *
 * @example
 * await postInclusionForumAgenda(ports, "IF-2026-12") // { meetingKey: "IF-2026-12", caseRefs: ["LNCIP-2026-0040", …], posted }
 */
export async function postInclusionForumAgenda(ports: CoreGroupPorts, meetingKey: string): Promise<PostedAgenda> {
  const { result } = await ports.ledger.once(
    `teams:ifAgenda:${meetingKey}`,
    async () => {
      // Posted before, by an attempt that never heard back from Teams, and adopted since by a press on it.
      const adopted = (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, meetingKey))?.value;
      if (adopted) return adopted;
      const meeting = await meetingByKey(ports, meetingKey);
      if (!meeting || meeting.Kind !== "inclusionForum") throw new Error(`There is no Inclusion Forum ${meetingKey} in the Meetings list.`);
      const caseRefs = (await forumCases(ports, meetingKey)).map((r) => r.CaseRef);
      const card = await renderAgenda(ports, meeting, caseRefs);
      // Saved before the post: if this attempt dies between Teams taking the card and the record below, the first
      // press on the card adopts it instead of finding no agenda (and a second agenda being posted).
      await ports.state.put(FORUM_AGENDA_POSTINGS_SCOPE, meetingKey, { meetingKey, caseRefs });
      const posted = await ports.teams.postCard("inclusionForum", card, agendaPosted(caseRefs.length));
      const agenda: PostedAgenda = { meetingKey, posted, caseRefs, shown: hashOf(card) };
      await ports.state.put(FORUM_AGENDAS_SCOPE, meetingKey, agenda);
      await ports.state.remove(FORUM_AGENDA_POSTINGS_SCOPE, meetingKey);
      return agenda;
    },
    { alreadyDone: async () => (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, meetingKey))?.value },
  );
  // The ledger remembers the agenda as first posted; the app state holds it as last kept current.
  return keepAgendaCurrent(ports, (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, meetingKey))?.value ?? result);
}

async function keepAgendaCurrent(ports: CoreGroupPorts, agenda: PostedAgenda): Promise<PostedAgenda> {
  const meeting = await meetingByKey(ports, agenda.meetingKey);
  if (!meeting) return agenda;
  const late = (await forumCases(ports, agenda.meetingKey)).map((r) => r.CaseRef).filter((ref) => !agenda.caseRefs.includes(ref));
  const caseRefs = [...agenda.caseRefs, ...late];
  const card = await renderAgenda(ports, meeting, caseRefs);
  if (!late.length && hashOf(card) === agenda.shown) return agenda;
  await ports.teams.updateCard(agenda.posted, card);
  const current: PostedAgenda = { ...agenda, caseRefs, shown: hashOf(card) };
  await ports.state.put(FORUM_AGENDAS_SCOPE, agenda.meetingKey, current);
  return current;
}

/**
 * Posts the agenda of every Inclusion Forum due within two school days (UK day), once each: what a timer calls.
 *
 * @example
 * await postDueInclusionForumAgendas(ports, new Date("2026-12-07T08:00:00Z")) // ["IF-2026-12"]
 */
export async function postDueInclusionForumAgendas(ports: CoreGroupPorts, now: Date): Promise<string[]> {
  const today = londonDay(now);
  const posted: string[] = [];
  for (const m of await meetingsOfKind(ports, "inclusionForum")) {
    if (m.Date < today || addSchoolDays(ports.calendar, m.Date, -AGENDA_SCHOOL_DAYS_BEFORE) > today) continue;
    await postInclusionForumAgenda(ports, m.MeetingKey);
    posted.push(m.MeetingKey);
  }
  return posted;
}

/** The agenda pressed on, when its posting was begun but never recorded: it becomes the forum's agenda. */
async function adoptPostedAgenda(ports: CoreGroupPorts, meetingKey: string, action: CardAction): Promise<PostedAgenda | undefined> {
  // Recorded since the press first looked (the posting finished meanwhile and removed its pending mark).
  const recorded = (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, meetingKey))?.value;
  if (recorded) return recorded;
  const pending = (await ports.state.get<{ meetingKey: string; caseRefs: string[] }>(FORUM_AGENDA_POSTINGS_SCOPE, meetingKey))?.value;
  if (!pending || !action.messageId) return undefined;
  const agenda: PostedAgenda = { meetingKey, posted: { conversationId: action.conversationId, messageId: action.messageId }, caseRefs: pending.caseRefs };
  await ports.state.put(FORUM_AGENDAS_SCOPE, meetingKey, agenda);
  return agenda;
}

const pressSchema = z.object({ caseRef: z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/), meetingKey: z.string().min(1).max(50) }).loose();

/**
 * Answers "Record outcome" on an agenda card: records the case's Inclusion Forum outcome through the state machine
 * (`recordInclusionForumOutcome`), then updates the agenda for everyone. Only an Inclusion Forum member (the People
 * list) may record, only on the forum's current agenda card, and the outcome is recorded as theirs by name and Entra
 * object id (never the display name Teams sends). Pressing again changes nothing; a different outcome for a case
 * already recorded is refused with the one recorded.
 *
 * @example
 * await inclusionForumCardActions(ports)({ verb: "inclusionForum.recordOutcome",
 *   data: { caseRef: "LNCIP-2026-0040", meetingKey: "IF-2026-12", "outcome:LNCIP-2026-0040": "advice" }, from: { id: "user-id-2" }, trigger: "manual", conversationId })
 */
export function inclusionForumCardActions(ports: CoreGroupPorts): CardActionHandler {
  return async (action) => {
    const parsed = pressSchema.safeParse(action.data);
    if (!parsed.success || action.verb !== inclusionForumVerbs.recordOutcome) return { kind: "error", statusCode: 400, message: agendaPressAnswers.notOurButton };
    const { caseRef, meetingKey } = parsed.data;
    const agenda = (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, meetingKey))?.value ?? (await adoptPostedAgenda(ports, meetingKey, action));
    const meeting = await meetingByKey(ports, meetingKey);
    if (!agenda || !meeting || !agenda.caseRefs.includes(caseRef)) return { kind: "message", text: agendaPressAnswers.notOnAgenda(caseRef) };
    const earlierCopy = pressOnEarlierCopy(agenda, action, agendaSupersededBy(meetingLabel({ key: meeting.MeetingKey, date: meeting.Date, startTime: meeting.StartTime })));
    if (earlierCopy) return earlierCopy;
    const current = async (notice?: CardNotice) => ({ kind: "card" as const, card: await renderAgenda(ports, meeting, agenda.caseRefs, notice) });
    if (action.trigger === "automatic") return current();
    // The press must be on the agenda card the app posted for this forum (not a copy, an old card or another chat).
    if (!action.messageId || action.messageId !== agenda.posted.messageId) return { kind: "message", text: agendaPressAnswers.notTheCurrentAgenda };
    const presser = await ports.people.presser(action.from);
    const allowed = authorize(presser, "recordInclusionForumOutcome", "teamsPress");
    if (!allowed.ok) {
      ports.log(`${caseRef}: an Inclusion Forum outcome press by someone who is not a forum member was refused`);
      return { kind: "message", text: allowed.message };
    }
    const chosen = inclusionForumOutcomeSchema.safeParse(action.data[agendaInputId(caseRef)]);
    if (!chosen.success) return current(agendaPressAnswers.chooseOutcome(caseRef));
    const applied = await ports.caseCommand(caseRef, { kind: "recordInclusionForumOutcome", outcome: chosen.data, by: presser.label, at: ports.now().toISOString() });
    if (!applied.ok) {
      const item = await findCaseItem(ports.cases, caseRef);
      const recorded = item && isReadable(item) ? item.row.InclusionForumOutcome : undefined;
      if (recorded === chosen.data) return current();
      return { kind: "message", text: recorded ? agendaPressAnswers.alreadyRecorded(caseRef, inclusionForumOutcomeLabels[recorded]) : applied.message };
    }
    const card = await renderAgenda(ports, meeting, agenda.caseRefs);
    await ports.teams.updateCard(agenda.posted, card);
    return { kind: "card", card };
  };
}
