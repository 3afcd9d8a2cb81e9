import { graphItems } from "../../src/m365/sharepoint/items";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAzurite, type TestAzurite } from "../support/azurite";
import { fakeTeamsChannel, type FakeTeamsChannel } from "../support/fakeTeamsChannel";
import { demoPupil, privacyLeaks } from "../support/privacyScan";
import { startGraphSandbox, type GraphSandbox } from "../../sandbox/graph/server";
import { defaultAreas, type SitesArea } from "../../sandbox/graph/areas";
import { demoSite, seedDemoTenant } from "../../sandbox/demo/demoTenant";
import { localAppSettings } from "../../sandbox/localSystem";
import { loadSettings } from "../../src/settings/settings";
import { composeApp, type App } from "../../src/app/composition";
import type { CasesRow, MeetingsRow } from "../../src/domain/lists";
import type { CaseCommand, CoreGroupOutcome } from "../../src/domain/case";
import { PENDING_EFFECTS_SCOPE } from "../../src/workflows/cases/caseEffects";
import { FORUM_AGENDAS_SCOPE } from "../../src/workflows/coreGroup/coreGroupPorts";
import type { PostedAgenda } from "../../src/workflows/coreGroup/inclusionForum";
import { carryOutPendingCardEffects, coreGroupCardActions, CORE_GROUP_CARDS_SCOPE, inclusionForumCardActions, postCoreGroupCard, postDueInclusionForumAgendas, postInclusionForumAgenda, remindCoreGroupMembers, type CoreGroupPorts, type PostedCoreGroupCard } from "../../src/workflows/coreGroup";
import { agendaInputId } from "../../src/domain/coreGroup";
import type { AdaptiveCardJson, CardAction, CardActionResult } from "../../src/teams/teamsChannel";
import { shownCardText } from "../support/shownCardText";
import { carryOutQueuedCaseEffects as carryOutQueuedEffectsOf } from "../support/caseEffectsQueue";

/**
 * The Core Group and Inclusion Forum card workflows against the Graph sandbox and Azurite, with an in-memory Teams
 * channel: several members press buttons as the bot would hand them over.
 */
let azurite: TestAzurite;
let graph: GraphSandbox;
let app: App;
/** The same app without a Teams channel (no bot yet). */
let noTeams: App;
let teams: FakeTeamsChannel;
let handlers: { coreGroup: ReturnType<typeof coreGroupCardActions>; inclusionForum: ReturnType<typeof inclusionForumCardActions> };
/** The card workflows' ports, with another Teams channel when one is given. */
const cgPorts = (channel: FakeTeamsChannel = teams): CoreGroupPorts => ({ ...app.ports.coreGroup!, teams: channel });
/** App state as a press sees it that read `name` a moment before it was written: missing on that first read only. */
function firstReadMissing(state: CoreGroupPorts["state"], scope: string, name: string): CoreGroupPorts["state"] {
  let early = true;
  const get = (async (s: string, n: string) => {
    if (early && s === scope && n === name) {
      early = false;
      return undefined;
    }
    return state.get(s, n);
  }) as typeof state.get;
  return { ...state, get };
}
const results: CardActionResult[] = [];
const at = "2026-11-26T10:00:00.000Z";
const log = () => undefined;
let sites: SitesArea;
let siteId: string;

const item = (ref: string) => sites.items(siteId, "Cases").find((i) => i.fields.Title === ref);
const decisionsFor = (ref: string) => sites.items(siteId, "Decisions").filter((d) => d.fields.CaseRef === ref);
/** The card's JSON with its Markdown escapes undone: the words as Teams shows them. */
const text = (card: AdaptiveCardJson | undefined) => shownCardText(card);

async function addMeeting(row: MeetingsRow): Promise<void> {
  await app.lists.meetings.create(row);
}

/** A case with a real-looking pupil's identity and free text in its row, at the given status. */
async function addCase(ref: string, status: CasesRow["WorkflowStatus"], extra: Partial<CasesRow> & Record<string, unknown> = {}): Promise<void> {
  const row = {
    CaseRef: ref, Status: status, WorkflowStatus: status, Named: true, KeyStage: "KS3", ReceivedAt: "2026-11-02T09:00:00Z", WorkflowVersion: 3,
    RequestType: "partnershipReferral", SchoolUrn: "120345", YearGroup: 9, ParentalConsent: true, PupilPremium: true, LookedAfter: false, AttendancePercent: 78.5,
    SuspensionsThisYear: 2, SupportRequested: "inSchoolSupport", PreviousIfCase: "LNCIP-2026-0007", ...demoPupil, IfOverrideBy: "director@lncip.example", FundingSources: ["awpu"], ...extra,
  } as unknown as CasesRow;
  await app.lists.cases.create(row);
}

