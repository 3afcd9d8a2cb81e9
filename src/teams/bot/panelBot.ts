import type { Activity } from "@microsoft/agents-activity";
import type { TurnContext } from "@microsoft/agents-hosting";
import { z } from "zod";
import type { AdaptiveCardJson, CardAction, CardActionHandler, CardActionResult, PanelChannel } from "../teamsChannel";
import type { ConversationStore, TeamsConversation } from "./conversationStore";
import type { TeamsUserIds } from "../teamsUserIds";
import { authorize, type Role } from "../../domain/access";
import { teamsMemberEmail } from "./memberEmail";
import { notAPanelChannel, panelsUsing, showOpenCasesFor, type OpenCasesAsked } from "./openCases";

/**
 * The bot's turn logic: what it does with each activity Teams sends. It remembers where it can post, lets a
 * coordinator pick the Core Group and Inclusion Forum channels with a typed command, and hands every card button
 * press to the workflow that owns the verb's family (`coreGroup.*`, `inclusionForum.*`, ...).
 */

const account = z.looseObject({ id: z.string().min(1), aadObjectId: z.string().optional(), name: z.string().optional() });

/**
 * The parts of a Bot Framework activity the bot reads; anything else passes through untouched.
 *
 * @example
 * activitySchema.safeParse({ type: "message", text: "ping", conversation: { id: "c" } }).success // true
 */
export const activitySchema = z.looseObject({
  type: z.string().min(1),
  /** The activity's own id: a request's key, so a retried request is done once. */
  id: z.string().optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  serviceUrl: z.string().optional(),
  channelId: z.string().optional(),
  from: account.optional(),
  recipient: account.optional(),
  conversation: z.looseObject({ id: z.string().min(1), conversationType: z.string().optional(), tenantId: z.string().optional(), isGroup: z.boolean().optional() }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string() }).optional(),
      team: z.looseObject({ id: z.string() }).optional(),
      channel: z.looseObject({ id: z.string() }).optional(),
    })
    .optional(),
  replyToId: z.string().optional(),
  value: z.unknown().optional(),
  /** `installationUpdate`: `add` or `remove` (Teams also sends `add-upgrade`, `remove-upgrade`). */
  action: z.string().optional(),
  membersRemoved: z.array(account).optional(),
});
export type IncomingActivity = z.infer<typeof activitySchema>;

