import { caseStatusLabels } from "../../domain/case";
import { londonDay } from "../../domain/calendar";
import { meetingLabel } from "../../domain/coreGroup";
import { odataString } from "../../m365/odata";
import { EffectInProgressError } from "../../m365/tables/effectLedger";
import { postedAgainCard } from "../../teams/cards/cardTemplates";
import type { PanelChannel, PostedCard } from "../../teams/teamsChannel";
import { PENDING_EFFECTS_SCOPE } from "../cases/caseEffects";
import { agendaPostedAgain, agendaSupersededBy } from "../messages/inclusionForumMessages";
import { cardPostedAgain, cardSupersededBy, openCasesShown } from "../messages/coreGroupPanelMessages";
import { loadCaseOnCard, renderCoreGroupCard, type PostedCoreGroupCard } from "./coreGroupCard";
import { CORE_GROUP_CARDS_SCOPE, FORUM_AGENDAS_SCOPE, type CoreGroupPorts } from "./coreGroupPorts";
import { forumCases, renderAgenda, type PostedAgenda } from "./inclusionForum";
import { meetingByKey } from "./panelDirectory";

/**
 * "Show open cases": each open case's Core Group card, and each forum's agenda still to come, posted once more as
 * its current card — what a person asks for after reloading the Agents Playground (whose page shows only what
 * arrives while it is open), after choosing a panel's channel again, or by typing "show open cases" in the channel
 * in Teams. One card stays current for everyone: the new post becomes the case's card (presses, updates, reminders
 * and the decision all go to it), and each earlier copy is replaced by a line pointing to the newest post, without
 * buttons. A press that still reaches an earlier copy changes nothing and gets that line back (`pressOnEarlierCopy`).
 *
 * This is not the `postCoreGroupCard` effect: the effect's ledger key (`teams:post:<posting>`) and the posting's
 * round (the votes) stay as they were, so a re-post never replays an effect, never starts a new round, and a
 * retried effect still finds its card. Each re-post is done once per request (`requestKey`: the Teams activity's
 * id), so a retried request posts nothing twice.
 */

/** How many earlier copies of a card are remembered (presses on older ones are answered as out of date). */
const KEEP_SUPERSEDED = 20;

/** What showing the open cases did: the cards posted again, by panel, and the bot's answer to the person who asked. */
export interface OpenCasesShown {
  coreGroup: string[];
  agendas: string[];
  reply: string;
}

/**
 * Posts again the current cards of a panel's open cases (Core Group: every case waiting for its decision whose card
 * was posted; Inclusion Forum: every agenda of a forum today or later) in the panel's channel.
 *
 * @example
 * await showOpenCases(ports, ["coreGroup"], "activity-17")
 * // { coreGroup: ["LNCIP-2026-0002"], agendas: [], reply: "Posted again: 1 Core Group card. Use the newest posts; …" }
 */
export async function showOpenCases(ports: CoreGroupPorts, panels: readonly PanelChannel[], requestKey: string): Promise<OpenCasesShown> {
  const coreGroup = panels.includes("coreGroup") ? await postCoreGroupCardsAgain(ports, requestKey) : [];
  const agendas = panels.includes("inclusionForum") ? await postAgendasAgain(ports, requestKey) : [];
  return { coreGroup, agendas, reply: openCasesShown(coreGroup.length, agendas.length) };
}

