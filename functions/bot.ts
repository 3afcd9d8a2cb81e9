import { app } from "@azure/functions";
import { settings } from "../src/app/settings";
import { answerBotRequest } from "../src/app/panelTeams";

/**
 * POST /api/messages: the Teams bot's endpoint (the Azure Bot's messaging endpoint). Function-key auth is off
 * because Teams cannot send one: the Bot Service's JWT is the authentication, checked by the Agents SDK before
 * any turn runs (401 otherwise); anonymous requests only on loopback in local development.
 */
app.http("bot", {
  route: "messages",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: async (request, context) => {
    try {
      return await answerBotRequest(settings, request, context);
    } catch (e) {
      context.error(`The bot could not handle an activity: ${e instanceof Error ? e.message : String(e)}`);
      return { status: 500, jsonBody: { error: "the bot could not handle the activity" } };
    }
  },
});