/** An `adaptiveCard/action` invoke (Universal Actions): `value.action.verb`/`data`, `value.trigger`. */
const cardActionSchema = z.object({
  from: account,
  conversation: z.looseObject({ id: z.string().min(1) }),
  replyToId: z.string().optional(),
  value: z.looseObject({
    action: z.looseObject({
      verb: z.string().min(1, "the button has no verb"),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
    // The Playground's own UI sends no trigger: a press is manual unless Teams says `automatic` (a refresh).
    trigger: z.enum(["manual", "automatic"]).optional(),
  }),
});

/**
 * The press an invoke carries, or a message saying what is wrong with it.
 *
 * @example
 * cardActionFrom({ type: "invoke", name: "adaptiveCard/action", from: { id: "user-id-1" }, conversation: { id: "c" },
 *   value: { action: { type: "Action.Execute", verb: "bot.ping", data: {} } } })
 * // { verb: "bot.ping", data: {}, from: { id: "user-id-1" }, trigger: "manual", conversationId: "c" }
 */
export function cardActionFrom(activity: unknown): CardAction | { problem: string } {
  const parsed = cardActionSchema.safeParse(activity);
  if (!parsed.success) return { problem: `The button press could not be read: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  const a = parsed.data;
  return {
    verb: a.value.action.verb,
    data: a.value.action.data ?? {},
    from: { id: a.from.id, aadObjectId: a.from.aadObjectId, name: a.from.name },
    trigger: a.value.trigger ?? "manual",
    conversationId: a.conversation.id,
    messageId: a.replyToId,
  };
}

/** The family a verb belongs to: the text before its first dot (`coreGroup.vote` → `coreGroup`). */
export function verbFamily(verb: string): string {
  const dot = verb.indexOf(".");
  return dot < 0 ? verb : verb.slice(0, dot);
}

/**
 * Teams' invoke response body for a handler's answer (always HTTP 200; the answer's own `statusCode` says more).
 *
 * @example
 * invokeResponseBody({ kind: "error", statusCode: 400, message: "Unknown button" })
 * // { statusCode: 400, type: "application/vnd.microsoft.error", value: { code: "BadRequest", message: "Unknown button" } }
 */
export function invokeResponseBody(result: CardActionResult): Record<string, unknown> {
  switch (result.kind) {
    case "card":
      return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: result.card };
    case "message":
      return { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: result.text };
    case "error":
      return { statusCode: result.statusCode, type: "application/vnd.microsoft.error", value: { code: result.statusCode === 400 ? "BadRequest" : "InternalServerError", message: result.message } };
  }
}

/** What a typed message asks of the bot. */
export type BotCommand = { kind: "useChannel"; panel: PanelChannel } | { kind: "showOpenCases" } | { kind: "ping" } | { kind: "ofstedPack" } | { kind: "unknown" };

const panelsByWords: Record<string, PanelChannel> = { "core group": "coreGroup", "inclusion forum": "inclusionForum" };

/**
 * Reads a typed command, ignoring the bot's @mention, markup, case and spacing.
 *
 * @example
 * botCommand("<at>Inclusion Flow</at> Use this channel for Core Group") // { kind: "useChannel", panel: "coreGroup" }
 * botCommand("Ofsted pack, please") // { kind: "ofstedPack" }
 */
export function botCommand(text: string | undefined): BotCommand {
  const words = (text ?? "")
    .replace(/<at>.*?<\/at>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .toLowerCase()
    .replace(/[^a-z ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const use = /^(?:please )?use this channel for (?:the )?(core group|inclusion forum)$/.exec(words);
  if (use?.[1]) return { kind: "useChannel", panel: panelsByWords[use[1]] as PanelChannel };
  if (words === "ping") return { kind: "ping" };
  if (/^(?:please )?show (?:the )?open cases$/.test(words)) return { kind: "showOpenCases" };
  if (/^(?:please )?(?:send (?:me |us )?)?(?:the |our |my )?ofsted pack(?: please)?$/.test(words)) return { kind: "ofstedPack" };
  return { kind: "unknown" };
}

/**
 * The conversation reference to keep from an activity, when it says enough to post there later.
 *
 * @example
 * conversationFrom({ type: "conversationUpdate", serviceUrl: "https://smba.trafficmanager.net/uk/", recipient: { id: "28:bot" },
 *   conversation: { id: "19:abc@thread.tacv2" }, channelData: { team: { id: "19:team" }, channel: { id: "19:abc@thread.tacv2" } } })
 * // { serviceUrl: "https://smba…", conversationId: "19:abc@thread.tacv2", teamId: "19:team", channelId: "19:abc@thread.tacv2", botId: "28:bot", … }
 */
export function conversationFrom(activity: IncomingActivity): TeamsConversation | undefined {
  if (!activity.serviceUrl || !activity.recipient) return undefined;
  return {
    serviceUrl: activity.serviceUrl,
    conversationId: activity.conversation.id,
    conversationType: activity.conversation.conversationType,
    tenantId: activity.channelData?.tenant?.id ?? activity.conversation.tenantId,
    teamId: activity.channelData?.team?.id,
    channelId: activity.channelData?.channel?.id,
    botId: activity.recipient.id,
  };
}

const panelNames: Record<PanelChannel, string> = { coreGroup: "Core Group", inclusionForum: "Inclusion Forum" };

/** What the bot needs around it. */
export interface PanelBotPorts {
  store: ConversationStore;
  /** Handlers by verb family (`coreGroup`, `inclusionForum`, `bot`). */
  handlers: ReadonlyMap<string, CardActionHandler>;
  /** The card the bot answers "ping" with (a button to try Universal Actions end to end). */
  pingCard: () => AdaptiveCardJson;
  now: () => Date;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Told when a coordinator chooses a panel's channel (the cards kept until then are posted). */
  channelChosen?: (panel: PanelChannel) => Promise<void>;
  /** Posts the panels' open cards again ("show open cases"; see ./openCases) and says what it did. */
  openCasesAsked?: OpenCasesAsked;
  /** Where the Teams user id of each person the bot hears from is kept, by Entra object id (for cards' refresh lists). */
  users?: Pick<TeamsUserIds, "remember">;
  /** The partnership's Entra tenant: an activity from any other tenant is refused (presses) or ignored. */
  tenantId?: string | undefined;
  /** The partnership's team (`channelData.team.id`): the panels' channels are chosen only in it. */
  teamId?: string | undefined;
  /** The roles the partnership's lists give the person (by Entra object id, else Teams user id); none when unknown. */
  roles?: (from: { id: string; aadObjectId?: string | undefined; name?: string | undefined }) => Promise<readonly Role[]>;
  /**
   * A school's SENCO asked for the Ofsted pack: the workflow checks the email against the Schools list, sends the
   * pack by email, and answers what the bot says. Unset: the bot says it cannot send packs here.
   */
  ofstedPack?: (request: { email: string | undefined; key: string }) => Promise<string>;
  /** Who the person is, by email, as Teams knows them (the connector's member look-up). */
  memberEmail?: (context: TurnContext) => Promise<string | undefined>;
}

/**
 * The tenant an activity comes from (`channelData.tenant.id`, else `conversation.tenantId`).
 *
 * @example
 * tenantOf({ type: "message", conversation: { id: "c", tenantId: "t-1" }, channelData: { tenant: { id: "t-2" } } }) // "t-2"
 */
export function tenantOf(activity: IncomingActivity): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation.tenantId;
}

/**
 * The turn logic for `CloudAdapter.process()`.
 *
 * @example
 * const bot = panelBot({ store, handlers: new Map([["bot", pingHandler]]), pingCard, now: () => new Date() });
 * await adapter.process(request, response, bot.onTurn);
 */
export function panelBot(ports: PanelBotPorts): { onTurn(context: TurnContext): Promise<void> } {
  const send = (context: TurnContext, activity: Record<string, unknown>) => context.sendActivity(activity as unknown as Activity);

  async function answerPress(context: TurnContext, raw: unknown): Promise<void> {
    const action = cardActionFrom(raw);
    let result: CardActionResult;
    if ("problem" in action) result = { kind: "error", statusCode: 400, message: action.problem };
    else {
      const handler = ports.handlers.get(verbFamily(action.verb));
      if (!handler) result = { kind: "error", statusCode: 400, message: `This button (${action.verb}) is not one the app knows; the card may be out of date.` };
      else {
        try {
          result = await handler(action);
        } catch (e) {
          ports.log?.("A card action handler failed", { verb: action.verb, error: e instanceof Error ? e.message : String(e) });
          result = { kind: "error", statusCode: 500, message: "The app could not record that press; please try again in a minute." };
        }
      }
    }
    await send(context, { type: "invokeResponse", value: { status: 200, body: invokeResponseBody(result) } });
  }

  async function answerMessage(context: TurnContext, activity: IncomingActivity, conversation: TeamsConversation | undefined): Promise<void> {
    const command = botCommand(activity.text);
    if (command.kind === "ping") {
      await send(context, { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: ports.pingCard() }] });
      return;
    }
    if (command.kind === "ofstedPack") {
      if (!ports.ofstedPack) {
        await context.sendActivity("Ofsted packs cannot be sent from here just now; please ask the partnership Coordinator.");
        return;
      }
      const email = await (ports.memberEmail ?? teamsMemberEmail)(context).catch(() => undefined);
      await context.sendActivity(await ports.ofstedPack({ email, key: `teams:${activity.id ?? ports.now().toISOString()}` }));
      return;
    }
    if (command.kind === "useChannel") {
      const channelId = activity.channelData?.channel?.id;
      if (!conversation || !channelId) {
        await context.sendActivity(`Type "use this channel for ${panelNames[command.panel]}" in the team channel the ${panelNames[command.panel]} should use, @mentioning me.`);
        return;
      }
      // Only a Coordinator, only in the partnership's own team: cards name cases, and must reach only the panel.
      if (!ports.teamId || activity.channelData?.team?.id !== ports.teamId) {
        ports.log?.("A channel choice outside the partnership's team was refused", { team: activity.channelData?.team?.id ? "other" : "none" });
        await context.sendActivity(`The ${panelNames[command.panel]} channel can be chosen only in the partnership's own team${ports.teamId ? "" : " (the app's PARTNERSHIP_TEAM_ID setting is not set)"}.`);
        return;
      }
      const roles = activity.from && ports.roles ? await ports.roles(activity.from) : [];
      const allowed = authorize({ kind: "person", roles }, "chooseChannel", "teamsPress");
      if (!allowed.ok) {
        ports.log?.("A channel choice by someone who is not a Coordinator was refused", { panel: command.panel });
        await context.sendActivity(allowed.message);
        return;
      }
      await ports.store.choose(command.panel, { ...conversation, channelId }, ports.now());
      await context.sendActivity(`Done: ${panelNames[command.panel]} cards will be posted in this channel.`);
      // Chosen again (a reload of the Playground, a new channel): the cards already posted come here too. Before the
      // round below, which posts the cards kept while there was no channel (they are not posted twice).
      await showAgain(context, activity, [command.panel], false);
      try {
        await ports.channelChosen?.(command.panel);
      } catch (e) {
        ports.log?.("Posting the cards kept for the new channel failed; the hourly round will try again", { error: e instanceof Error ? e.name : "error" });
      }
      return;
    }
    if (command.kind === "showOpenCases") {
      const panels = await panelsUsing(ports.store, activity.channelData?.channel?.id);
      if (panels.length === 0) return void (await context.sendActivity(notAPanelChannel));
      await showAgain(context, activity, panels, true);
      return;
    }
    await context.sendActivity('I post the Core Group and Inclusion Forum cards. In a team channel, type "use this channel for Core Group" or "use this channel for Inclusion Forum" (@mentioning me) to choose where.');
  }

  /** Posts the panels' cards again and, when asked in words, says what was posted; a failure is logged, never thrown at Teams. */
  async function showAgain(context: TurnContext, activity: IncomingActivity, panels: readonly PanelChannel[], answer: boolean): Promise<void> {
    try {
      const reply = await showOpenCasesFor(panels, activity.id ?? `${activity.type}:${ports.now().toISOString()}`, ports.openCasesAsked);
      if (reply && answer) await context.sendActivity(reply);
    } catch (e) {
      ports.log?.("Posting the open cases' cards again failed", { error: e instanceof Error ? e.name : "error" });
      if (answer) await context.sendActivity("Sorry, the cards could not be posted again just now. Please try again in a few minutes.");
    }
  }

  return {
    async onTurn(context) {
      const parsed = activitySchema.safeParse(context.activity);
      if (!parsed.success) {
        ports.log?.("An activity could not be read", { problems: parsed.error.issues.length });
        return;
      }
      const activity = parsed.data;
      if (ports.tenantId && tenantOf(activity) !== ports.tenantId) {
        // Another tenant (or none said): nothing is remembered, chosen or recorded from it.
        ports.log?.("An activity from another tenant was refused", { activityType: activity.type });
        if (activity.type === "invoke") await send(context, { type: "invokeResponse", value: { status: 200, body: invokeResponseBody({ kind: "error", statusCode: 400, message: "This app answers only the partnership's own Teams." }) } });
        return;
      }
      const conversation = conversationFrom(activity);
      const inChannel = activity.conversation.conversationType === "channel" || activity.channelData?.channel?.id !== undefined;
      const teamId = activity.channelData?.team?.id;
      const botRemoved =
        (activity.type === "installationUpdate" && activity.action === "remove") ||
        (activity.type === "conversationUpdate" && activity.membersRemoved?.some((m) => m.id === activity.recipient?.id) === true);
      if (botRemoved) {
        if (teamId) await ports.store.forgetTeam(teamId);
        return;
      }
      if (activity.from?.aadObjectId && activity.from.id) {
        // Never let bookkeeping stop the person's press or message.
        await ports.users?.remember(activity.from.aadObjectId, activity.from.id).catch((e: unknown) => ports.log?.("Could not keep a Teams user id", { error: e instanceof Error ? e.name : "error" }));
      }
      if (conversation && (activity.type === "conversationUpdate" || activity.type === "installationUpdate" || (activity.type === "message" && inChannel))) {
        await ports.store.remember(conversation);
      }
      if (activity.type === "invoke" && activity.name === "adaptiveCard/action") return answerPress(context, context.activity);
      // The app installed in (or, in the Agents Playground, a reloaded page opening) a panel's channel: its cards again.
      if (activity.type === "installationUpdate" && activity.action === "add") {
        const panels = await panelsUsing(ports.store, activity.channelData?.channel?.id);
        if (panels.length) await showAgain(context, activity, panels, false);
        return;
      }
      // Without a connector to answer through there is nobody to reply to.
      if (activity.type === "message" && activity.serviceUrl) return answerMessage(context, activity, conversation);
    },
  };
}
