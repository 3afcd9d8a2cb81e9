import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { answerBotRequest } from "../src/app/botEndpoint";
import { inInvocation } from "../src/app/log/invocationLog";

/**
 * POST /api/messages: the Teams bot's endpoint (the Azure Bot's messaging endpoint). Function-key auth is off
 * because Teams cannot send one: the Bot Service's JWT is the authentication, checked by the Agents SDK before
 * any turn runs (401 otherwise); anonymous requests only on loopback in local development.
 */
export async function botHandler(request: HttpRequest, context: InvocationContext, answer = answerBotRequest): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    try {
      return await answer(request);
    } catch (e) {
      log.error(`The bot could not handle an activity: ${e instanceof Error ? e.message : String(e)}`, { errorName: e instanceof Error ? e.name : "Error" });
      return { status: 500, jsonBody: { error: "the bot could not handle the activity" } };
    }
  });
}

app.http("bot", { route: "messages", methods: ["POST"], authLevel: "anonymous", handler: botHandler });
