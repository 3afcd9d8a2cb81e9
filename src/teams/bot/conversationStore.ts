import type { AppState } from "../../m365/tables/appState";
import type { PanelChannel } from "../teamsChannel";

/**
 * Where the bot can post without being spoken to first: the conversation references Teams gave it (on
 * installation, or with any activity), and which team channel each panel (Core Group, Inclusion Forum) uses.
 * Kept in the app-state table, so every instance of the app sees the same choice.
 */

/** What a proactive post needs to reach a conversation (no user identity in it). */
export interface TeamsConversation {
  /** The bot connector to call: `https://smba.trafficmanager.net/...` in Teams, the Playground's `/_connector` locally. */
  serviceUrl: string;
  /** The conversation as Teams names it (in a channel, the channel's id or a thread `...;messageid=...`). */
  conversationId: string;
  conversationType?: string | undefined;
  tenantId?: string | undefined;
  teamId?: string | undefined;
  /** The Teams channel id (`19:...@thread.tacv2`), when the conversation is in a team channel. */
  channelId?: string | undefined;
  /** The bot's id in this conversation (`28:<app id>` in Teams). */
  botId: string;
}

/** A panel's channel, as a coordinator picked it. */
export interface ChosenChannel extends TeamsConversation {
  channelId: string;
  chosenAt: string;
}

/**
 * @example
 * const store = conversationStore(appState(tableStore(conn, "AppState")));
 * await store.remember(reference);
 * await store.choose("coreGroup", { ...reference, channelId: "19:abc@thread.tacv2" }, new Date());
 * (await store.chosen("coreGroup"))?.channelId // "19:abc@thread.tacv2"
 */
export interface ConversationStore {
  remember(conversation: TeamsConversation): Promise<void>;
  choose(panel: PanelChannel, conversation: TeamsConversation & { channelId: string }, now: Date): Promise<ChosenChannel>;
  chosen(panel: PanelChannel): Promise<ChosenChannel | undefined>;
  known(): Promise<TeamsConversation[]>;
  /** The bot was removed from a team: forget its conversations there (a panel channel in it must be picked again). */
  forgetTeam(teamId: string): Promise<void>;
}

const CONVERSATIONS = "teamsConversations";
const PANEL_CHANNELS = "teamsPanelChannels";

/**
 * The conversation store on the app-state table (scopes `teamsConversations`, `teamsPanelChannels`).
 *
 * @example
 * const store = conversationStore(appState(tableStore(settings.AzureWebJobsStorage, "AppState")));
 * await store.chosen("inclusionForum") // undefined until a coordinator types the command in a channel
 */
export function conversationStore(state: AppState): ConversationStore {
  return {
    async remember(conversation) {
      await state.put(CONVERSATIONS, conversation.conversationId, conversation);
    },
    async choose(panel, conversation, now) {
      const chosen: ChosenChannel = { ...conversation, chosenAt: now.toISOString() };
      await state.put(PANEL_CHANNELS, panel, chosen);
      return chosen;
    },
    async chosen(panel) {
      return (await state.get<ChosenChannel>(PANEL_CHANNELS, panel))?.value;
    },
    async known() {
      return (await state.list<TeamsConversation>(CONVERSATIONS)).map((row) => row.value);
    },
    async forgetTeam(teamId) {
      for (const row of await state.list<TeamsConversation>(CONVERSATIONS)) if (row.value.teamId === teamId) await state.remove(CONVERSATIONS, row.name);
      for (const row of await state.list<ChosenChannel>(PANEL_CHANNELS)) if (row.value.teamId === teamId) await state.remove(PANEL_CHANNELS, row.name);
    },
  };
}
