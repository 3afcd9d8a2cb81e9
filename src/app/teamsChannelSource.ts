import type { AppPorts } from "./composition";
import type { TeamsChannel } from "../teams/teamsChannel";
import { teams } from "./teamsWiring";

/**
 * The bot's Teams channel for the running app. Until a coordinator has chosen a panel's channel, posting to it
 * fails with `ChannelNotChosenError`, and the Core Group card effects are kept (pending) until one is chosen.
 *
 * @example
 * const channel = teamsChannelFor(appPorts(settings)); if (channel) await coreGroupTimerRound(ports, channel, now, log)
 */
export function teamsChannelFor(ports: AppPorts): TeamsChannel | undefined {
  return teams(ports.settings).channel;
}
