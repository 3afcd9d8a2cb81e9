import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/processes";
import { botAuthConfiguration } from "../../src/teams/bot/functionsBotAdapter";
import { botTeamsChannel, PanelChannelNotChosenError, UnknownConversationError } from "../../src/teams/bot/teamsChannel";
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
