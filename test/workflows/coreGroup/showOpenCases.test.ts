import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";
import { fakeTeamsChannel, type FakeTeamsChannel } from "../../support/fakeTeamsChannel";
import { demoPupil, privacyLeaks } from "../../support/privacyScan";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type SitesArea } from "../../../sandbox/graph/areas";
import { demoSite, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { localAppSettings } from "../../../sandbox/localSystem";
import { loadSettings } from "../../../src/settings/settings";
import { composeApp, type App } from "../../../src/app/composition";
import { addDays, londonDay } from "../../../src/domain/calendar";
import { agendaInputId } from "../../../src/domain/coreGroup";
import type { CaseCommand } from "../../../src/domain/case";
import type { CasesRow, MeetingsRow } from "../../../src/domain/lists";
import { PENDING_EFFECTS_SCOPE } from "../../../src/workflows/cases/caseEffects";
import {
  coreGroupCardActions,
  CORE_GROUP_CARDS_SCOPE,
  FORUM_AGENDAS_SCOPE,
  inclusionForumCardActions,
  postCoreGroupCard,
  postInclusionForumAgenda,
  showOpenCases,
  type CoreGroupPorts,
  type PostedAgenda,
  type PostedCoreGroupCard,
} from "../../../src/workflows/coreGroup";
import type { AdaptiveCardJson, CardAction, CardActionResult, PostedCard } from "../../../src/teams/teamsChannel";
import { shownCardText } from "../../support/shownCardText";
import { carryOutQueuedCaseEffects } from "../../support/caseEffectsQueue";

/**
 * "Show open cases" against the Graph sandbox and Azurite, with an in-memory Teams channel: the open cases' cards
 * and the coming forums' agendas posted once more as their current cards, the earlier copies marked, and every
 * press, update and decision going to the newest post — never a second round, a second effect or a lost view.
 */
let azurite: TestAzurite;
let graph: GraphSandbox;
let app: App;
let teams: FakeTeamsChannel;
let ports: CoreGroupPorts;
let sites: SitesArea;
let siteId: string;
const at = "2026-11-26T10:00:00.000Z";
/** The card's JSON with its Markdown escapes undone: the words as Teams shows them. */
const text = (card: AdaptiveCardJson | undefined) => shownCardText(card);
const today = londonDay(new Date());
const cardOf = (ref: string) => app.tables.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, ref).then((r) => r!.value);
const postsAbout = (ref: string) => teams.messages.filter((m) => text(m.card).includes(ref) || m.summary.includes(ref));
const cardText = (r: CardActionResult) => text(r.kind === "card" ? r.card : undefined);

async function addCase(ref: string, status: CasesRow["WorkflowStatus"], extra: Partial<CasesRow> & Record<string, unknown> = {}): Promise<void> {
  const row = {
    CaseRef: ref, Status: status, WorkflowStatus: status, Named: true, KeyStage: "KS3", ReceivedAt: "2026-11-02T09:00:00Z", WorkflowVersion: 3,
    RequestType: "partnershipReferral", SchoolUrn: "120345", YearGroup: 9, ParentalConsent: true, SupportRequested: "inSchoolSupport",
    PreviousIfCase: "LNCIP-2026-0001", ...demoPupil, IfOverrideBy: "director@lncip.example", FundingSources: ["awpu"], MeetingId: "CG-DEMO-1", ...extra,
  } as unknown as CasesRow;
  await app.lists.cases.create(row);
}

async function readyForCoreGroup(ref: string): Promise<PostedCoreGroupCard> {
  await addCase(ref, "triage");
  const result = await app.caseCommand(ref, { kind: "markReadyForCoreGroup", by: "director@lncip.example", at } as CaseCommand);
  expect(result.ok).toBe(true);
  return cardOf(ref);
}

function press(verb: string, who: string, data: Record<string, unknown>, on: PostedCard): Promise<CardActionResult> {
  const action: CardAction = { verb, data, from: { id: who }, trigger: "manual", conversationId: on.conversationId, messageId: on.messageId };
  return (verb.startsWith("coreGroup.") ? coreGroupCardActions(ports) : inclusionForumCardActions(ports))(action);
}

