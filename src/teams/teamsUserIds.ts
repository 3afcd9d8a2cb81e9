import { StaleStateError, type AppState } from "../m365/tables/appState";

const SCOPE = "teamsUsers";
const NAME = "byEntraObjectId";

/**
 * The Teams user ids (MRIs, `29:…`) of the people the bot has heard from, by their Entra object id. The
 * CoreGroupPanel list names members by Entra object id, but a card's `refresh.userIds` must list Teams user ids
 * for Teams to ask the bot for each member's own view; the bot learns each pair from any activity a person sends
 * (a message, a press), which carries both. Staff identifiers only: no pupil data.
 */
export interface TeamsUserIds {
  /** Keeps `teamsUserId` for `entraObjectId` (nothing is written when it is already known). */
  remember(entraObjectId: string, teamsUserId: string): Promise<void>;
  /** A lookup for rendering a card: the Teams user id known for a panel id, or the id itself (already one, or not yet seen). */
  lookup(): Promise<(panelId: string) => string>;
}

/**
 * @example
 * const users = teamsUserIds(appState(tableStore(conn, "AppState")));
 * await users.remember("8c2f…-entra", "29:1Xy…");
 * (await users.lookup())("8c2f…-entra") // "29:1Xy…"
 * (await users.lookup())("someone-new") // "someone-new"
 */
export function teamsUserIds(state: AppState): TeamsUserIds {
  // Every activity reports its sender: remember what this process has already seen, so most cost no table call.
  const seen = new Map<string, string>();
  return {
    async remember(entraObjectId, teamsUserId) {
      if (!entraObjectId || !teamsUserId || entraObjectId === teamsUserId || seen.get(entraObjectId) === teamsUserId) return;
      // Read, write, read again until the pair is there: a first write (no version to guard it) can be overwritten
      // by another first write at the same moment, and a guarded one can meet a newer version.
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await state.get<Record<string, string>>(SCOPE, NAME);
        if (current?.value[entraObjectId] === teamsUserId) {
          seen.set(entraObjectId, teamsUserId);
          return;
        }
        try {
          await state.put(SCOPE, NAME, { ...current?.value, [entraObjectId]: teamsUserId }, current?.version);
        } catch (e) {
          if (!(e instanceof StaleStateError)) throw e;
        }
      }
    },
    async lookup() {
      const known = (await state.get<Record<string, string>>(SCOPE, NAME))?.value ?? {};
      return (panelId) => known[panelId] ?? panelId;
    },
  };
}
