import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/processes";
import { botAdapter, botAuthConfiguration } from "../../src/teams/bot/functionsBotAdapter";
import { botTeamsChannel, PanelChannelNotChosenError, UnknownConversationError } from "../../src/teams/bot/botTeamsChannel";
import { memoryStore } from "../support/memoryConversationStore";

const card = { type: "AdaptiveCard" as const, version: "1.5", body: [] };

describe("the bot's TeamsChannel", () => {
  it("says what to type when a panel has no channel yet", async () => {
    const channel = botTeamsChannel(new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: "t" })), memoryStore(), undefined);
    const refusal = channel.postCard("coreGroup", card, "summary");
    await expect(refusal).rejects.toBeInstanceOf(PanelChannelNotChosenError);
    await expect(refusal).rejects.toThrow('type "use this channel for Core Group"');
  });

  it("refuses to update a card in a conversation it has never seen", async () => {
    const channel = botTeamsChannel(new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: "t" })), memoryStore(), undefined);
    await expect(channel.updateCard({ conversationId: "19:nowhere@thread.tacv2;messageid=1", messageId: "1" }, card)).rejects.toBeInstanceOf(UnknownConversationError);
  });

  it("lets a failed post reach the caller (to retry) instead of the SDK's turn-error handler", async () => {
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: "t" }));
    const postedByTurnError: string[] = [];
    adapter.onTurnError = async (_context, error) => void postedByTurnError.push(error.message);
    const store = memoryStore();
    const closed = await freePort();
    await store.choose("coreGroup", { serviceUrl: `http://127.0.0.1:${closed}/_connector`, conversationId: "19:core@thread.tacv2", channelId: "19:core@thread.tacv2", botId: "28:bot" }, new Date());
    const channel = botTeamsChannel(adapter, store, undefined);
    await expect(channel.postCard("coreGroup", card, "summary")).rejects.toThrow();
    expect(postedByTurnError).toEqual([]);
  });
});

describe("the bot with a client id (Teams for real)", () => {
  it("never calls a serviceUrl outside Microsoft's bot hosts, so its token cannot leak", async () => {
    const adapter = botAdapter({ BOT_CLIENT_ID: "9a1b2c3d-0000-4000-8000-00000000b071", AZURE_TENANT_ID: "6f1c2b0e-5a4d-4c55-9a57-000000000001" });
    const store = memoryStore();
    await store.choose("coreGroup", { serviceUrl: "https://attacker.example/_connector", conversationId: "19:core@thread.tacv2", channelId: "19:core@thread.tacv2", botId: "28:bot" }, new Date());
    const channel = botTeamsChannel(adapter, store, "9a1b2c3d-0000-4000-8000-00000000b071");
    const refused = await channel.postCard("coreGroup", card, "summary").then(() => "posted", (e: unknown) => (e instanceof Error ? e.message : String(e)));
    expect(refused).toMatch(/not in the configured allowed hosts/);
  });
});
