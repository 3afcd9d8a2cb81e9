import type { AppPorts } from "./composition";
import type { TeamsChannel } from "../teams/teamsChannel";

/**
 * The bot's Teams channel for the running app, or undefined while there is no bot (the Core Group card effects
 * then stay pending in app state, and the Core Group timer does nothing). The Teams bot provides it.
 *
 * @example
 * const teams = teamsChannelFor(appPorts(settings)); if (teams) await coreGroupTimerRound(ports, teams, now, log)
 */
export function teamsChannelFor(_ports: AppPorts): TeamsChannel | undefined {
  return undefined;
}