/** Puts a case through markReadyForCoreGroup with the Teams channel wired: the card is posted by the effect. */
async function readyForCoreGroup(ref: string, meetingId = "CG-2026-12-03"): Promise<PostedCoreGroupCard> {
  await addCase(ref, "triage", { MeetingId: meetingId });
  const result = await app.caseCommand(ref, { kind: "markReadyForCoreGroup", by: "director@lncip.example", at } as CaseCommand);
  expect(result.ok).toBe(true);
  return (await app.tables.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, ref))!.value;
}

async function press(verb: string, who: string, data: Record<string, unknown>, trigger: "manual" | "automatic" = "manual", onMessage?: string): Promise<CardActionResult> {
  // A press on an agenda is made on the agenda card the app posted (Teams sends its message id as replyToId).
  const agenda = verb.startsWith("inclusionForum.") ? (await app.tables.state.get<PostedAgenda>(FORUM_AGENDAS_SCOPE, String(data.meetingKey)))?.value : undefined;
  const action: CardAction = { verb, data, from: { id: who }, trigger, conversationId: agenda?.posted.conversationId ?? "19:coreGroup@thread.tacv2", messageId: onMessage ?? agenda?.posted.messageId };
  const result = await (verb.startsWith("coreGroup.") ? handlers.coreGroup : handlers.inclusionForum)(action);
  results.push(result);
  return result;
}
const view = (record: PostedCoreGroupCard, who: string, outcome: CoreGroupOutcome, comment?: string, trigger: "manual" | "automatic" = "manual") =>
  press("coreGroup.giveView", who, { caseRef: record.caseRef, round: record.round, outcome, comment: comment ?? "" }, trigger);
const decide = (record: PostedCoreGroupCard, who: string, decision: CoreGroupOutcome, comment?: string) =>
  press("coreGroup.recordDecision", who, { caseRef: record.caseRef, round: record.round, decision, comment: comment ?? "" });
const sharedCard = (record: PostedCoreGroupCard) => teams.message(record.posted).card;

/** What the case-effects function does in the host: the effects a press queued (the chair was answered first). */
const carryOutQueuedCaseEffects = () => carryOutQueuedEffectsOf(app, azurite.connectionString);

beforeAll(async () => {
  azurite = await startTestAzurite();
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  sites = graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const settings = loadSettings(localAppSettings(azurite.connectionString, graph, 9));
  teams = fakeTeamsChannel();
  app = composeApp(settings, { teams, log });
  noTeams = composeApp(settings, { log });
  handlers = { coreGroup: coreGroupCardActions(cgPorts()), inclusionForum: inclusionForumCardActions(cgPorts()) };
  // This file's meetings only: the demo tenant's own calendar of meetings would share their dates and keys.
  for (const m of await app.lists.meetings.readAll()) await app.lists.meetings.delete(m.id);
  for (const m of [
    { MeetingKey: "CG-2026-11-26", Kind: "coreGroup", Date: "2026-11-26", StartTime: "16:00", AgendaSize: 6 },
    { MeetingKey: "CG-2026-12-03", Kind: "coreGroup", Date: "2026-12-03", StartTime: "16:00", AgendaSize: 6 },
    { MeetingKey: "CG-2026-12-10", Kind: "coreGroup", Date: "2026-12-10", StartTime: "16:00", AgendaSize: 6, Chair: "user-id-1" },
    { MeetingKey: "IF-2026-12", Kind: "inclusionForum", Date: "2026-12-09", StartTime: "09:30", AgendaSize: 10 },
  ] as MeetingsRow[]) await addMeeting(m);
  await app.lists.coreGroupPanel.create({ PanelKey: "deputy:CG-2026-12-03:user-id-5", MemberId: "deputy-meadowbank", MemberName: "Deputy head, Meadowbank", Role: "deputy", DeputyFor: "user-id-5", MeetingKey: "CG-2026-12-03" });
  await addCase("LNCIP-2026-0007", "inclusionForumOutcome", { RequestType: "inclusionForum", InclusionForumOutcome: "referToPartnership", PreviousIfCase: undefined });
}, 90_000);
afterAll(async () => {
  await graph?.close();
  await azurite?.stop();
});

