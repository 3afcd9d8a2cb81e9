import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpRequest } from "@azure/functions";
import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { composeTeams } from "../../src/app/teamsWiring";
import { loadSettings } from "../../src/settings/settings";
import { botAuthConfiguration, handleBotRequest } from "../../src/teams/bot/functionsBotAdapter";

/** An app running against the local sandbox (its Graph and authority on loopback): anonymous mode serves it. */
const localSandbox = { GRAPH_BASE_URL: "https://127.0.0.1:7080/v1.0", AZURE_AUTHORITY_HOST: "https://127.0.0.1:7080" };
import { botCommand, cardActionFrom, invokeResponseBody, panelBot, verbFamily } from "../../src/teams/bot/panelBot";
import { pingCard } from "../../src/teams/bot/pingCard";
import { memoryStore } from "../support/memoryConversationStore";
import type { CardAction } from "../../src/teams/teamsChannel";

const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
const press = (verb: string, extra: Record<string, unknown> = {}) => ({
  type: "invoke",
  name: "adaptiveCard/action",
  channelId: "msteams",
  from: { id: "29:member", aadObjectId: "aad-member-1" },
  recipient: { id: "28:bot" },
  conversation: { id: "19:core@thread.tacv2;messageid=1700" },
  replyToId: "1700",
  // The partnership's tenant (BOT_TENANT_ID): the bot refuses a press from any other, or from none.
  channelData: { tenant: { id: example.BOT_TENANT_ID } },
  value: { action: { type: "Action.Execute", verb, data: { caseReference: "LNCIP-2026-0042" } }, trigger: "automatic" },
  ...extra,
});
const post = (body: unknown) =>
  new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/messages", headers: { "content-type": "application/json" }, body: { string: JSON.stringify(body) } });

