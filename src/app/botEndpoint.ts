import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { handleBotRequest } from "../teams/bot/functionsBotAdapter";
import { theBot } from "./theApp";
import { settings } from "./processSettings";

/**
 * Answers one POST /api/messages with the process's bot: the SDK's JWT check (401 without a valid token), then the
 * body read within 256 KB (413), then the turn, answered with what the turn wrote (for a card press, the invoke
 * response).
 *
 * @example
 * return answerBotRequest(request) // { status: 200, jsonBody: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", … } }
 */
export async function answerBotRequest(request: HttpRequest): Promise<HttpResponseInit> {
  const { adapter, bot } = theBot();
  return handleBotRequest(adapter, settings, process.env, request, bot.onTurn);
}