describe("the Core Group card in Teams", () => {
  let record: PostedCoreGroupCard;

  it("is posted once when the case becomes ready for Core Group, with the case's facts and no identity", async () => {
    record = await readyForCoreGroup("LNCIP-2026-0042");
    await postCoreGroupCard(cgPorts(), record.caseRef, record.round); // a repeated effect
    const posts = teams.messages.filter((m) => m.card.body && text(m.card).includes("LNCIP-2026-0042"));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.channel).toBe("coreGroup");
    const card = text(posts[0]!.card);
    for (const s of ["Oakfield Academy · Year 9 · KS3", "SEND: yes", "Pupil premium", "Partnership in-school support", "LNCIP-2026-0007", "Refer to Partnership", "Thursday 3 December 2026, 16:00", "KS3 places left", "DispForm.aspx?ID="]) expect(card).toContain(s);
    expect(privacyLeaks(card)).toEqual([]);
  });

  it("gives each member their own view back and updates the shared card's tally for everyone", async () => {
    const first = await view(record, "user-id-1", "inSchoolSupport", `${demoPupil.PupilFirstName} needs a mentor`);
    expect(first.kind).toBe("card");
    expect(text(first.kind === "card" ? first.card : undefined)).toContain("Your view: Partnership in-school support (with a comment for the record).");
    expect(text(sharedCard(record))).toContain("Views from 1 of the 3 schools needed.");
    await view(record, "user-id-2", "schoolContinuesWithAdvice");
    await view(record, "user-id-2", "inSchoolSupport"); // changes their mind: still one view for the school
    const shared = text(sharedCard(record));
    expect(shared).toContain("Views from 2 of the 3 schools needed.");
    expect(shared).toContain('{"title":"Partnership in-school support","value":"2"}');
    expect(shared).not.toContain("Your view:");
    expect(shared).not.toContain(demoPupil.PupilFirstName);
  });

  it("refuses a non-member with a message and changes nothing", async () => {
    const before = teams.message(record.posted).versions.length;
    expect(await view(record, "user-id-9", "inSchoolSupport")).toEqual({ kind: "message", text: expect.stringContaining("Only Core Group members") });
    expect(teams.message(record.posted).versions.length).toBe(before);
  });

  it("answers an automatic refresh with the presser's own view only, never updating the shared card", async () => {
    const before = teams.message(record.posted).versions.length;
    const own = await press("coreGroup.refresh", "user-id-1", { caseRef: record.caseRef, round: record.round }, "automatic");
    expect(text(own.kind === "card" ? own.card : undefined)).toContain("Your view: Partnership in-school support");
    await view(record, "user-id-3", "programmeManagementFullTime", undefined, "automatic");
    expect(teams.message(record.posted).versions.length).toBe(before);
    expect(text(sharedCard(record))).toContain("Views from 2 of the 3 schools needed.");
  });

  it("lets the chair record a decision only once quorum is met, and only the chair", async () => {
    expect(await decide(record, "user-id-0", "inSchoolSupport")).toEqual({ kind: "message", text: expect.stringContaining("1 more school") });
    expect(text(sharedCard(record))).not.toContain("coreGroup.recordDecision");
    // A named deputy's view counts for their member's school.
    const deputy = await view(record, "deputy-meadowbank", "inSchoolSupport");
    expect(text(deputy.kind === "card" ? deputy.card : undefined)).toContain("Your view: Partnership in-school support");
    expect(text(sharedCard(record))).toContain("quorum (3) met");
    expect(text(sharedCard(record))).toContain("coreGroup.recordDecision");
    expect(await decide(record, "user-id-1", "inSchoolSupport")).toEqual({ kind: "message", text: expect.stringContaining("Only this meeting's chair") });
    expect(decisionsFor(record.caseRef)).toHaveLength(0);
  });

  it("records one decision however the chair's presses collide, moves the case on and writes one Decisions row", async () => {
    const pressed = await Promise.all([
      decide(record, "user-id-0", "inSchoolSupport", "Review at half term"),
      decide(record, "user-id-0", "inSchoolSupport", "Review at half term"),
      decide(record, "user-id-0", "schoolContinuesWithAdvice"),
    ]);
    expect(pressed.filter((r) => r.kind === "message")).toHaveLength(1);
    // The chair was answered once the decision was committed; its effects follow from the queue (once each).
    expect(item(record.caseRef)?.fields).toMatchObject({ Status: "Decided", CoreGroupOutcome: "Partnership in-school support" });
    expect(await carryOutQueuedCaseEffects()).toBeGreaterThan(0);
    await carryOutQueuedCaseEffects();
    expect(decisionsFor(record.caseRef)).toHaveLength(1);
    const decision = decisionsFor(record.caseRef)[0]!.fields;
    expect(decision).toMatchObject({ Outcome: "Partnership in-school support", Source: "Teams", DecidedBy: "Alex Wilber (00000000-0000-0000-0000-0000000000020)", MeetingId: "CG-2026-12-03" });
    expect(decision.Votes).toContain("Head of Brookside School: Partnership in-school support");
    expect(decision.Votes).toContain("(deputy Deputy head, Meadowbank)");
    expect(decision.Comment).toContain("Chair: Review at half term");
    expect(item(record.caseRef)?.fields).toMatchObject({ Status: "Decided", CoreGroupOutcome: "Partnership in-school support" });
    const shared = text(sharedCard(record));
    expect(shared).toContain("Decision: Partnership in-school support");
    expect(shared).toContain("Recorded by Alex Wilber (00000000-0000-0000-0000-0000000000020) on");
    expect(shared).not.toContain("Action.Execute");
    // A later press on the decided card changes nothing.
    expect(await decide(record, "user-id-0", "schoolContinuesWithAdvice")).toMatchObject({ kind: "message" });
    expect(await view(record, "user-id-4", "inSchoolSupport")).toMatchObject({ kind: "card" });
    await carryOutQueuedCaseEffects();
    expect(decisionsFor(record.caseRef)).toHaveLength(1);
  });

  it("shows a press on a stale card (an earlier posting) the case as it stands, and changes nothing", async () => {
    const stale = await press("coreGroup.giveView", "user-id-3", { caseRef: record.caseRef, round: "an-earlier-posting", outcome: "inSchoolSupport" });
    expect(text(stale.kind === "card" ? stale.card : undefined)).toContain("This card was out of date");
    expect(decisionsFor(record.caseRef)).toHaveLength(1);
  });

  it("updates the card for everyone when the Coordinator records the decision in SharePoint", async () => {
    const other = await readyForCoreGroup("LNCIP-2026-0043");
    await view(other, "user-id-1", "managedMoveOrFreshStart");
    const id = item(other.caseRef)!.id;
    // The Coordinator records it in SharePoint's form (typing a "decided by" of their own, which is never read).
    sites.patchAsPerson(siteId, "Cases", id, { CoreGroupOutcome: "Managed move / fresh start support", DecidedBy: "somebody else", DecidedAt: "2026-12-03T17:00:00Z" }, "coordinator@lncip.example");
    await app.watched.find((l) => l.name === "Cases")!.round({ state: app.tables.state, now: app.now });
    expect(item(other.caseRef)?.fields.Status).toBe("Decided");
    const shared = text(sharedCard(other));
    expect(shared).toContain("Decision: Managed move / fresh start support");
    // The app names the meeting's chair and the Coordinator who recorded it, by name and Entra object id.
    expect(shared).toContain("recorded by Partnership Coordinator (5b0c2a1e-7d43-4f6a-9c1e-2d4f6a8b0c03)");
    expect(shared).not.toContain("somebody else");
    expect(shared).not.toContain("Action.Execute");
    expect(decisionsFor(other.caseRef).map((d) => d.fields.Source)).toEqual(["SharePoint"]);
  });
});

