import type { PanelChannel } from "../teamsChannel";
import type { ConversationStore } from "./conversationStore";

/**
 * "Show open cases", as the bot hears it: the panels' cards posted again in the channel they use. Asked for three
 * ways — typed ("show open cases", @mentioning the bot) in a panel's channel; by choosing a panel's channel again;
 * and, in the Agents Playground, by opening the channel after reloading the page (the Playground's page shows only
 * what arrives while it is open, and says the app is installed — `installationUpdate` — each time a conversation
 * is first opened). Who may: anyone in the panel's channel, who sees its cards anyway; nothing is decided by it.
 */

/** The app's side of "show open cases": posts the panels' cards again and says what it did, in the users' words. */
export type OpenCasesAsked = (panels: readonly PanelChannel[], requestKey: string) => Promise<string>;

/**
 * The panels whose chosen channel is `channelId` (a team may use one channel for both).
 *
 * @example
 * await panelsUsing(store, "19:general@thread.tacv2") // ["coreGroup"]
 */
export async function panelsUsing(store: Pick<ConversationStore, "chosen">, channelId: string | undefined): Promise<PanelChannel[]> {
  if (!channelId) return [];
  const panels: PanelChannel[] = [];
  for (const panel of ["coreGroup", "inclusionForum"] as const) if ((await store.chosen(panel))?.channelId === channelId) panels.push(panel);
  return panels;
}

/** The bot's answer when "show open cases" is typed outside a panel's channel. */
export const notAPanelChannel =
  'I post the open cases\' cards again in the Core Group and Inclusion Forum channels: type "show open cases" there, @mentioning me. To choose a channel, type "use this channel for Core Group" (or Inclusion Forum) in it.';

/**
 * What to say for an activity that asks the panels' cards to be shown again, once they have been: the workflow's
 * reply, or nothing for the Playground's silent "installed" (the cards themselves are the answer).
 *
 * @example
 * await showOpenCasesFor(["coreGroup"], "a-17", asked) // "Posted again: 1 Core Group card. …"
 */
export async function showOpenCasesFor(panels: readonly PanelChannel[], requestKey: string, asked: OpenCasesAsked | undefined): Promise<string | undefined> {
  if (!asked || panels.length === 0) return undefined;
  return asked(panels, requestKey);
}
