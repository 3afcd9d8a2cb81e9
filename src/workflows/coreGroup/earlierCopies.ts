import { postedAgainCard } from "../../teams/cards/cardTemplates";
import type { CardAction, CardActionResult, PostedCard } from "../../teams/teamsChannel";

/**
 * A press on an earlier copy of a card that was posted again: its answer is the line pointing to the newest post
 * (the copy's buttons are gone for everyone whose Teams has the update; this is for whoever still had them). The
 * press changes nothing: the person gives their view on the newest post, which shows the case as it stands.
 *
 * @example
 * pressOnEarlierCopy(record, action) // { kind: "card", card: <"This card has been posted again…"> } or undefined
 */
export function pressOnEarlierCopy(
  record: { posted: PostedCard; superseded?: PostedCard[] | undefined } | undefined,
  action: Pick<CardAction, "messageId">,
  words: { title: string; text: string },
): CardActionResult | undefined {
  if (!record || !action.messageId || action.messageId === record.posted.messageId) return undefined;
  if (!record.superseded?.some((p) => p.messageId === action.messageId)) return undefined;
  return { kind: "card", card: postedAgainCard(words) };
}