describe("without a Teams channel (no bot yet)", () => {
  it("keeps the card effects pending, as before, and posts nothing", async () => {
    const posts = teams.messages.length;
    await addCase("LNCIP-2026-0045", "triage", { MeetingId: "CG-2026-12-03" });
    expect(await noTeams.caseCommand("LNCIP-2026-0045", { kind: "markReadyForCoreGroup", by: "director@lncip.example", at } as CaseCommand)).toMatchObject({ ok: true });
    const pending = await app.tables.state.list<{ caseRef: string; effect: { kind: string } }>(PENDING_EFFECTS_SCOPE);
    expect(pending.filter((p) => p.value.caseRef === "LNCIP-2026-0045").map((p) => p.value.effect.kind)).toEqual(["postCoreGroupCard"]);
    expect(teams.messages.length).toBe(posts);
  });

  it("posts the cards kept pending once there is a Teams channel, once", async () => {
    const cg = cgPorts();
    expect(await carryOutPendingCardEffects(cg)).toBeGreaterThanOrEqual(1);
    expect(await carryOutPendingCardEffects(cg)).toBe(0);
    expect(teams.messages.filter((m) => text(m.card).includes("Core Group: LNCIP-2026-0045"))).toHaveLength(1);
  });
});

describe("a card Teams took but whose post was never recorded (the worker died, or lost Teams' answer)", () => {
  it("is adopted by its first press, which is answered as usual, and is not posted a second time", async () => {
    await addCase("LNCIP-2026-0046", "readyForCoreGroup", { MeetingId: "CG-2026-12-03" });
    let lost = true;
    const losing: typeof teams = {
      ...teams,
      async postCard(channel, card, summary) {
        const posted = await teams.postCard(channel, card, summary);
        if (lost) throw new Error("socket hang up"); // Teams has the card; the app never hears so
        return posted;
      },
    };
    const cg = cgPorts(losing);
    const round = "LNCIP-2026-0046:4:postCoreGroupCard";
    await expect(postCoreGroupCard(cg, "LNCIP-2026-0046", round)).rejects.toThrow("socket hang up");
    const posts = () => teams.messages.filter((m) => text(m.card).includes("Core Group: LNCIP-2026-0046"));
    expect(posts()).toHaveLength(1);

    // A member presses on the card in the channel: their view is taken, and the card is now the case's card.
    const onCard = posts()[0]!.posted;
    const answer = await handlers.coreGroup({ verb: "coreGroup.giveView", data: { caseRef: "LNCIP-2026-0046", round, outcome: "inSchoolSupport" }, from: { id: "user-id-1" }, trigger: "manual", conversationId: onCard.conversationId, messageId: onCard.messageId });
    expect(answer.kind).toBe("card");
    expect(text(answer.kind === "card" ? answer.card : undefined)).toContain("Your view: Partnership in-school support");
    expect((await app.tables.state.get<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE, "LNCIP-2026-0046"))?.value).toMatchObject({ round, posted: onCard });
    expect(text(teams.message(onCard).card)).toContain("Views from 1 of the 3 schools needed.");

    // The effect tried again finds the card adopted: nothing is posted twice.
    lost = false;
    expect(await postCoreGroupCard(cg, "LNCIP-2026-0046", round)).toEqual(onCard);
    expect(posts()).toHaveLength(1);
  });

  it("answers a press that read the case's card just before its posting was recorded (found by the soak)", async () => {
    await addCase("LNCIP-2026-0047", "readyForCoreGroup", { MeetingId: "CG-2026-12-03" });
    const round = "LNCIP-2026-0047:4:postCoreGroupCard";
    const cg = cgPorts();
    // The press reads the case's card record a moment before the posting writes it…
    const pressedWhilePosting = coreGroupCardActions({ ...cg, state: firstReadMissing(cg.state, CORE_GROUP_CARDS_SCOPE, "LNCIP-2026-0047") });
    // …and by the time it looks for a posting under way, the posting has finished: recorded, its pending mark removed.
    await postCoreGroupCard(cg, "LNCIP-2026-0047", round);
    const onCard = teams.messages.find((m) => text(m.card).includes("Core Group: LNCIP-2026-0047"))!.posted;
    const answer = await pressedWhilePosting({ verb: "coreGroup.giveView", data: { caseRef: "LNCIP-2026-0047", round, outcome: "inSchoolSupport" }, from: { id: "user-id-1" }, trigger: "manual", conversationId: onCard.conversationId, messageId: onCard.messageId });
    expect(answer.kind).toBe("card");
    expect(text(answer.kind === "card" ? answer.card : undefined)).toContain("Your view: Partnership in-school support");
  });
});

