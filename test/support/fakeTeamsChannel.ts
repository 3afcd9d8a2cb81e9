import type { AdaptiveCardJson, PanelChannel, PostedCard, TeamsChannel } from "../../src/teams/teamsChannel";

/** One message in a fake channel: the card everyone sees now, every version it had, and its thread's replies. */
export interface FakeMessage {
  channel: PanelChannel;
  posted: PostedCard;
  summary: string;
  card: AdaptiveCardJson;
  versions: AdaptiveCardJson[];
  replies: string[];
}

/**
 * An in-memory Teams channel that behaves like the port's real implementation: each post starts a new thread
 * with its own message id; updating or replying to a message that was never posted fails as Teams would (404).
 *
 * @example
 * const teams = fakeTeamsChannel();
 * const posted = await teams.postCard("coreGroup", card, "LNCIP-2026-0042 is ready");
 * teams.message(posted).versions.length // 1
 */
export interface FakeTeamsChannel extends TeamsChannel {
  readonly messages: FakeMessage[];
  message(posted: PostedCard): FakeMessage;
  /** Everything the channel was given (cards, summaries, replies), as one string for privacy scans. */
  everything(): string;
}

export function fakeTeamsChannel(): FakeTeamsChannel {
  const messages: FakeMessage[] = [];
  let next = 1;
  const find = (posted: PostedCard) => {
    const m = messages.find((x) => x.posted.conversationId === posted.conversationId && x.posted.messageId === posted.messageId);
    if (!m) throw Object.assign(new Error(`Teams: message ${posted.messageId} not found in ${posted.conversationId}`), { statusCode: 404 });
    return m;
  };
  const copy = (card: AdaptiveCardJson) => JSON.parse(JSON.stringify(card)) as AdaptiveCardJson;
  return {
    messages,
    message: find,
    everything: () => JSON.stringify(messages),
    async postCard(channel, card, summary) {
      const id = String(next++);
      const posted = { conversationId: `19:${channel}@thread.tacv2;messageid=${id}`, messageId: id };
      messages.push({ channel, posted, summary, card: copy(card), versions: [copy(card)], replies: [] });
      return posted;
    },
    async updateCard(posted, card) {
      const m = find(posted);
      m.card = copy(card);
      m.versions.push(copy(card));
    },
    async replyInThread(posted, text) {
      find(posted).replies.push(text);
    },
  };
}
