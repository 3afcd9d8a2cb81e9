import { ChannelNotChosenError } from "../../teams/teamsChannel";
import type { CoreGroupPorts } from "./coreGroupPorts";
import { postDueInclusionForumAgendas } from "./inclusionForum";
import { carryOutPendingCardEffects } from "./pendingCardEffects";
import { remindCoreGroupMembers, type ReminderReport } from "./reminders";

/** What the hourly round did, or why it could not run. */
export type HourlyRoundReport =
  | ({ ran: true; pending: number; agendas: string[] } & ReminderReport)
  | { ran: false; why: "noTeams" | "channelNotChosen"; message: string };

/**
 * The hourly Core Group round: card effects kept pending while there was no Teams channel, reminders two school
 * days before each meeting, cards of cases that rolled to another meeting, and the agendas of forums due within two
 * school days. Without the bot, or before a coordinator has chosen a panel's channel, it says so and does nothing
 * (the cards are kept until there is a channel).
 *
 * @example
 * await coreGroupHourlyRound(ports, new Date("2026-12-01T09:05:00Z")) // { ran: true, pending: 0, reminded: 2, refreshed: 0, agendas: ["IF-2026-12"] }
 */
export async function coreGroupHourlyRound(ports: CoreGroupPorts | undefined, now: Date): Promise<HourlyRoundReport> {
  if (!ports) return { ran: false, why: "noTeams", message: "no Teams channel yet (the bot is not set up)" };
  try {
    return { ran: true, ...(await coreGroupRound(ports, now)) };
  } catch (e) {
    if (!(e instanceof ChannelNotChosenError)) throw e;
    return { ran: false, why: "channelNotChosen", message: e.message };
  }
}

/**
 * The round itself (see `coreGroupHourlyRound`), also run when a coordinator chooses a panel's channel: the cards
 * kept until then are posted. A channel still to be chosen fails it with `ChannelNotChosenError`.
 *
 * @example
 * await coreGroupRound(ports, now) // { pending: 1, reminded: 0, refreshed: 0, agendas: [] }
 */
export async function coreGroupRound(ports: CoreGroupPorts, now: Date): Promise<{ pending: number; agendas: string[] } & ReminderReport> {
  const pending = await carryOutPendingCardEffects(ports);
  if (pending) ports.log(`Carried out ${pending} Core Group card effect(s) kept while there was no Teams channel`);
  const report = await remindCoreGroupMembers(ports, now);
  return { pending, ...report, agendas: await postDueInclusionForumAgendas(ports, now) };
}