beforeAll(async () => {
  azurite = await startTestAzurite();
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  sites = graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  teams = fakeTeamsChannel();
  app = composeApp(loadSettings(localAppSettings(azurite.connectionString, graph, 9)), { teams, log: () => undefined });
  ports = app.ports.coreGroup!;
  // Meetings of this file's own: a Core Group and a forum still to come, and a forum that has passed.
  for (const m of await app.lists.meetings.readAll()) await app.lists.meetings.delete(m.id);
  for (const m of [
    { MeetingKey: "CG-DEMO-1", Kind: "coreGroup", Date: addDays(today, 7), StartTime: "16:00", AgendaSize: 6 },
    { MeetingKey: "IF-DEMO-1", Kind: "inclusionForum", Date: addDays(today, 1), StartTime: "09:30", AgendaSize: 10 },
    { MeetingKey: "IF-PAST", Kind: "inclusionForum", Date: addDays(today, -7), StartTime: "09:30", AgendaSize: 10 },
  ] as MeetingsRow[]) await app.lists.meetings.create(m);
}, 90_000);
afterAll(async () => {
  await graph?.close();
  await azurite?.stop();
});

describe("show open cases: the Core Group cards", () => {
  let first: PostedCoreGroupCard;

  it("posts each open case's card once more as its current card, with the views given so far, and marks the earlier copy", async () => {
    first = await readyForCoreGroup("LNCIP-2026-0101");
    await press("coreGroup.giveView", "user-id-1", { caseRef: first.caseRef, round: first.round, outcome: "inSchoolSupport" }, first.posted);
    const shown = await showOpenCases(ports, ["coreGroup"], "request-1");
    expect(shown.coreGroup).toEqual(["LNCIP-2026-0101"]);
    expect(shown.reply).toBe("Posted again: 1 Core Group card. Use the newest posts; the earlier copies now say so.");

    const now = await cardOf(first.caseRef);
    expect(now.round).toBe(first.round); // the same posting: its views, its effect key
    expect(now.posted).not.toEqual(first.posted);
    expect(now.superseded).toEqual([first.posted]);
    const newest = teams.message(now.posted);
    expect(newest.channel).toBe("coreGroup");
    expect(newest.summary).toBe("LNCIP-2026-0101 (Oakfield Academy, KS3): its Core Group card, posted again");
    expect(text(newest.card)).toContain("Views from 1 of the 3 schools needed.");
    expect(text(newest.card)).toContain("coreGroup.giveView");
    const earlier = teams.message(first.posted).card;
    expect(text(earlier)).toContain("This card has been posted again as a newer post in this channel");
    expect(text(earlier)).not.toContain("Action.");
    expect(privacyLeaks(teams.everything())).toEqual([]);
  });

  it("sends every later press and update to the newest post; a press on the earlier copy changes nothing and points to the newest", async () => {
    const now = await cardOf(first.caseRef);
    const onEarlier = await press("coreGroup.giveView", "user-id-2", { caseRef: first.caseRef, round: first.round, outcome: "managedMoveOrFreshStart" }, first.posted);
    expect(cardText(onEarlier)).toContain("posted again as a newer post");
    expect(text(teams.message(now.posted).card)).toContain("Views from 1 of the 3 schools needed.");

    for (const who of ["user-id-2", "user-id-3"]) await press("coreGroup.giveView", who, { caseRef: first.caseRef, round: first.round, outcome: "inSchoolSupport" }, now.posted);
    expect(text(teams.message(now.posted).card)).toContain("quorum (3) met");
    const decided = await press("coreGroup.recordDecision", "user-id-0", { caseRef: first.caseRef, round: first.round, decision: "inSchoolSupport" }, now.posted);
    expect(cardText(decided)).toContain("Decision recorded: Partnership in-school support.");
    // The chair is answered once the decision is committed; the card everyone sees and the Decisions row follow from the queue.
    expect(await carryOutQueuedCaseEffects(app, azurite.connectionString)).toBeGreaterThan(0);
    expect(text(teams.message(now.posted).card)).toContain("Decision: Partnership in-school support");
    // The earlier copy kept its line: it was never put back to a card with buttons.
    expect(text(teams.message(first.posted).card)).not.toContain("Action.");
    expect(sites.items(siteId, "Decisions").filter((d) => d.fields.CaseRef === first.caseRef)).toHaveLength(1);
  });

  it("never turns a re-post into a second effect: the posting effect run again finds the card as it now is", async () => {
    const before = teams.messages.length;
    const card = await cardOf(first.caseRef);
    expect(await postCoreGroupCard(ports, first.caseRef, first.round)).toEqual(card.posted);
    expect(teams.messages.length).toBe(before);
  });

  it("leaves out decided cases, and cases whose card is still to be posted for a new round; the same request twice posts once", async () => {
    const open = await readyForCoreGroup("LNCIP-2026-0102");
    // LNCIP-2026-0103: ready for Core Group again (reopened) while there was no channel: its new card is pending.
    await readyForCoreGroup("LNCIP-2026-0103");
    await app.tables.state.put(PENDING_EFFECTS_SCOPE, "LNCIP-2026-0103:9:postCoreGroupCard", { caseRef: "LNCIP-2026-0103", effect: { kind: "postCoreGroupCard", key: "LNCIP-2026-0103:9:postCoreGroupCard" } });
    const before = teams.messages.length;
    const shown = await showOpenCases(ports, ["coreGroup"], "request-2");
    expect(shown.coreGroup).toEqual(["LNCIP-2026-0102"]); // not 0101 (decided), not 0103 (pending)
    expect(teams.messages.length).toBe(before + 1);
    expect((await showOpenCases(ports, ["coreGroup"], "request-2")).coreGroup).toEqual([]);
    expect(teams.messages.length).toBe(before + 1);
    expect((await cardOf(open.caseRef)).superseded).toEqual([open.posted]);
    await app.tables.state.remove(PENDING_EFFECTS_SCOPE, "LNCIP-2026-0103:9:postCoreGroupCard");
  });

  it("posts a card again each time it is asked, each earlier copy marked, one card current", async () => {
    const ref = "LNCIP-2026-0102";
    await showOpenCases(ports, ["coreGroup"], "request-3");
    const now = await cardOf(ref);
    expect(now.superseded).toHaveLength(2);
    for (const p of now.superseded!) expect(text(teams.message(p).card)).toContain("posted again as a newer post");
    expect(text(teams.message(now.posted).card)).toContain("coreGroup.giveView");
    expect(postsAbout(ref).filter((m) => text(m.card).includes("coreGroup.giveView"))).toHaveLength(1);
  });
});

