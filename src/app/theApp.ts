import { coreGroupCardActions, coreGroupRound, inclusionForumCardActions, showOpenCases } from "../workflows/coreGroup";
import { ofstedPackForSenco } from "../workflows/reports/ofstedPackRequests";
import { composeApp, type App } from "./composition";
import { formDefinition, settings } from "./processSettings";
import { composeTeams, type TeamsPorts } from "./teamsWiring";

let running: { app: App; bot: TeamsPorts } | undefined;

/**
 * The app of this process, built on first use from its settings (parsed when the first function module loads) and
 * kept: every function invocation shares its lists, tables, clients and caches, so each list's id is resolved
 * once, each token is fetched once, and the school directory's cache lives between invocations.
 *
 * @example
 * await recordMarks(theApp().ports.recordMarks, body)
 */
export function theApp(): App {
  return start().app;
}

/**
 * The bot of this process: its adapter and turn logic, with the Core Group and Inclusion Forum cards' presses routed
 * to their workflows, the cards kept until a panel's channel is chosen posted when it is, and the open cases' cards
 * posted again when someone asks ("show open cases").
 *
 * @example
 * const { adapter, bot } = theBot(); // then handleBotRequest(adapter, …, bot.onTurn)
 */
export function theBot(): TeamsPorts {
  return start().bot;
}

function start(): { app: App; bot: TeamsPorts } {
  if (running) return running;
  const bot = composeTeams(settings);
  const app = composeApp(settings, { teams: bot.channel, formDefinition });
  bot.identifyPeopleWith(async (from) => (await app.people.presser(from)).roles);
  const coreGroup = app.ports.coreGroup;
  if (coreGroup) {
    bot.registerCardActions("coreGroup", coreGroupCardActions(coreGroup));
    bot.registerCardActions("inclusionForum", inclusionForumCardActions(coreGroup));
    bot.whenChannelChosen(async () => void (await coreGroupRound(coreGroup, app.now())));
    bot.whenOpenCasesAsked(async (panels, requestKey) => (await showOpenCases(coreGroup, panels, requestKey)).reply);
  }
  bot.whenOfstedPackAsked((request) => ofstedPackForSenco(app.ports.reports, request));
  running = { app, bot };
  return running;
}
