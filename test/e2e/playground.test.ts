import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeTeams, type TeamsPorts } from "../../src/app/teamsWiring";
import { loadSettings } from "../../src/settings/settings";
import { PanelChannelNotChosenError } from "../../src/teams/bot/botTeamsChannel";
import type { AdaptiveCardJson } from "../../src/teams/teamsChannel";
import { startTestSystem, type TestSystem } from "../support/system";
import { startTestPlayground, type TestPlayground } from "../support/playground";

/**
 * The bot, running in the local Functions host, against the Microsoft 365 Agents Playground (a local Teams client
 * with a mock connector): messages and button presses go through the Playground's APIs as its mock users, and
 * what the bot posts and updates is read from the Playground's WebSocket stream.
 */

interface StreamEvent {
  action: string;
  actionConversationId: string;
  message: { messageId: string; text?: string; attachments?: { contentType: string; content: AdaptiveCardJson }[] };
}

let system: TestSystem;
let playground: TestPlayground;
/** The same Teams ports as the app builds, in the test process, over the same storage: a scheduled workflow's view. */
let teams: TeamsPorts;

beforeAll(async () => {
  system = await startTestSystem();
  playground = await startTestPlayground(`${system.appUrl}/api/messages`);
  const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  teams = composeTeams(loadSettings({ ...example, AzureWebJobsStorage: system.azurite.connectionString }));
}, 90_000);

afterAll(async () => {
  await playground?.stop();
  await system?.stop();
});

const posts = () => playground.events as StreamEvent[];
const cardText = (event: StreamEvent | undefined) => JSON.stringify(event?.message.attachments?.[0]?.content ?? null);
const newEvent = (from: number, match: (e: StreamEvent) => boolean) => () => posts().slice(from).find(match);

describe("the bot in the Agents Playground", () => {
  it("keeps the Playground on loopback (it would listen on every interface by itself)", async () => {
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === "IPv4")?.address;
    const reachable = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect(playground.process.port, host);
        socket.once("connect", () => (socket.destroy(), resolve(true)));
        socket.once("error", () => resolve(false));
      });
    expect(await reachable("127.0.0.1")).toBe(true);
    if (outside) expect(await reachable(outside)).toBe(false);
    else console.warn("No non-loopback IPv4 address on this machine: only the loopback side was checked.");
  });

  it("answers ping with a card whose button answers each presser with their own pong", async () => {
    const config = await playground.config();
    const before = posts().length;
    expect((await playground.say(config.personalChat.id, "ping")).status).toBe(200);
    const card = await playground.until(newEvent(before, (e) => e.action === "createMessage" && cardText(e).includes("bot.ping")));

    const press = await playground.press({ conversationId: card.actionConversationId, replyToId: card.message.messageId, fromId: "user-id-0", verb: "bot.ping" });
    expect(press.status).toBe(200);
    expect(press.body).toMatchObject({ type: "application/vnd.microsoft.card.adaptive", value: { type: "AdaptiveCard", version: "1.5" } });
    expect(JSON.stringify(press.body)).toContain("pong for user-id-0");

    const unknown = await playground.press({ conversationId: card.actionConversationId, replyToId: card.message.messageId, fromId: "user-id-0", verb: "nobody.knows" });
    expect(JSON.stringify(unknown.body)).toMatch(/application\/vnd\.microsoft\.error/);
    expect(JSON.stringify(unknown.body)).toContain("nobody.knows");
  }, 30_000);

  it("refuses to post before a channel is chosen, with words a coordinator can act on", async () => {
    await expect(teams.channel.postCard("inclusionForum", { type: "AdaptiveCard", version: "1.5", body: [] }, "agenda")).rejects.toThrow(PanelChannelNotChosenError);
    await expect(teams.channel.postCard("inclusionForum", { type: "AdaptiveCard", version: "1.5", body: [] }, "agenda")).rejects.toThrow(/use this channel for Inclusion Forum/);
  });

  it("takes the Core Group channel from the command typed there, then posts, updates and replies proactively", async () => {
    const config = await playground.config();
    const team = config.teams[0];
    const general = team?.channels.find((c) => c.name === "General");
    if (!team || !general) throw new Error(`The Playground has no General channel: ${JSON.stringify(config.teams)}`);

    let before = posts().length;
    expect((await playground.say(general.id, "use this channel for Core Group", true)).status).toBe(200);
    const done = await playground.until(newEvent(before, (e) => e.message.text?.startsWith("Done: Core Group") === true));
    expect(done.actionConversationId.startsWith(general.id)).toBe(true);
    expect((await teams.store.chosen("coreGroup"))?.channelId).toBe(general.id);

    // Several panel members press the same card in the channel: each gets their own answer.
    before = posts().length;
    await playground.say(general.id, "ping", true);
    const card = await playground.until(newEvent(before, (e) => cardText(e).includes("bot.ping")));
    for (const member of ["user-id-1", "user-id-2"]) {
      const press = await playground.press({ conversationId: card.actionConversationId, replyToId: card.message.messageId, fromId: member, verb: "bot.ping" });
      expect(press.status).toBe(200);
      expect(JSON.stringify(press.body)).toContain(`pong for ${member}`);
    }

    // Proactive: a new post (thread) in the chosen channel, then an update for everyone, then a reply in its thread.
    before = posts().length;
    const first: AdaptiveCardJson = { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "LNCIP-2026-0042: ready for Core Group" }] };
    const posted = await teams.channel.postCard("coreGroup", first, "LNCIP-2026-0042 is ready for Core Group");
    expect(posted.conversationId.startsWith(general.id)).toBe(true);
    const created = await playground.until(newEvent(before, (e) => e.action === "createMessage" && cardText(e).includes("ready for Core Group")));
    expect(created.message.messageId).toBe(posted.messageId);

    before = posts().length;
    await teams.channel.updateCard(posted, { ...first, body: [{ type: "TextBlock", text: "LNCIP-2026-0042: 2 views of 3" }] });
    const updated = await playground.until(newEvent(before, (e) => e.action !== "createMessage" && cardText(e).includes("2 views of 3")));
    expect(updated.message.messageId).toBe(posted.messageId);

    before = posts().length;
    await teams.channel.replyInThread(posted, "Two school days to the meeting: 1 view still to come.");
    const reply = await playground.until(newEvent(before, (e) => e.message.text?.includes("1 view still to come") === true));
    expect(reply.actionConversationId.startsWith(general.id)).toBe(true);
  }, 30_000);
});
