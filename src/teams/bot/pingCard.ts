import type { AdaptiveCardJson, CardActionHandler } from "../teamsChannel";

/**
 * A tiny demonstration of Universal Actions that needs no case: typing "ping" to the bot answers with a card whose
 * button (`bot.ping`) the bot answers with a "pong" card naming the presser's Teams id (never a pupil). It proves
 * the whole path (Teams → bot → handler → card for the presser) on a fresh install and in the tests.
 */

/**
 * The card with the Ping button.
 *
 * @example
 * pingCard().actions // [{ type: "Action.Execute", verb: "bot.ping", title: "Ping", data: {} }]
 */
export function pingCard(): AdaptiveCardJson {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body: [{ type: "TextBlock", text: "Inclusion Flow is connected. Press Ping to check the buttons work.", wrap: true }],
    actions: [{ type: "Action.Execute", verb: "bot.ping", title: "Ping", data: {} }],
  };
}

/**
 * Answers `bot.ping` with a card saying "pong" and who pressed (their Teams id).
 *
 * @example
 * await pingHandler({ verb: "bot.ping", data: {}, from: { id: "user-id-1" }, trigger: "manual", conversationId: "c" })
 * // { kind: "card", card: { ..., body: [{ type: "TextBlock", text: "pong for user-id-1" }] } }
 */
export const pingHandler: CardActionHandler = async (action) => {
  if (action.verb !== "bot.ping") return { kind: "error", statusCode: 400, message: `This button (${action.verb}) is not one the app knows.` };
  return {
    kind: "card",
    card: {
      type: "AdaptiveCard",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      version: "1.5",
      body: [{ type: "TextBlock", text: `pong for ${action.from.id}`, wrap: true }],
      actions: [{ type: "Action.Execute", verb: "bot.ping", title: "Ping again", data: {} }],
    },
  };
};