async function postCoreGroupCardsAgain(ports: CoreGroupPorts, requestKey: string): Promise<string[]> {
  // A card still to be posted for its case's current round (kept while there was no channel) is posted by the round
  // that carries out pending effects; showing its earlier round's card again would show old views.
  const pending = new Set(
    (await ports.state.list<{ caseRef: string; effect: { kind: string } }>(PENDING_EFFECTS_SCOPE)).filter((p) => p.value.effect.kind === "postCoreGroupCard").map((p) => p.value.caseRef),
  );
  // Status is indexed (a filter on it never meets the list view threshold); the workflow's own status decides.
  const waiting = (await ports.cases.all({ filter: `fields/Status eq ${odataString(caseStatusLabels.readyForCoreGroup)}` }))
    .filter((i) => i.row.WorkflowStatus === "readyForCoreGroup" && !pending.has(i.row.CaseRef))
    .map((i) => i.row.CaseRef)
    .sort();
  const shown: string[] = [];
  for (const caseRef of waiting) {
    try {
      const { result, firstTime } = await ports.ledger.once(`teams:postAgain:${caseRef}:${requestKey}`, async () => {
        const c = await loadCaseOnCard(ports, caseRef);
        if (!c.record) return false; // never posted: nothing to show again
        const school = c.row.SchoolUrn !== undefined ? await ports.schools.byUrn(c.row.SchoolUrn) : undefined;
        const posted = await ports.teams.postCard("coreGroup", await renderCoreGroupCard(ports, c), cardPostedAgain(caseRef, school?.SchoolName, c.row.KeyStage));
        const earlier = c.record.posted;
        // Read again before saving: a press may have moved the record on (a roll noticed) while the card was posted.
        const now = (await ports.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, caseRef))?.value ?? c.record;
        await ports.state.put(CORE_GROUP_CARDS_SCOPE, caseRef, { ...now, posted, superseded: [...(now.superseded ?? []), earlier].slice(-KEEP_SUPERSEDED) } satisfies PostedCoreGroupCard);
        await supersede(ports, earlier, cardSupersededBy(caseRef));
        ports.log(`${caseRef}: Core Group card posted again`);
        return true;
      });
      if (result && firstTime) shown.push(caseRef);
    } catch (e) {
      // The same request being handled by another instance right now: it posts this card.
      if (!(e instanceof EffectInProgressError)) throw e;
    }
  }
  return shown;
}

async function postAgendasAgain(ports: CoreGroupPorts, requestKey: string): Promise<string[]> {
  const today = londonDay(ports.now());
  const shown: string[] = [];
  for (const { value: agenda } of (await ports.state.list<PostedAgenda>(FORUM_AGENDAS_SCOPE)).sort((a, b) => a.name.localeCompare(b.name))) {
    const meeting = await meetingByKey(ports, agenda.meetingKey);
    if (!meeting || meeting.Date < today) continue;
    try {
      const { result, firstTime } = await ports.ledger.once(`teams:postAgain:${agenda.meetingKey}:${requestKey}`, async () => {
        const current = (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, agenda.meetingKey))?.value ?? agenda;
        const late = (await forumCases(ports, agenda.meetingKey)).map((r) => r.CaseRef).filter((ref) => !current.caseRefs.includes(ref));
        const caseRefs = [...current.caseRefs, ...late];
        const posted = await ports.teams.postCard("inclusionForum", await renderAgenda(ports, meeting, caseRefs), agendaPostedAgain(caseRefs.length));
        const latest = (await ports.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, agenda.meetingKey))?.value ?? current;
        await ports.state.put(FORUM_AGENDAS_SCOPE, agenda.meetingKey, { ...latest, caseRefs, posted, shown: undefined, superseded: [...(latest.superseded ?? []), current.posted].slice(-KEEP_SUPERSEDED) } satisfies PostedAgenda);
        await supersede(ports, current.posted, agendaSupersededBy(meetingLabel({ key: meeting.MeetingKey, date: meeting.Date, startTime: meeting.StartTime })));
        ports.log(`${agenda.meetingKey}: Inclusion Forum agenda posted again`);
        return true;
      });
      if (result && firstTime) shown.push(agenda.meetingKey);
    } catch (e) {
      if (!(e instanceof EffectInProgressError)) throw e;
    }
  }
  return shown;
}

/** Replaces an earlier copy with the line pointing to the newest post; a copy Teams no longer has is left as it is. */
async function supersede(ports: CoreGroupPorts, earlier: PostedCard, words: { title: string; text: string }): Promise<void> {
  try {
    await ports.teams.updateCard(earlier, postedAgainCard(words));
  } catch (e) {
    ports.log(`An earlier copy of a card could not be marked as posted again (${e instanceof Error ? e.name : "error"}); the newest post is the one in use`);
  }
}
