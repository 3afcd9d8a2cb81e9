import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { startTestPlayground, type TestPlayground } from "../support/playground";
import { namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import type { SitesArea } from "../../sandbox/graph/areas/sites";
import { demoSite } from "../../sandbox/demo/demoTenant";
import type { AdaptiveCardJson } from "../../src/teams/teamsChannel";
import { meetingsList, toListFields } from "../../src/domain/lists";
import { addDays, addSchoolDays, londonDay, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { agendaInputId } from "../../src/domain/coreGroup";
import { defaultKeys } from "../../sandbox/host/host";
import { composeApp } from "../../src/app/composition";
import { loadSettings } from "../../src/settings/settings";
import { localAppSettings } from "../../sandbox/localSystem";
import { PENDING_EFFECTS_SCOPE } from "../../src/workflows/cases/caseEffects";

/**
 * The Core Group deciding a case in Teams, end to end: a coordinator moves a referral to "Ready for Core Group" in
 * SharePoint; the app (in the local Functions host) posts its card in the channel chosen in the Agents Playground;
 * panel members (the Playground's mock users) give their views through its invoke API; the chair records the
 * decision, which reaches the Decisions list in the sandbox; the card everyone sees shows it, buttons gone.
 */

interface StreamEvent {
  action: string;
  actionConversationId: string;
  /** A new post in a channel is its own thread: `postConversationId` is `{channel};messageid={id}`. */
  message: { messageId: string; text?: string; postConversationId?: string; attachments?: { contentType: string; content: AdaptiveCardJson }[] };
}

let system: TestSystem;
let playground: TestPlayground;
let sites: SitesArea;
let siteId: string;
const posts = () => playground.events as StreamEvent[];
const card = (e: StreamEvent | undefined) => e?.message.attachments?.[0]?.content;
const cardJson = (e: StreamEvent | undefined) => JSON.stringify(card(e) ?? null);
const item = (list: string, ref: string) => sites.items(siteId, list).find((i) => i.fields.Title === ref || i.fields.CaseRef === ref);

/** The `round` a card's buttons carry (a new posting after a reopen is a new round). */
function roundOf(e: StreamEvent): string {
  const round = /"verb":"coreGroup\.giveView"[^}]*?"round":"([^"]+)"/.exec(cardJson(e))?.[1] ?? /"round":"([^"]+)"/.exec(cardJson(e))?.[1];
  if (!round) throw new Error(`No round on the card: ${cardJson(e).slice(0, 400)}`);
  return round;
}

beforeAll(async () => {
  system = await startTestSystem();
  playground = await startTestPlayground(`${system.appUrl}/api/messages`);
  sites = system.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
}, 90_000);

afterAll(async () => {
  await playground?.stop();
  await system?.stop();
});

describe("the Core Group deciding a case in Teams", () => {
  it("posts the card in the chosen channel, takes members' views, and records the chair's decision once in the Decisions list", async () => {
    const config = await playground.config();
    const general = config.teams[0]?.channels.find((c) => c.name === "General");
    if (!general) throw new Error("The Playground has no General channel");

    // A referral becomes ready for Core Group before any channel is chosen: its card is kept, not lost.
    const digits = "801200109001";
    const res = await system.post("/api/forms/referral", { responseId: "cg-teams-1", submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upnCheckLetter(digits) + digits } });
    const { caseRef } = (await res.json()) as { caseRef: string };
    const caseItem = await system.until(() => item("Cases", caseRef));
    sites.patchAsPerson(siteId, "Cases", caseItem.id, { Status: "In triage" });
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowVersion === 1);
    sites.patchAsPerson(siteId, "Cases", caseItem.id, { Status: "Ready for Core Group" });
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowVersion === 2 && item("Cases", caseRef)?.fields.MeetingId);
    // The move is committed before its effects run (from the queue): wait until the card's effect has met "no channel
    // yet" and is kept. Choosing the channel earlier races the effect, which then posts the card itself.
    const state = composeApp(loadSettings(localAppSettings(system.azurite.connectionString, system.graph, 9)), { log: () => undefined }).tables.state;
    const kept = async () => (await state.list<{ caseRef: string; effect: { kind: string } }>(PENDING_EFFECTS_SCOPE)).some((p) => p.value.caseRef === caseRef && p.value.effect.kind === "postCoreGroupCard");
    for (const deadline = Date.now() + 20_000; !(await kept()); ) {
      if (Date.now() > deadline) throw new Error(`The card of ${caseRef} was never kept for a channel`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // A coordinator chooses the channel: the card kept meanwhile is posted there.
    let before = posts().length;
    expect((await playground.say(general.id, "use this channel for Core Group", true)).status).toBe(200);
    const posted = await playground.until(() => posts().slice(before).find((e) => e.action === "createMessage" && cardJson(e).includes(`Core Group: ${caseRef}`)), 20_000);
    expect(posted.actionConversationId.startsWith(general.id)).toBe(true);
    // Posted once: the choice re-posts only cards already posted, and this one was kept.
    expect(posts().slice(before).filter((e) => e.action === "createMessage" && cardJson(e).includes(`Core Group: ${caseRef}`))).toHaveLength(1);
    const round = roundOf(posted);
    const press = (fromId: string, verb: string, data: Record<string, unknown> = {}) =>
      playground.press({ conversationId: posted.message.postConversationId ?? posted.actionConversationId, replyToId: posted.message.messageId, fromId, verb, data: { caseRef, round, ...data } });

    // Three members from three schools give their views; each gets their own view back, everyone sees the tally.
    for (const [member, outcome] of [["user-id-1", "inSchoolSupport"], ["user-id-2", "inSchoolSupport"], ["user-id-3", "schoolContinuesWithAdvice"]] as const) {
      before = posts().length;
      const answer = await press(member, "coreGroup.giveView", { outcome });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body, JSON.stringify(answer.body)).toMatchObject({ type: "application/vnd.microsoft.card.adaptive" });
      expect(JSON.stringify(answer.body)).toMatch(/[Yy]our view/);
      await playground.until(() => posts().slice(before).find((e) => e.action !== "createMessage" && e.message.messageId === posted.message.messageId), 20_000);
    }
    // (Every Playground user sits on the demo panel; a non-member's refusal is tested in coreGroupCards.test.ts.)

    // A user-specific view: Teams asks the bot for a member's own card when the shared card's `refresh` lists them
    // (the Playground cannot do this, so the invoke is posted to /api/messages as Teams would). The member gets their
    // own view; the card everyone sees is not touched by an automatic refresh.
    const cardsBefore = posts().length;
    const refreshed = await fetch(`${system.appUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "invoke",
        name: "adaptiveCard/action",
        id: "refresh-1",
        channelId: "msteams",
        serviceUrl: `${playground.url}/_connector`,
        from: { id: "user-id-2", aadObjectId: "00000000-0000-0000-0000-0000000000022" },
        recipient: { id: config.bot.id },
        conversation: { id: posted.message.postConversationId ?? posted.actionConversationId, conversationType: "channel" },
        channelData: { tenant: { id: config.tenantId } },
        replyToId: posted.message.messageId,
        value: { action: { type: "Action.Execute", verb: "coreGroup.refresh", data: { caseRef, round } }, trigger: "automatic" },
      }),
    });
    expect(refreshed.status).toBe(200);
    const own = (await refreshed.json()) as { statusCode: number; type: string; value: unknown };
    expect(own).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(own.value)).toMatch(/Partnership in-school support/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(posts().slice(cardsBefore).filter((e) => e.message.messageId === posted.message.messageId)).toHaveLength(0);

    // A member who is not the chair cannot record the decision.
    const notChair = await press("user-id-1", "coreGroup.recordDecision", { outcome: "inSchoolSupport" });
    expect(JSON.stringify(notChair.body)).toContain("Only this meeting's chair");
    expect(item("Cases", caseRef)?.fields.WorkflowStatus).toBe("Ready for Core Group");

    // The chair records the decision — twice, as an impatient chair would: one decision.
    before = posts().length;
    const [first, second] = await Promise.all([press("user-id-0", "coreGroup.recordDecision", { outcome: "inSchoolSupport" }), press("user-id-0", "coreGroup.recordDecision", { outcome: "inSchoolSupport" })]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const decisions = await system.until(() => {
      const rows = sites.items(siteId, "Decisions").filter((d) => d.fields.CaseRef === caseRef);
      return rows.length > 0 && rows;
    });
    expect(decisions).toHaveLength(1);
    // Recorded as the chair by name and Entra object id, not the display name Teams sends.
    expect(decisions[0]!.fields).toMatchObject({ Outcome: "Partnership in-school support", Source: "Teams", DecidedBy: "Alex Wilber (00000000-0000-0000-0000-0000000000020)" });
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowStatus === "Decided");

    // Everyone's card now shows the decision, with no buttons left to press.
    const decidedCard = await playground.until(
      () => [...posts().slice(before)].reverse().find((e) => e.message.messageId === posted.message.messageId && /Partnership in-school support/.test(cardJson(e)) && !cardJson(e).includes("Action.Execute")),
      20_000,
    );
    expect(cardJson(decidedCard)).not.toContain("coreGroup.recordDecision");

    // Nothing the bot posted names the pupil.
    const everything = JSON.stringify(posts());
    for (const identity of [namedReferral["pupil.firstName"], namedReferral["pupil.lastName"], namedReferral["pupil.dateOfBirth"], upnCheckLetter(digits) + digits]) expect(everything).not.toContain(identity);
  }, 90_000);
});

describe("the Inclusion Forum in Teams, then Core Group", () => {
  it("puts a case scheduled for the forum on the forum's agenda card, records its outcome from the card, and takes it on to Core Group", async () => {
    // A forum on the next school day (the host runs on the real clock, so its agenda is due now).
    const today = londonDay(new Date());
    let day: string;
    try {
      day = addSchoolDays(schoolCalendarFor(shippedCalendars.leicestershire!), today, 1);
    } catch {
      day = addDays(today, 1); // past the shipped term dates
    }
    sites.addItem(siteId, "Meetings", toListFields(meetingsList, { MeetingKey: "IF-TEST-1", Kind: "inclusionForum", Date: day, StartTime: "09:30", AgendaSize: 10 }));
    await playground.chooseChannel("Inclusion Forum");
    await playground.chooseChannel("Core Group"); // chosen already when the file runs whole; again changes nothing

    const digits = "801200300001";
    const { previousInclusionForumCase: _none, ...answers } = namedReferral;
    const res = await system.post("/api/forms/referral", { responseId: "if-teams-1", submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...answers, requestType: "Inclusion Forum discussion", "pupil.upn": upnCheckLetter(digits) + digits } });
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    const caseItem = await system.until(() => item("Cases", caseRef));

    // The coordinator schedules it for the forum: the app puts it on the next forum with room at once.
    sites.patchAsPerson(siteId, "Cases", caseItem.id, { Status: "Awaiting Inclusion Forum" });
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowStatus === "Awaiting Inclusion Forum" && item("Cases", caseRef)?.fields.MeetingId === "IF-TEST-1", 20_000);

    // The hourly timer posts the agenda (run now through the host's admin API, as the portal's "Run" does).
    const before = posts().length;
    const timer = await fetch(`${system.appUrl}/admin/functions/coreGroupReminders`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.masterKey }, body: JSON.stringify({ input: "" }) });
    expect(timer.status).toBe(202);
    // The forum's agenda card may already be in the channel (posted, empty, when the channel was chosen): the case
    // joins it, and the card is updated for everyone rather than posted again.
    const withCase = await playground.until(() => posts().slice(before).find((e) => cardJson(e).includes("Inclusion Forum agenda") && cardJson(e).includes(`"meetingKey":"IF-TEST-1"`) && cardJson(e).includes(caseRef)), 20_000);
    const agenda = posts().find((e) => e.action === "createMessage" && e.message.messageId === withCase.message.messageId)!;
    expect(posts().filter((e) => e.action === "createMessage" && e.message.messageId === withCase.message.messageId)).toHaveLength(1);

    // Someone who is not on the Inclusion Forum (user-id-1: a Core Group member only) is refused; nothing changes.
    const refused = await playground.press({ conversationId: agenda.message.postConversationId ?? agenda.actionConversationId, replyToId: agenda.message.messageId, fromId: "user-id-1", verb: "inclusionForum.recordOutcome", data: { caseRef, meetingKey: "IF-TEST-1", [agendaInputId(caseRef)]: "advice" } });
    expect(JSON.stringify(refused.body)).toContain("Only an Inclusion Forum member can record the Inclusion Forum");
    expect(item("Cases", caseRef)?.fields.WorkflowStatus).toBe("Awaiting Inclusion Forum");

    // A forum member picks the outcome in the case's row and presses "Record outcome".
    const answer = await playground.press({ conversationId: agenda.message.postConversationId ?? agenda.actionConversationId, replyToId: agenda.message.messageId, fromId: "user-id-4", verb: "inclusionForum.recordOutcome", data: { caseRef, meetingKey: "IF-TEST-1", [agendaInputId(caseRef)]: "referToPartnership" } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowStatus === "Inclusion Forum outcome given", 20_000);
    expect(item("Cases", caseRef)?.fields.InclusionForumOutcome).toBe("Refer to Partnership");
    // Recorded as the member by name and Entra object id (the People list's), in the audit.
    const audit = composeApp(loadSettings(localAppSettings(system.azurite.connectionString, system.graph, 9)), { log: () => undefined }).tables.audit;
    expect((await audit.forCase(caseRef)).find((e) => e.action === "recordInclusionForumOutcome")?.by).toBe("Patti Fernandez (00000000-0000-0000-0000-0000000000024)");
    await playground.until(() => posts().find((e) => e.action !== "createMessage" && e.message.messageId === agenda.message.messageId && cardJson(e).includes("Refer to Partnership")), 20_000);

    // Back into triage, the case is a Partnership referral whose forum counts: it goes to Core Group without an override.
    sites.patchAsPerson(siteId, "Cases", caseItem.id, { Status: "In triage" });
    await system.until(() => item("Cases", caseRef)?.fields.WorkflowStatus === "In triage", 20_000);
    expect(item("Cases", caseRef)?.fields).toMatchObject({ RequestType: "Partnership referral", PreviousIfCase: caseRef });
    sites.patchAsPerson(siteId, "Cases", caseItem.id, { Status: "Ready for Core Group" });
    await playground.until(() => posts().find((e) => e.action === "createMessage" && cardJson(e).includes(`Core Group: ${caseRef}`)), 20_000);
    expect(item("Cases", caseRef)?.fields.WorkflowStatus).toBe("Ready for Core Group");
  }, 90_000);
});

describe("who may do what in Teams (command × role, channel teamsPress)", () => {
  /** An activity as Teams sends it to the bot, from a Playground user, in a channel of a team, in a tenant. */
  async function send(activity: { type: "message" | "invoke"; fromId: string; text?: string; team?: string; tenant?: string; value?: unknown; name?: string }): Promise<Response> {
    const config = await playground.config();
    const general = config.teams[0]!.channels.find((c) => c.name === "General")!;
    const user = [config.currentUser, ...config.users].find((u) => u.id === activity.fromId)!;
    return fetch(`${system.appUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: activity.type,
        ...(activity.name ? { name: activity.name } : {}),
        id: `who-${Math.random().toString(36).slice(2)}`,
        channelId: "msteams",
        serviceUrl: `${playground.url}/_connector`,
        from: { id: user.id, aadObjectId: user.aadObjectId },
        recipient: { id: config.bot.id },
        conversation: { id: general.id, conversationType: "channel", tenantId: activity.tenant ?? config.tenantId },
        channelData: { tenant: { id: activity.tenant ?? config.tenantId }, team: { id: activity.team ?? config.teams[0]!.id }, channel: { id: general.id } },
        ...(activity.text ? { text: `<at>${config.bot.name}</at> ${activity.text}` } : {}),
        ...(activity.value ? { value: activity.value } : {}),
      }),
    });
  }
  const said = (before: number, text: string) => playground.until(() => posts().slice(before).find((e) => JSON.stringify(e).includes(text)), 20_000);

  const rows = [
    { name: "a Coordinator (user-id-0) chooses the channel in the partnership's team: done", fromId: "user-id-0", team: undefined, answer: "Done: Core Group cards will be posted in this channel." },
    { name: "a panel member who is not a Coordinator (user-id-3) is refused", fromId: "user-id-3", team: undefined, answer: "Only a partnership Coordinator can choose the Teams channel for the Core Group or the Inclusion Forum." },
    { name: "a Coordinator in another team is refused", fromId: "user-id-0", team: "19:another-team@thread.tacv2", answer: "The Core Group channel can be chosen only in the partnership's own team." },
  ];
  it.each(rows)("chooseChannel: $name", async ({ fromId, team, answer }) => {
    const before = posts().length;
    const res = await send({ type: "message", fromId, text: "use this channel for Core Group", ...(team ? { team } : {}) });
    expect(res.status).toBeLessThan(300);
    await said(before, answer);
  });

  it("refuses a press from another tenant, whoever makes it", async () => {
    const res = await send({ type: "invoke", name: "adaptiveCard/action", fromId: "user-id-0", tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47", value: { action: { type: "Action.Execute", verb: "coreGroup.refresh", data: { caseRef: "LNCIP-2026-0001", round: "r" } }, trigger: "manual" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 400, value: { message: "This app answers only the partnership's own Teams." } });
  });
});