describe("reminders and rolling to the next meeting", () => {
  let record: PostedCoreGroupCard;
  const at = (iso: string) => ({ ...cgPorts(), now: () => new Date(iso) });

  it("reminds each member without a view in the card's thread, two school days before the meeting, once", async () => {
    record = await readyForCoreGroup("LNCIP-2026-0044");
    await view(record, "user-id-1", "inSchoolSupport");
    await view(record, "deputy-meadowbank", "inSchoolSupport");
    const replies = () => teams.message(record.posted).replies;
    // Meeting Thursday 3 December: reminders from Tuesday 1 December, 08:00 UK.
    expect(await remindCoreGroupMembers(at("2026-11-30T10:00:00Z"), new Date("2026-11-30T10:00:00Z"))).toMatchObject({ reminded: 0 });
    expect(await remindCoreGroupMembers(at("2026-12-01T07:30:00Z"), new Date("2026-12-01T07:30:00Z"))).toMatchObject({ reminded: 0 });
    await remindCoreGroupMembers(at("2026-12-01T09:00:00Z"), new Date("2026-12-01T09:00:00Z"));
    expect(replies()).toHaveLength(4); // six members: Brookside gave a view, Meadowbank's deputy gave one
    expect(replies().join("\n")).toContain("Reminder for Head of Oakfield Academy: please give your view on LNCIP-2026-0044 before the Core Group meeting on Thursday 3 December 2026 at 16:00.");
    expect(replies().join("\n")).not.toContain("Head of Brookside School");
    await remindCoreGroupMembers(at("2026-12-02T09:00:00Z"), new Date("2026-12-02T09:00:00Z"));
    expect(replies()).toHaveLength(4);
  });

  it("shows a case not decided at its meeting as rolled to the next one once its meeting changes, and says so in the thread once", async () => {
    await graphItems(app.lists.cases.list).update(item(record.caseRef)!.id, { MeetingId: "CG-2026-12-10" });
    await remindCoreGroupMembers(at("2026-12-04T09:00:00Z"), new Date("2026-12-04T09:00:00Z"));
    await remindCoreGroupMembers(at("2026-12-04T10:00:00Z"), new Date("2026-12-04T10:00:00Z"));
    const shared = text(sharedCard(record));
    expect(shared).toContain("Not decided at the meeting on Thursday 3 December 2026: rolled to Thursday 10 December 2026, 16:00.");
    expect(teams.message(record.posted).replies.filter((r) => r.includes("rolled to"))).toHaveLength(1);
    // The next meeting has its own chair (Meetings.Chair) and no deputy: Meadowbank's deputy may no longer give a view.
    expect(await view(record, "deputy-meadowbank", "inSchoolSupport")).toMatchObject({ kind: "message" });
    // Two members pressing at the same moment: both views are kept.
    await Promise.all([view(record, "user-id-2", "inSchoolSupport"), view(record, "user-id-3", "programmeManagementPartTime"), view(record, "user-id-4", "inSchoolSupport")]);
    expect(text(sharedCard(record))).toContain("Views from 5 schools: quorum (3) met.");
    expect(await decide(record, "user-id-0", "inSchoolSupport")).toEqual({ kind: "message", text: expect.stringContaining("Only this meeting's chair") });
    expect(await decide(record, "user-id-1", "inSchoolSupport")).toMatchObject({ kind: "card" });
    await carryOutQueuedCaseEffects();
    expect(decisionsFor(record.caseRef)).toHaveLength(1);
  });
});

