import type { CloudAdapter } from "@microsoft/agents-hosting";
import { appState, tableStore } from "../m365/tables";
import { currentLog } from "./log/invocationLog";
import type { Settings } from "../settings/settings";
import { botAdapter } from "../teams/bot/functionsBotAdapter";
import { conversationStore, type ConversationStore } from "../teams/bot/conversationStore";
import { panelBot } from "../teams/bot/panelBot";
import type { OpenCasesAsked } from "../teams/bot/openCases";
import { pingCard, pingHandler } from "../teams/bot/pingCard";
import { botTeamsChannel } from "../teams/bot/botTeamsChannel";
import type { CardActionHandler, PanelChannel, TeamsChannel } from "../teams/teamsChannel";
import { teamsUserIds } from "../teams/teamsUserIds";
import type { Role } from "../domain/access";

/**
 * The Teams side of the app: the Agents SDK adapter (with the bot's
 * auth configuration), the conversation store, the `TeamsChannel` the card workflows post through, the bot's turn
 * logic and the registry of card action handlers by verb family.
 */
export interface TeamsPorts {
  adapter: CloudAdapter;
  store: ConversationStore;
  /** Posts and updates cards in the panels' channels (proactively, from any function). */
  channel: TeamsChannel;
  /** The bot's turn logic, for `handleBotRequest` in POST /api/messages. */
  bot: ReturnType<typeof panelBot>;
  /** Routes presses of verbs `<prefix>.*` (e.g. `coreGroup`) to `handler`; a later registration replaces it. */
  registerCardActions(prefix: string, handler: CardActionHandler): void;
  /** Runs `listener` after a coordinator chooses a panel's channel (a later registration replaces it). */
  whenChannelChosen(listener: (panel: PanelChannel) => Promise<void>): void;
  /** Who a person is in the partnership's roles (the app's People and CoreGroupPanel lists): until set, nobody has a role. */
  identifyPeopleWith(roles: (from: { id: string; aadObjectId?: string | undefined; name?: string | undefined }) => Promise<readonly Role[]>): void;
  /** Answers a SENCO's "Ofsted pack" in Teams with `listener` (a later registration replaces it). */
  whenOfstedPackAsked(listener: (request: { email: string | undefined; key: string }) => Promise<string>): void;
  /** Answers "show open cases" (typed, a channel chosen again, a reloaded Playground) with `listener` (a later registration replaces it). */
  whenOpenCasesAsked(listener: OpenCasesAsked): void;
}

/**
 * Builds the Teams side from the settings (the app builds it once: `theApp()`; tests and scripts build their own).
 *
 * @example
 * const { channel } = composeTeams(loadSettings(process.env));
 * await channel.updateCard(posted, card); // from a script, over the app's own storage
 */
export function composeTeams(settings: Settings, now: () => Date = () => new Date()): TeamsPorts {
  const adapter = botAdapter(settings);
  const state = appState(tableStore(settings.AzureWebJobsStorage, "AppState"));
  const store = conversationStore(state);
  const handlers = new Map<string, CardActionHandler>([["bot", pingHandler]]);
  let chosen: ((panel: PanelChannel) => Promise<void>) | undefined;
  let rolesOf: ((from: { id: string; aadObjectId?: string | undefined }) => Promise<readonly Role[]>) | undefined;
  // Through the invocation's structured log (scrubbed like every line), never straight to the console.
  const log = (message: string, fields: Record<string, unknown> = {}) => currentLog().warn(`${message}: ${JSON.stringify(fields)}`);
  let ofstedPack: ((request: { email: string | undefined; key: string }) => Promise<string>) | undefined;
  let openCases: OpenCasesAsked | undefined;
  // The SDK's default tells the user to "fix the source code": say something a coordinator can act on instead.
  adapter.onTurnError = async (context, error) => {
    log("A Teams turn failed", { activityType: context.activity.type, error: error.message });
    if (context.activity.type === "message") await context.sendActivity("Sorry, the app could not do that just now. Please try again in a few minutes.").catch(() => undefined);
  };
  return {
    adapter,
    store,
    channel: botTeamsChannel(adapter, store, settings.BOT_CLIENT_ID),
    // Handler failures answer the presser in words; the detail (scrubbed of anything personal) goes to the log.
    bot: panelBot({
      store,
      handlers,
      pingCard,
      now,
      log,
      channelChosen: async (panel) => chosen?.(panel),
      users: teamsUserIds(state),
      tenantId: settings.BOT_TENANT_ID?.trim() || settings.AZURE_TENANT_ID,
      teamId: settings.PARTNERSHIP_TEAM_ID,
      roles: async (from) => (rolesOf ? rolesOf(from) : []),
      openCasesAsked: async (panels, key) => (openCases ? openCases(panels, key) : ""),
      ofstedPack: async (request) => (ofstedPack ? ofstedPack(request) : "Ofsted packs cannot be sent from here just now; please ask the partnership Coordinator."),
    }),
    registerCardActions(prefix, handler) {
      handlers.set(prefix.replace(/\.$/, ""), handler);
    },
    whenChannelChosen(listener) {
      chosen = listener;
    },
    identifyPeopleWith(roles) {
      rolesOf = roles;
    },
    whenOfstedPackAsked(listener) {
      ofstedPack = listener;
    },
    whenOpenCasesAsked(listener) {
      openCases = listener;
    },
  };
}
