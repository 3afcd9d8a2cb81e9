/**
 * The contract between the Teams bot (which talks to Teams through the Microsoft 365 Agents SDK) and the
 * workflows that decide what the Core Group and Inclusion Forum cards say. The workflows never see the SDK: they
 * post and update cards through `TeamsChannel` and answer button presses as a `CardActionHandler`.
 */

/** Which channel of the partnership's team a post belongs in (picked with a command typed in that channel). */
export type PanelChannel = "coreGroup" | "inclusionForum";

/** An Adaptive Card (1.5 for Teams) as JSON, after its template has been bound to data. */
export interface AdaptiveCardJson {
  type: "AdaptiveCard";
  version: string;
  body?: unknown[];
  actions?: unknown[];
  refresh?: unknown;
  [property: string]: unknown;
}

/** Where a posted card lives, so it can be updated for everyone or replied to in its thread. */
export interface PostedCard {
  conversationId: string;
  messageId: string;
}

/**
 * Nobody has chosen a Teams channel for the panel yet. Card effects meeting it are kept, not failed, and posted
 * once a coordinator chooses the channel (the bot then posts what was kept).
 */
export class ChannelNotChosenError extends Error {
  constructor(
    readonly panel: PanelChannel,
    message: string,
  ) {
    super(message);
    this.name = "ChannelNotChosenError";
  }
}

/** Posts and updates cards in the partnership's Teams channels (the bot, proactively). */
export interface TeamsChannel {
  /** Starts a new post (thread) in the channel with the card. `summary` is the notification text: no identity. */
  postCard(channel: PanelChannel, card: AdaptiveCardJson, summary: string): Promise<PostedCard>;
  /** Replaces a posted card for everyone who sees it. */
  updateCard(posted: PostedCard, card: AdaptiveCardJson): Promise<void>;
  /** A text reply in the card's thread (a reminder, a case rolling to the next meeting). */
  replyInThread(posted: PostedCard, text: string): Promise<void>;
}

/** A press of an `Action.Execute` button (or a `refresh`), as the bot received it from Teams. */
export interface CardAction {
  verb: string;
  data: Record<string, unknown>;
  /** Who pressed. Teams gives `aadObjectId`; the Agents Playground only `id` (user-id-0 … user-id-5). */
  from: { id: string; aadObjectId?: string | undefined; name?: string | undefined };
  /** `automatic` when a card's `refresh` asked for the presser's own view; never update the shared card then. */
  trigger: "manual" | "automatic";
  conversationId: string;
  /** The message the card is in (`replyToId`), when Teams says. */
  messageId?: string | undefined;
}

/** What the bot answers a press with. */
export type CardActionResult =
  /** Replaces the card for the presser only (Teams' invoke response). */
  | { kind: "card"; card: AdaptiveCardJson }
  | { kind: "message"; text: string }
  | { kind: "error"; statusCode: 400 | 500; message: string };

/** Answers the presses of one family of verbs (e.g. `coreGroup.*`). */
export type CardActionHandler = (action: CardAction) => Promise<CardActionResult>;