describe("show open cases: the Inclusion Forum agenda", () => {
  it("posts the agenda of a forum still to come again (not one that has passed) and records outcomes on the newest post only", async () => {
    await addCase("LNCIP-2026-0150", "awaitingInclusionForum", { RequestType: "inclusionForum", MeetingId: "IF-DEMO-1", PreviousIfCase: undefined });
    const agenda = await postInclusionForumAgenda(ports, "IF-DEMO-1");
    await app.tables.state.put(FORUM_AGENDAS_SCOPE, "IF-PAST", { ...agenda, meetingKey: "IF-PAST" } satisfies PostedAgenda);
    const shown = await showOpenCases(ports, ["inclusionForum"], "request-4");
    expect(shown).toMatchObject({ coreGroup: [], agendas: ["IF-DEMO-1"], reply: "Posted again: 1 Inclusion Forum agenda. Use the newest posts; the earlier copies now say so." });
    const now = (await app.tables.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, "IF-DEMO-1"))!.value;
    expect(now.superseded).toEqual([agenda.posted]);
    expect(teams.message(now.posted).channel).toBe("inclusionForum");
    expect(text(teams.message(agenda.posted).card)).toContain("This agenda has been posted again");

    const data = { caseRef: "LNCIP-2026-0150", meetingKey: "IF-DEMO-1", [agendaInputId("LNCIP-2026-0150")]: "advice" };
    expect(cardText(await press("inclusionForum.recordOutcome", "user-id-2", data, agenda.posted))).toContain("This agenda has been posted again");
    expect(sites.items(siteId, "Cases").find((i) => i.fields.Title === "LNCIP-2026-0150")?.fields.InclusionForumOutcome).toBeUndefined();
    await press("inclusionForum.recordOutcome", "user-id-2", data, now.posted);
    expect(text(teams.message(now.posted).card)).toContain("Outcome: Advice");
    expect(text(teams.message(agenda.posted).card)).not.toContain("Action.");
  });

  it("says so when there is nothing to post again", async () => {
    const empty = await showOpenCases({ ...ports, teams: fakeTeamsChannel() }, [], "request-5");
    expect(empty.reply).toBe("No case is waiting for the Core Group and no Inclusion Forum agenda is open, so there is nothing to post again.");
  });
});