describe("the panel bot's commands", () => {
  it("reads the channel command whatever the mention, case and spacing", () => {
    expect(botCommand("<at>Inclusion Flow</at> use this channel for Core Group")).toEqual({ kind: "useChannel", panel: "coreGroup" });
    expect(botCommand("  Use this channel for the  INCLUSION forum. ")).toEqual({ kind: "useChannel", panel: "inclusionForum" });
    expect(botCommand("<at>Bot</at>&nbsp;ping")).toEqual({ kind: "ping" });
    expect(botCommand("use this channel for lunch")).toEqual({ kind: "unknown" });
    expect(botCommand("<at>Inclusion Flow</at> Ofsted pack")).toEqual({ kind: "ofstedPack" });
    expect(botCommand("Please send me our Ofsted pack, please!")).toEqual({ kind: "ofstedPack" });
    expect(botCommand("what is an ofsted pack")).toEqual({ kind: "unknown" });
    expect(botCommand("<at>Inclusion Flow</at> Show open cases.")).toEqual({ kind: "showOpenCases" });
    expect(botCommand("please show the open cases")).toEqual({ kind: "showOpenCases" });
    expect(botCommand("show open cases for Oakfield")).toEqual({ kind: "unknown" });
    expect(botCommand(undefined)).toEqual({ kind: "unknown" });
  });

  it("routes verbs by the family before the first dot", () => {
    expect(verbFamily("coreGroup.vote")).toBe("coreGroup");
    expect(verbFamily("inclusionForum.outcome.record")).toBe("inclusionForum");
    expect(verbFamily("ping")).toBe("ping");
  });

  it("reads a press into a CardAction, or says what is missing", () => {
    expect(cardActionFrom(press("coreGroup.vote"))).toEqual({
      verb: "coreGroup.vote",
      data: { caseReference: "LNCIP-2026-0042" },
      from: { id: "29:member", aadObjectId: "aad-member-1", name: undefined },
      trigger: "automatic",
      conversationId: "19:core@thread.tacv2;messageid=1700",
      messageId: "1700",
    });
    const noVerb = cardActionFrom({ ...press("x"), value: { action: { type: "Action.Execute" } } });
    expect(noVerb).toMatchObject({ problem: expect.stringMatching(/value\.action\.verb/) });
  });

  it("answers in Teams' invoke response shapes", () => {
    expect(invokeResponseBody({ kind: "message", text: "Recorded" })).toEqual({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Recorded" });
    expect(invokeResponseBody({ kind: "error", statusCode: 500, message: "later" })).toMatchObject({ statusCode: 500, type: "application/vnd.microsoft.error", value: { message: "later" } });
  });
});

describe("card action handlers registered with teams()", () => {
  it("get the presses of their verb family; a failing handler answers 500 with words, not a stack", async () => {
    const teams = composeTeams(loadSettings(example));
    const seen: CardAction[] = [];
    teams.registerCardActions("coreGroup.", async (action) => {
      seen.push(action);
      if (action.verb === "coreGroup.fail") throw new Error("Graph 503 at /sites/x/lists/Decisions");
      return { kind: "message", text: "Your view is recorded" };
    });
    const ok = await handleBotRequest(teams.adapter, localSandbox, { NODE_ENV: "development" }, post(press("coreGroup.vote")), teams.bot.onTurn);
    expect(ok.jsonBody).toEqual({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "Your view is recorded" });
    expect(seen[0]).toMatchObject({ verb: "coreGroup.vote", trigger: "automatic", from: { aadObjectId: "aad-member-1" }, messageId: "1700" });

    const failed = await handleBotRequest(teams.adapter, localSandbox, { NODE_ENV: "development" }, post(press("coreGroup.fail")), teams.bot.onTurn);
    expect(failed.jsonBody).toMatchObject({ statusCode: 500, type: "application/vnd.microsoft.error" });
    expect(JSON.stringify(failed.jsonBody)).not.toContain("Graph 503");

    const other = await handleBotRequest(teams.adapter, localSandbox, { NODE_ENV: "development" }, post(press("inclusionForum.outcome")), teams.bot.onTurn);
    expect(other.jsonBody).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });

    // A press from another tenant never reaches the handler.
    const before = seen.length;
    const foreign = await handleBotRequest(teams.adapter, localSandbox, { NODE_ENV: "development" }, post(press("coreGroup.vote", { channelData: { tenant: { id: "72f988bf-86f1-41af-91ab-2d7cd011db47" } } })), teams.bot.onTurn);
    expect(foreign.jsonBody).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });
    expect(seen.length).toBe(before);
  });
});

describe("the bot removed from a team", () => {
  it("forgets the team's conversations and its panel channel choice", async () => {
    const store = memoryStore();
    const bot = panelBot({ store, handlers: new Map(), pingCard, now: () => new Date("2026-11-25T10:00:00Z") });
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: "t" }));
    const inTeam = { channelId: "msteams", serviceUrl: "http://127.0.0.1:9/_connector", recipient: { id: "28:bot" }, from: { id: "29:coordinator" }, conversation: { id: "19:core@thread.tacv2" }, channelData: { team: { id: "19:team@thread.tacv2" }, channel: { id: "19:core@thread.tacv2" } } };
    await handleBotRequest(adapter, localSandbox, {}, post({ ...inTeam, type: "conversationUpdate", membersAdded: [{ id: "28:bot" }] }), bot.onTurn);
    await store.choose("coreGroup", { ...(await store.known())[0]!, channelId: "19:core@thread.tacv2" }, new Date());
    expect(await store.chosen("coreGroup")).toBeDefined();

    const removed = await handleBotRequest(adapter, localSandbox, {}, post({ ...inTeam, type: "conversationUpdate", membersRemoved: [{ id: "28:bot" }] }), bot.onTurn);
    expect(removed.status).toBe(200);
    expect(await store.known()).toEqual([]);
    expect(await store.chosen("coreGroup")).toBeUndefined();
  });
});
