import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { handleBotRequest } from "../teams/bot/functionsBotAdapter";
import type { Settings } from "../settings/settings";
import { appPorts } from "./composition";
import { teams, type TeamsPorts } from "./teamsWiring";
import { cardActionHandlers, coreGroupTimerRound } from "./coreGroupWiring";
import { structuredLog } from "./log/structuredLog";

/** Where the panels' handlers log: the invocation being served (the handlers are built once per process). */
let sink: (message: string) => void = () => undefined;

let wired = false;

/**
 * The Teams ports with the Core Group and Inclusion Forum wired in: presses of `coreGroup.*` and
 * `inclusionForum.*` reach the panels' workflows, and choosing a channel posts the cards kept until one was chosen.
 * Built once per process; `context` only says where this invocation's log lines go.
 *
 * @example
 * const { adapter, bot } = panelTeams(settings, context); // then handleBotRequest(adapter, …, bot.onTurn)
 */
export function panelTeams(settings: Settings, context?: InvocationContext): TeamsPorts {
  if (context) {
    const log = structuredLog(context);
    sink = (m) => log.info(m);
  }
  const t = teams(settings);
  if (!wired) {
    const ports = appPorts(settings);
    const handlers = cardActionHandlers(ports, t.channel, (m) => sink(m));
    t.registerCardActions("coreGroup", handlers.coreGroup);
    t.registerCardActions("inclusionForum", handlers.inclusionForum);
    t.whenChannelChosen(async () => void (await coreGroupTimerRound(ports, t.channel, ports.now(), (m) => sink(m))));
    wired = true;
  }
  return t;
}

/**
 * Answers one POST /api/messages with the panels' bot: the SDK's JWT check, then the turn.
 *
 * @example
 * return answerBotRequest(settings, request, context) // 401 without a valid token; the invoke response otherwise
 */
export async function answerBotRequest(settings: Settings, request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { adapter, bot } = panelTeams(settings, context);
  return handleBotRequest(adapter, settings, process.env, request, bot.onTurn);
}
