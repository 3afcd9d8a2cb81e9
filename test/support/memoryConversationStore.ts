import type { ChosenChannel, ConversationStore, TeamsConversation } from "../../src/teams/bot/conversationStore";
import type { PanelChannel } from "../../src/teams/teamsChannel";

/** A ConversationStore in memory, for tests of the bot that need no storage emulator. */
export function memoryStore(): ConversationStore {
  const known = new Map<string, TeamsConversation>();
  const chosen = new Map<PanelChannel, ChosenChannel>();
  return {
    remember: async (c) => void known.set(c.conversationId, c),
    choose: async (panel, c, now) => {
      const value = { ...c, chosenAt: now.toISOString() };
      chosen.set(panel, value);
      return value;
    },
    chosen: async (panel) => chosen.get(panel),
    known: async () => [...known.values()],
    forgetTeam: async (teamId) => {
      for (const [id, c] of known) if (c.teamId === teamId) known.delete(id);
      for (const [panel, c] of chosen) if (c.teamId === teamId) chosen.delete(panel);
    },
  };
}

