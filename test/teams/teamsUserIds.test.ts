import { HttpRequest } from "@azure/functions";
import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { teamsUserIds } from "../../src/teams/teamsUserIds";
import { botAuthConfiguration, handleBotRequest } from "../../src/teams/bot/functionsBotAdapter";

/** An app running against the local sandbox (its Graph and authority on loopback): anonymous mode serves it. */
const localSandbox = { GRAPH_BASE_URL: "https://127.0.0.1:7080/v1.0", AZURE_AUTHORITY_HOST: "https://127.0.0.1:7080" };
import { panelBot } from "../../src/teams/bot/panelBot";
import { pingCard } from "../../src/teams/bot/pingCard";
import { coreGroupCard } from "../../src/teams/cards/cardTemplates";
import { coreGroupCardView, type CoreGroupCardInput } from "../../src/domain/coreGroup";
import { memoryAppState } from "../support/memoryAppState";
import { memoryStore } from "../support/memoryConversationStore";

const post = (body: unknown) =>
  new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/messages", headers: { "content-type": "application/json" }, body: { string: JSON.stringify(body) } });

describe("the Teams user ids of panel members", () => {
  it("are learnt from what a person sends the bot, and listed in a card's refresh in place of their Entra object id", async () => {
    const users = teamsUserIds(memoryAppState());
    const bot = panelBot({ store: memoryStore(), handlers: new Map([["coreGroup", async () => ({ kind: "message" as const, text: "Your view is recorded" })]]), pingCard, now: () => new Date("2026-11-25T10:00:00Z"), users });
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: "t" }));
    const press = { type: "invoke", name: "adaptiveCard/action", channelId: "msteams", from: { id: "29:1mriOfOakfieldHead", aadObjectId: "8c2f0d4e-entra-oakfield" }, recipient: { id: "28:bot" }, conversation: { id: "19:core@thread.tacv2;messageid=1700" }, replyToId: "1700", value: { action: { type: "Action.Execute", verb: "coreGroup.giveView", data: {} }, trigger: "manual" } };
    const answer = await handleBotRequest(adapter, localSandbox, { NODE_ENV: "development" }, post(press), bot.onTurn);
    expect(answer.jsonBody).toMatchObject({ statusCode: 200, value: "Your view is recorded" });

    const teamsUserIdOf = await users.lookup();
    expect(teamsUserIdOf("8c2f0d4e-entra-oakfield")).toBe("29:1mriOfOakfieldHead");
    expect(teamsUserIdOf("someone-not-seen-yet")).toBe("someone-not-seen-yet");

    const panel = { members: [{ id: "8c2f0d4e-entra-oakfield", schoolUrn: "120345", name: "Head of Oakfield" }, { id: "b7e1-entra-brookside", schoolUrn: "120346", name: "Head of Brookside" }], deputies: [], chairId: "8c2f0d4e-entra-oakfield", quorumSchools: 2 };
    const input: CoreGroupCardInput = {
      facts: { caseRef: "LNCIP-2026-0042", status: "readyForCoreGroup", keyStage: "KS3", purchaseOrderReceived: true },
      schoolName: "Oakfield Academy",
      round: "r1",
      votes: { caseRef: "LNCIP-2026-0042", views: {} },
      panel,
      placesLeft: 2,
      waitingList: 0,
      inclusionForumHistory: [],
      caseUrl: "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=42",
      nameOf: (id) => id,
      teamsUserIdOf,
    };
    expect(coreGroupCard(coreGroupCardView(input)).refresh).toMatchObject({ userIds: ["29:1mriOfOakfieldHead", "b7e1-entra-brookside"] });
  });

  it("keeps every pair when two are learnt at the same moment, and writes nothing for a pair it knows", async () => {
    const state = memoryAppState();
    const [a, b] = [teamsUserIds(state), teamsUserIds(state)]; // two instances of the app
    await Promise.all([a.remember("entra-1", "29:one"), b.remember("entra-2", "29:two")]);
    const lookup = await teamsUserIds(state).lookup();
    expect([lookup("entra-1"), lookup("entra-2")]).toEqual(["29:one", "29:two"]);
    const version = (await state.get("teamsUsers", "byEntraObjectId"))?.version;
    await teamsUserIds(state).remember("entra-1", "29:one");
    expect((await state.get("teamsUsers", "byEntraObjectId"))?.version).toBe(version);
  });
});