describe("the Inclusion Forum agenda", () => {
  it("lists the cases awaiting the forum and records each case's outcome from the card, once", async () => {
    await addCase("LNCIP-2026-0050", "awaitingInclusionForum", { RequestType: "inclusionForum", YearGroup: 8, SchoolUrn: "120346", PreviousIfCase: undefined });
    await addCase("LNCIP-2026-0051", "awaitingInclusionForum", { RequestType: "inclusionForum", YearGroup: 10, PreviousIfCase: undefined, Named: false, PupilFirstName: undefined, PupilLastName: undefined, PupilDateOfBirth: undefined, Upn: undefined });
    await addCase("LNCIP-2026-0052", "awaitingInclusionForum", { RequestType: "inclusionForum", MeetingId: "IF-2027-01", PreviousIfCase: undefined });
    const cg = cgPorts();
    const agenda = await postInclusionForumAgenda(cg, "IF-2026-12");
    await postInclusionForumAgenda(cg, "IF-2026-12");
    expect(teams.messages.filter((m) => m.channel === "inclusionForum")).toHaveLength(1);
    expect(agenda.caseRefs).toEqual(["LNCIP-2026-0050", "LNCIP-2026-0051"]);
    const card = text(teams.message(agenda.posted).card);
    expect(card).toContain("Brookside School · Year 8");
    expect(card).toContain("Inclusion Forum, Wednesday 9 December 2026, 09:30");

    const data = (ref: string, outcome: string) => ({ caseRef: ref, meetingKey: "IF-2026-12", [agendaInputId(ref)]: outcome });
    // Only a forum member (the People list) may record, and only on the forum's current agenda card.
    expect(await press("inclusionForum.recordOutcome", "user-id-1", data("LNCIP-2026-0050", "advice"))).toEqual({ kind: "message", text: "Only an Inclusion Forum member can record the Inclusion Forum's outcome." });
    expect(await press("inclusionForum.recordOutcome", "user-id-2", data("LNCIP-2026-0050", "advice"), "manual", "some-other-message")).toEqual({ kind: "message", text: expect.stringContaining("not the forum's current agenda card") });
    expect(item("LNCIP-2026-0050")?.fields.Status).toBe("Awaiting Inclusion Forum");
    const recorded = await press("inclusionForum.recordOutcome", "user-id-2", data("LNCIP-2026-0050", "sendPlanGuidance"));
    expect(recorded).toMatchObject({ kind: "card" });
    expect(item("LNCIP-2026-0050")?.fields).toMatchObject({ Status: "Inclusion Forum outcome given", InclusionForumOutcome: "Guidance on a SEND plan" });
    // Recorded as the member by name and Entra object id from the People list, not the name Teams sends.
    expect((await app.tables.audit.forCase("LNCIP-2026-0050")).find((e) => e.action === "recordInclusionForumOutcome")?.by).toBe("Adele Vance (00000000-0000-0000-0000-0000000000022)");
    expect(text(teams.message(agenda.posted).card)).toContain("Outcome: Guidance on a SEND plan");
    expect(await press("inclusionForum.recordOutcome", "user-id-3", data("LNCIP-2026-0050", "sendPlanGuidance"))).toMatchObject({ kind: "card" });
    expect(await press("inclusionForum.recordOutcome", "user-id-3", data("LNCIP-2026-0050", "advice"))).toEqual({ kind: "message", text: expect.stringContaining("already recorded: Guidance on a SEND plan") });
    expect(await press("inclusionForum.recordOutcome", "user-id-3", data("LNCIP-2026-0052", "advice"))).toEqual({ kind: "message", text: expect.stringContaining("not on this forum's agenda") });
    expect(item("LNCIP-2026-0052")?.fields.Status).toBe("Awaiting Inclusion Forum");
  });

  it("takes in a case put on the forum after its agenda was posted: the card is updated, not posted again", async () => {
    const cg = cgPorts();
    await addCase("LNCIP-2026-0053", "awaitingInclusionForum", { RequestType: "inclusionForum", MeetingId: "IF-2026-12", PreviousIfCase: undefined });
    const agenda = await postInclusionForumAgenda(cg, "IF-2026-12");
    expect(agenda.caseRefs).toEqual(["LNCIP-2026-0050", "LNCIP-2026-0051", "LNCIP-2026-0053"]);
    expect(teams.messages.filter((m) => m.channel === "inclusionForum")).toHaveLength(1);
    const card = text(teams.message(agenda.posted).card);
    expect(card).toContain("LNCIP-2026-0053");
    expect(card).toContain("Outcome: Guidance on a SEND plan"); // the case already heard stays, with its outcome
    const data = { caseRef: "LNCIP-2026-0053", meetingKey: "IF-2026-12", [agendaInputId("LNCIP-2026-0053")]: "advice" };
    expect(await press("inclusionForum.recordOutcome", "user-id-2", data)).toMatchObject({ kind: "card" });
    expect(item("LNCIP-2026-0053")?.fields.Status).toBe("Inclusion Forum outcome given");
  });

  it("shows an outcome its card missed when the timer next runs, and leaves a current card alone", async () => {
    const cg = cgPorts();
    // An outcome recorded while the card was not updated (two presses at once, each rendering without the other's).
    expect(await cg.caseCommand("LNCIP-2026-0051", { kind: "recordInclusionForumOutcome", outcome: "pathway", by: "user-id-3", at: "2026-12-08T10:00:00Z" })).toMatchObject({ ok: true });
    const agenda = await postInclusionForumAgenda(cg, "IF-2026-12");
    const message = teams.message(agenda.posted);
    expect(text(message.card)).toContain("Outcome: Pathway to services");
    expect(agenda.caseRefs).toEqual(["LNCIP-2026-0050", "LNCIP-2026-0051", "LNCIP-2026-0053"]); // the case that joined late stays
    const versions = message.versions.length;
    await postInclusionForumAgenda(cg, "IF-2026-12");
    expect(teams.message(agenda.posted).versions).toHaveLength(versions);
  });

  it("is posted by the timer two school days before the forum (Wednesday 9 December: from Monday 7), once", async () => {
    const cg = cgPorts();
    expect(await postDueInclusionForumAgendas(cg, new Date("2026-12-04T09:00:00Z"))).toEqual([]);
    expect(await postDueInclusionForumAgendas(cg, new Date("2026-12-07T09:00:00Z"))).toEqual(["IF-2026-12"]);
    expect(await postDueInclusionForumAgendas(cg, new Date("2026-12-10T09:00:00Z"))).toEqual([]);
    expect(teams.messages.filter((m) => m.channel === "inclusionForum")).toHaveLength(1);
  });

  it("adopts an agenda Teams took but whose post was never recorded, on its first press, and does not post it again", async () => {
    await addMeeting({ MeetingKey: "IF-2026-12-B", Kind: "inclusionForum", Date: "2026-12-17", StartTime: "13:30", AgendaSize: 10 } as MeetingsRow);
    await addCase("LNCIP-2026-0054", "awaitingInclusionForum", { RequestType: "inclusionForum", MeetingId: "IF-2026-12-B", PreviousIfCase: undefined });
    let lost = true;
    const losing: typeof teams = {
      ...teams,
      async postCard(channel, card, summary) {
        const posted = await teams.postCard(channel, card, summary);
        if (lost) throw new Error("socket hang up");
        return posted;
      },
    };
    await expect(postInclusionForumAgenda(cgPorts(losing), "IF-2026-12-B")).rejects.toThrow("socket hang up");
    const agendas = () => teams.messages.filter((m) => m.channel === "inclusionForum" && text(m.card).includes("Thursday 17 December 2026, 13:30"));
    expect(agendas()).toHaveLength(1);
    const onCard = agendas()[0]!.posted;
    const answer = await handlers.inclusionForum({ verb: "inclusionForum.recordOutcome", data: { caseRef: "LNCIP-2026-0054", meetingKey: "IF-2026-12-B", [agendaInputId("LNCIP-2026-0054")]: "advice" }, from: { id: "user-id-2" }, trigger: "manual", conversationId: onCard.conversationId, messageId: onCard.messageId });
    expect(answer.kind).toBe("card");
    expect(item("LNCIP-2026-0054")?.fields.InclusionForumOutcome).toBe("Advice");
    lost = false;
    await postInclusionForumAgenda(cgPorts(), "IF-2026-12-B");
    expect(agendas()).toHaveLength(1);
    expect(text(teams.message(onCard).card)).toContain("Outcome: Advice");
  });

  it("answers a press that read the forum's agenda just before its posting was recorded", async () => {
    await addMeeting({ MeetingKey: "IF-2026-12-C", Kind: "inclusionForum", Date: "2026-12-18", StartTime: "13:30", AgendaSize: 10 } as MeetingsRow);
    await addCase("LNCIP-2026-0055", "awaitingInclusionForum", { RequestType: "inclusionForum", MeetingId: "IF-2026-12-C", PreviousIfCase: undefined });
    const cg = cgPorts();
    const pressedWhilePosting = inclusionForumCardActions({ ...cg, state: firstReadMissing(cg.state, FORUM_AGENDAS_SCOPE, "IF-2026-12-C") });
    await postInclusionForumAgenda(cg, "IF-2026-12-C"); // recorded, its pending mark removed, after the press's first read
    const onCard = teams.messages.find((m) => m.channel === "inclusionForum" && text(m.card).includes("Friday 18 December 2026, 13:30"))!.posted;
    const answer = await pressedWhilePosting({ verb: "inclusionForum.recordOutcome", data: { caseRef: "LNCIP-2026-0055", meetingKey: "IF-2026-12-C", [agendaInputId("LNCIP-2026-0055")]: "advice" }, from: { id: "user-id-2" }, trigger: "manual", conversationId: onCard.conversationId, messageId: onCard.messageId });
    expect(answer.kind).toBe("card");
    expect(item("LNCIP-2026-0055")?.fields.InclusionForumOutcome).toBe("Advice");
  });
});

describe("privacy", () => {
  it("no card, summary, reply or answer the workflows produced carries a pupil's identity or free text", () => {
    expect(teams.messages.length).toBeGreaterThan(3);
    expect(results.length).toBeGreaterThan(20);
    expect(privacyLeaks(teams.everything())).toEqual([]);
    expect(privacyLeaks(JSON.stringify(results))).toEqual([]);
  });
});
