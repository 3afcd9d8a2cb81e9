import type { Activity, ConversationReference } from "@microsoft/agents-activity";
import type { CloudAdapter, ConnectorClient, TurnContext } from "@microsoft/agents-hosting";
import { ChannelNotChosenError, type AdaptiveCardJson, type PanelChannel, type PostedCard, type TeamsChannel } from "../teamsChannel";
import type { ConversationStore, TeamsConversation } from "./conversationStore";

/**
 * `TeamsChannel` through the bot: proactive posts, updates and thread replies with the Agents SDK, to the channels
 * the coordinators picked. Each call opens a proactive turn (`continueConversation`) on a stored conversation
 * reference, so it works from any function (a queue trigger, a timer), not only while answering Teams.
 */

/**
 * A panel has no channel yet: nothing can be posted until a coordinator picks one in Teams.
 *
 * @example
 * new PanelChannelNotChosenError("coreGroup").message
 * // 'No Teams channel has been chosen for the Core Group yet. In the team channel … type "use this channel for Core Group".'
 */
export class PanelChannelNotChosenError extends ChannelNotChosenError {
  constructor(panel: PanelChannel) {
    const words = panel === "coreGroup" ? "Core Group" : "Inclusion Forum";
    super(panel, `No Teams channel has been chosen for the ${words} yet. In the team channel the ${words} uses, @mention the Inclusion Flow bot and type "use this channel for ${words}".`);
    this.name = "PanelChannelNotChosenError";
  }
}

/**
 * A posted card's conversation is not one the bot knows, so it cannot be reached.
 *
 * @example
 * new UnknownConversationError("19:x@thread.tacv2;messageid=1").message // "The bot has no record of the Teams conversation 19:x…"
 */
export class UnknownConversationError extends Error {
  constructor(conversationId: string) {
    super(`The bot has no record of the Teams conversation ${conversationId}; was the card posted by this app, with this storage account?`);
    this.name = "UnknownConversationError";
  }
}

const cardAttachment = (card: AdaptiveCardJson) => ({ contentType: "application/vnd.microsoft.card.adaptive", content: card });
const asActivity = (a: Record<string, unknown>) => a as unknown as Activity;
/** The channel (thread root) part of a Teams conversation id: `19:abc@thread.tacv2;messageid=123` → `19:abc@thread.tacv2`. */
const channelPart = (conversationId: string) => conversationId.split(";")[0] ?? conversationId;

/**
 * @param adapter The process's `CloudAdapter` (its auth configuration gives the token for Teams).
 * @param store Where conversation references and the panels' channels are kept.
 * @param botId The bot's app id (`BOT_CLIENT_ID`); undefined for the anonymous local Playground.
 *
 * @example
 * const channel = botTeamsChannel(adapter, store, settings.BOT_CLIENT_ID);
 * const posted = await channel.postCard("coreGroup", card, "LNCIP-2026-0042 is ready for Core Group");
 * await channel.updateCard(posted, updatedCard);
 * await channel.replyInThread(posted, "Two school days to the meeting: 2 views still to come.");
 */
export function botTeamsChannel(adapter: CloudAdapter, store: ConversationStore, botId: string | undefined): TeamsChannel {
  // Anonymous (local Playground only): an identity without an audience makes the SDK call the connector without a token.
  const identity = botId ? botId : {};

  async function inConversation<T>(conversation: TeamsConversation, work: (context: TurnContext) => Promise<T>): Promise<T> {
    const reference = {
      channelId: "msteams",
      serviceUrl: conversation.serviceUrl,
      conversation: { id: conversation.conversationId, isGroup: true, conversationType: conversation.conversationType, tenantId: conversation.tenantId },
      agent: { id: conversation.botId },
    } as unknown as ConversationReference;
    let result: { value: T } | undefined;
    let failure: unknown;
    // Errors are caught inside the turn: the adapter's onTurnError would otherwise swallow them (and post its own
    // message into the channel), and the workflow must see the failure to retry.
    await adapter.continueConversation(identity, reference, async (context) => {
      try {
        result = { value: await work(context) };
      } catch (e) {
        failure = e;
      }
    });
    if (failure !== undefined) throw failure;
    if (!result) throw new Error(`The bot could not reach the Teams conversation ${conversation.conversationId}.`);
    return result.value;
  }

  /** The stored reference for a posted card's thread (or, failing that, its channel). */
  async function conversationOf(posted: PostedCard): Promise<TeamsConversation> {
    const known = await store.known();
    const exact = known.find((c) => c.conversationId === posted.conversationId);
    if (exact) return exact;
    const channel = known.find((c) => channelPart(c.conversationId) === channelPart(posted.conversationId));
    if (!channel) throw new UnknownConversationError(posted.conversationId);
    return { ...channel, conversationId: posted.conversationId };
  }

  return {
    async postCard(panel, card, summary) {
      const chosen = await store.chosen(panel);
      if (!chosen) throw new PanelChannelNotChosenError(panel);
      const created = await inConversation({ ...chosen, conversationId: chosen.channelId }, async (context) => {
        const client = context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
        // A new post (thread) in the channel: Teams needs the first message in the create call.
        const parameters = {
          isGroup: true,
          bot: { id: chosen.botId },
          tenantId: chosen.tenantId,
          channelData: { channel: { id: chosen.channelId }, ...(chosen.tenantId ? { tenant: { id: chosen.tenantId } } : {}) },
          activity: { type: "message", summary, attachments: [cardAttachment(card)] },
        };
        return client.createConversation(parameters as unknown as Parameters<ConnectorClient["createConversation"]>[0]);
      });
      const messageId = created.activityId ?? /;messageid=([^;]+)/.exec(created.id)?.[1];
      if (!created.id || !messageId) throw new Error("Teams created the post but did not say its message id; the card cannot be updated later.");
      const posted: PostedCard = { conversationId: created.id, messageId };
      await store.remember({ ...chosen, conversationId: posted.conversationId });
      return posted;
    },

    async updateCard(posted, card) {
      const conversation = await conversationOf(posted);
      await inConversation(conversation, (context) => context.updateActivity(asActivity({ type: "message", id: posted.messageId, attachments: [cardAttachment(card)] })));
    },

    async replyInThread(posted, text) {
      const conversation = await conversationOf(posted);
      await inConversation(conversation, (context) => context.sendActivity(asActivity({ type: "message", text, replyToId: posted.messageId })));
    },
  };
}
