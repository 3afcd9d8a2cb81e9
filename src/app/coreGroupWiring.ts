import type { AppPorts } from "./composition";
import { caseCommands } from "./listChangeWiring";
import { coreGroupPortsFrom } from "./coreGroupPorts";
import { ChannelNotChosenError, type CardActionHandler, type TeamsChannel } from "../teams/teamsChannel";
import { carryOutPendingCardEffects, coreGroupCardActions, inclusionForumCardActions, postDueInclusionForumAgendas, remindCoreGroupMembers, type CoreGroupPorts, type ReminderReport } from "../workflows/coreGroup";

/**
 * The card workflows' ports in the running app: `caseCommands` as the way to change a case, with the same Teams
 * channel, so a decision's `updateCoreGroupCard` effect refreshes the card through it.
 *
 * @example
 * const cg = coreGroupPortsFor(appPorts(settings), teams, (m) => context.log(m))
 */
export function coreGroupPortsFor(ports: AppPorts, teams: TeamsChannel, log: (m: string) => void): CoreGroupPorts {
  return coreGroupPortsFrom(ports, teams, caseCommands(ports, log, () => teams), log);
}

/**
 * The bot's handlers for the card verbs: `coreGroup.*` and `inclusionForum.*`.
 *
 * @example
 * const handlers = cardActionHandlers(appPorts(settings), teams, log);
 * await handlers.coreGroup(action) // for action.verb starting "coreGroup."
 */
export function cardActionHandlers(ports: AppPorts, teams: TeamsChannel, log: (m: string) => void): { coreGroup: CardActionHandler; inclusionForum: CardActionHandler } {
  const cg = coreGroupPortsFor(ports, teams, log);
  return { coreGroup: coreGroupCardActions(cg), inclusionForum: inclusionForumCardActions(cg) };
}

/**
 * What the hourly Core Group timer does: card effects kept pending while there was no Teams channel, reminders two
 * school days before each meeting, cards of cases that rolled to another meeting, and the agendas of forums due
 * within two school days.
 *
 * @example
 * await coreGroupTimerRound(appPorts(settings), teams, new Date(), log) // { reminded: 2, refreshed: 0, agendas: ["IF-2026-12"] }
 */
export async function coreGroupTimerRound(ports: AppPorts, teams: TeamsChannel, now: Date, log: (m: string) => void): Promise<ReminderReport & { agendas: string[] }> {
  const cg = coreGroupPortsFor(ports, teams, log);
  const pending = await carryOutPendingCardEffects(cg);
  if (pending) log(`Carried out ${pending} Core Group card effect(s) kept while there was no Teams channel`);
  const report = await remindCoreGroupMembers(cg, now);
  return { ...report, agendas: await postDueInclusionForumAgendas(cg, now) };
}

/**
 * The hourly Core Group timer's round, or why it could not run: no Teams channel (the bot is not set up), or no
 * panel channel chosen yet (the cards are kept until a coordinator chooses one).
 *
 * @example
 * await coreGroupHourlyRound(appPorts(settings), teams, new Date(), log) // { ran: true, reminded: 2, refreshed: 0, agendas: [] }
 */
export async function coreGroupHourlyRound(
  ports: AppPorts,
  teams: TeamsChannel | undefined,
  now: Date,
  log: (m: string) => void,
): Promise<({ ran: true } & ReminderReport & { agendas: string[] }) | { ran: false; why: "noTeams" | "channelNotChosen"; message: string }> {
  if (!teams) return { ran: false, why: "noTeams", message: "no Teams channel yet (the bot is not set up)" };
  try {
    return { ran: true, ...(await coreGroupTimerRound(ports, teams, now, log)) };
  } catch (e) {
    if (!(e instanceof ChannelNotChosenError)) throw e;
    return { ran: false, why: "channelNotChosen", message: e.message };
  }
}
