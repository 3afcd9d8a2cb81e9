import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { LocalSystem } from "../../sandbox/localSystem";
import type { SitesArea, SandboxPerson } from "../../sandbox/graph/areas/sites";
import type { MailArea } from "../../sandbox/graph/areas/mail";
import type { TestPlayground } from "../../sandbox/playgroundDriver";
import { defaultApp } from "../../sandbox/graph/auth";
import { defaultKeys } from "../../sandbox/host/host";
import { playgroundUsers } from "../../sandbox/demo/demoTenant";
import { appState, providerKeys, tableStore } from "../../src/m365/tables";
import { conversationStore } from "../../src/teams/bot/conversationStore";
import { floodDiscussion, namedForumDiscussion } from "./referrals";
import { retrying, until } from "./support";

/*
 * The inputs the soak must see refused, each checked for its answer and for having changed nothing: malformed, forged
 * and over-large requests to the endpoints, a flood of submissions from one person, hijack attempts on the bot, and
 * forged edits in SharePoint by people whose role does not allow them.
 */

/** How many bad inputs were tried, and how many were refused (and changed nothing). */
export interface Tally {
  tried: number;
  refused: number;
}

/** Counts one bad input: refused (and nothing changed), or logged as not refused. */
export function count(tally: Tally, log: (m: string) => void, what: string, refused: boolean, detail = ""): boolean {
  tally.tried++;
  if (refused) tally.refused++;
  else log(`NOT refused: ${what}${detail ? ` (${detail})` : ""}`);
  return refused;
}

/** A body of `bytes` bytes that is JSON, so that only its size is wrong. */
const jsonOfSize = (bytes: number, shape: (filler: string) => unknown) => JSON.stringify(shape("x".repeat(bytes)));

/**
 * The malformed, forged and over-large requests to the app's endpoints, as [what, attempt, isRefused]: each answer
 * checked against what the endpoint's trigger in functions/ says it answers. Marks need the provider's own key
 * (x-provider-key) besides the function key; each endpoint reads at most its BODY_LIMITS (413 beyond, before reading).
 * The Attendance list must still be empty afterwards (no mark was written: these run before any placement).
 *
 * @example
 * await endpointInputs(system, sites, siteId, log) // { tried: 22, refused: 22 } — each one refused
 */
export async function endpointInputs(system: LocalSystem, sites: SitesArea, siteId: string, log: (m: string) => void): Promise<Tally> {
  const url = system.host.url;
  const good = namedForumDiscussion(999_999);
  const post = (path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, ...(typeof body === "string" ? {} : { duplex: "half" }) } as RequestInit);
  const key = { "x-functions-key": defaultKeys.functionKey };
  // A provider's own key, as the partnership issues one (npm run provider-key): marks are refused without one.
  const providerKey = await providerKeys(tableStore(system.env.AzureWebJobsStorage!, "ProviderKeys")).issue("riverside", new Date());
  const provider = { ...key, "x-provider-key": providerKey };
  const noMarks = () => sites.items(siteId, "Attendance").length === 0;
  const mark = { caseRef: "LNCIP-2026-0001", date: "2026-11-30", session: "AM", happened: "attended" };
  const notification = { subscriptionId: "forged", clientState: "guess-guess-guess", changeType: "updated", resource: "sites/x/lists/y", subscriptionExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString(), tenantId: defaultApp.tenantId };
  /** A body streamed in 64 KB chunks with no Content-Length (chunked): only the streaming cap can stop it. */
  const streamed = (bytes: number) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        const chunk = new TextEncoder().encode(sent === 0 ? '{"value":["' + "x".repeat(65_536 - 11) : "x".repeat(65_536));
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };
  const attempts: [string, () => Promise<Response>, (r: Response) => boolean][] = [
    ["referral without a function key", () => post("/api/forms/referral", JSON.stringify(good)), (r) => r.status === 401],
    ["referral with a wrong function key", () => post("/api/forms/referral", JSON.stringify(good), { "x-functions-key": "guess" }), (r) => r.status === 401],
    ["referral that is not JSON", () => post("/api/forms/referral", "{not json", key), (r) => r.status === 400],
    ["referral over 256 KB", () => post("/api/forms/referral", JSON.stringify({ ...good, responseId: "big", answers: { ...good.answers, concerns: "x".repeat(300_000) } }), key), (r) => r.status === 413],
    ["referral with an invalid UPN", () => post("/api/forms/referral", JSON.stringify({ ...good, responseId: "bad-upn", answers: { ...good.answers, "pupil.upn": "A123" } }), key), (r) => r.status === 422],
    ["referral with no consent but a name", () => post("/api/forms/referral", JSON.stringify({ ...good, responseId: "no-consent", answers: { ...good.answers, parentalConsent: "No" } }), key), (r) => r.status === 422],
    ["referral from a school outside the partnership", () => post("/api/forms/referral", JSON.stringify({ ...good, responseId: "not-partner", answers: { ...good.answers, schoolUrn: "999999" } }), key), (r) => r.status === 422],
    ["notification with a forged clientState", () => post("/api/notifications", JSON.stringify({ value: [notification] })), (r) => r.status === 202 && /wrong clientState \(subscription forged\)/.test(system.host.output())],
    ["notification that is not JSON", () => post("/api/notifications", "<xml/>"), (r) => r.status === 400],
    ["notifications over 1 MB", () => post("/api/notifications", JSON.stringify({ value: Array.from({ length: 6_000 }, (_, i) => ({ ...notification, subscriptionId: `forged-${i}` })) })), (r) => r.status === 413],
    ["notifications over 1 MB streamed without a Content-Length", () => post("/api/notifications", streamed(1_200_000)), (r) => r.status === 413],
    ["malformed validation token", () => fetch(`${url}/api/notifications?validationToken=${encodeURIComponent("<script>\u0000")}`, { method: "POST" }), (r) => r.status === 400],
    ["session marks without a function key", () => post("/api/attendance/marks", JSON.stringify({ marks: [mark] }), { "x-provider-key": providerKey }), (r) => r.status === 401 && noMarks()],
    ["session marks without a provider key", () => post("/api/attendance/marks", JSON.stringify({ marks: [mark] }), key), (r) => r.status === 401 && noMarks()],
    ["session marks with a provider key never issued", () => post("/api/attendance/marks", JSON.stringify({ marks: [mark] }), { ...key, "x-provider-key": `ifpk_${randomUUID()}` }), (r) => r.status === 401 && noMarks()],
    ["session marks that are not a batch", () => post("/api/attendance/marks", JSON.stringify([mark]), provider), (r) => r.status === 400 && noMarks()],
    ["session marks with an impossible row", () => post("/api/attendance/marks", JSON.stringify({ marks: [{ ...mark, date: "2026-11-31", session: "EVE" }] }), provider), (r) => r.status === 422 && noMarks()],
    ["session marks with a self-declared recordedBy", () => post("/api/attendance/marks", JSON.stringify({ marks: [{ ...mark, recordedBy: "someone else" }] }), provider), (r) => r.status === 422 && noMarks()],
    ["session marks for a pupil with no placement with the provider", () => post("/api/attendance/marks", JSON.stringify({ marks: [mark] }), provider), (r) => r.status === 422 && noMarks()],
    ["more than 100 session marks in one call", () => post("/api/attendance/marks", JSON.stringify({ marks: Array.from({ length: 101 }, (_, i) => ({ ...mark, caseRef: `LNCIP-2026-${String(i + 1).padStart(4, "0")}` })) }), provider), (r) => r.status === 400 && noMarks()],
    ["session marks over 128 KB", () => post("/api/attendance/marks", jsonOfSize(140_000, (filler) => ({ marks: [{ ...mark, reasonGiven: filler }] })), provider), (r) => r.status === 413 && noMarks()],
    ["a bot activity over 256 KB", () => post("/api/messages", jsonOfSize(300_000, (filler) => ({ type: "message", text: filler, channelId: "msteams", conversation: { id: "c" }, from: { id: "user-id-0" } }))), (r) => r.status === 413],
  ];
  const tally: Tally = { tried: 0, refused: 0 };
  for (const [what, attempt, isRefused] of attempts) {
    const res = await attempt();
    await res.text().catch(() => "");
    // The host writes its log a moment after answering: give a refusal that is checked in the log a second.
    let refused = isRefused(res);
    for (let i = 0; !refused && i < 4 && res.status < 500; i++) {
      await new Promise((r) => setTimeout(r, 250));
      refused = isRefused(res);
    }
    count(tally, log, what, refused, String(res.status));
  }
  return tally;
}

/** The flood: what was accepted before the quota stopped it, and the one refused. */
export interface Flood {
  /** responseId → case reference of each accepted flood submission (they must all become cases, and stay received). */
  accepted: Map<string, string>;
  refusedResponseId: string;
}

/**
 * One responder (another address at a partner school) sends `limit + 1` anonymous Inclusion Forum discussions in a
 * day: the first `limit` are accepted (202), the next is answered 429 with a Retry-After and written nowhere — sent
 * again it is still 429, where a stored submission would answer 200. Counts one bad input.
 *
 * @example
 * await intakeFlood(system, 100, tally, log) // { accepted: Map(100), refusedResponseId: "soak-flood-101" }
 */
export async function intakeFlood(system: LocalSystem, limit: number, tally: Tally, log: (m: string) => void): Promise<Flood> {
  const send = (k: number) =>
    retrying(() => fetch(`${system.host.url}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.functionKey }, body: JSON.stringify(floodDiscussion(k)) }), [500, 502, 503, 504]);
  const accepted = new Map<string, string>();
  for (let k = 1; k <= limit; k++) {
    const res = await send(k);
    const body = (await res.json().catch(() => ({}))) as { caseRef?: string };
    if (res.status !== 202 || !body.caseRef) throw new Error(`Flood submission ${k} of ${limit} (under the quota) answered ${res.status}`);
    accepted.set(floodDiscussion(k).responseId, body.caseRef);
  }
  const refusedResponseId = floodDiscussion(limit + 1).responseId;
  const over = await send(limit + 1);
  await over.text().catch(() => "");
  const retryAfter = Number(over.headers.get("retry-after"));
  const again = await send(limit + 1);
  await again.text().catch(() => "");
  count(tally, log, `submission ${limit + 1} in a day from one responder`, over.status === 429 && retryAfter > 0 && again.status === 429, `${over.status}, Retry-After ${over.headers.get("retry-after")}, again ${again.status}`);
  return { accepted, refusedResponseId };
}

/**
 * A stand-in for the Bot Connector the bot answers through (`serviceUrl`), on loopback: every reply the bot sends is
 * kept, so that what it said to a hijack attempt — or that it said nothing — can be checked.
 */
async function standInConnector(): Promise<{ url: string; replies: { path: string; text: string }[]; close(): Promise<void> }> {
  const replies: { path: string; text: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      let text = "";
      try {
        text = String((JSON.parse(body) as { text?: string }).text ?? "");
      } catch {
        text = body.slice(0, 200);
      }
      replies.push({ path: req.url ?? "", text });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, replies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Another organisation's Entra tenant (Microsoft's own), which the partnership's bot must never answer. */
export const ANOTHER_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/**
 * Channel choices the bot must refuse, each posted to POST /api/messages as Teams would send it (the soak's app runs
 * the bot in its local development mode: anonymous on loopback, as the Agents Playground calls it): a Coordinator
 * choosing the Core Group channel in another team; the Inclusion Forum channel chosen from another tenant; a forum
 * member who is not a Coordinator choosing the Core Group channel in the partnership's own team. Each must be
 * answered with why (or, from another tenant, not at all), and both panels' chosen channels must be unchanged.
 *
 * @example
 * await channelHijacks(system, playground, tally, log)
 */
export async function channelHijacks(system: LocalSystem, playground: TestPlayground, tally: Tally, log: (m: string) => void): Promise<void> {
  const config = await playground.config();
  const store = conversationStore(appState(tableStore(system.env.AzureWebJobsStorage!, "AppState")));
  const chosen = async () => JSON.stringify([await store.chosen("coreGroup"), await store.chosen("inclusionForum")]);
  const before = await chosen();
  const connector = await standInConnector();
  try {
    const attempts: { what: string; panel: string; user: number; team: string; tenant: string; answer: RegExp | undefined }[] = [
      { what: "Core Group channel chosen by a Coordinator in another team", panel: "Core Group", user: 0, team: "19:soak-another-team@thread.tacv2", tenant: config.tenantId, answer: /can be chosen only in the partnership's own team/ },
      { what: "Inclusion Forum channel chosen from another tenant", panel: "Inclusion Forum", user: 0, team: config.teams[0]!.id, tenant: ANOTHER_TENANT, answer: undefined },
      { what: "Core Group channel chosen by a forum member who is not a Coordinator", panel: "Core Group", user: 3, team: config.teams[0]!.id, tenant: config.tenantId, answer: /Only a partnership Coordinator can choose/ },
    ];
    for (const a of attempts) {
      const channel = `19:soak-hijack-${randomUUID()}@thread.tacv2`;
      const sentBefore = connector.replies.length;
      const res = await retrying(() =>
        fetch(`${system.host.url}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            type: "message",
            id: `soak-hijack-${randomUUID()}`,
            channelId: "msteams",
            serviceUrl: connector.url,
            from: { id: `user-id-${a.user}`, aadObjectId: playgroundUsers[a.user]!.entraObjectId },
            recipient: { id: config.bot.id, name: config.bot.name },
            conversation: { id: channel, conversationType: "channel", isGroup: true, tenantId: a.tenant },
            channelData: { tenant: { id: a.tenant }, team: { id: a.team }, channel: { id: channel } },
            text: `<at>${config.bot.name}</at> use this channel for ${a.panel}`,
            entities: [{ type: "mention", mentioned: { id: config.bot.id, name: config.bot.name }, text: `<at>${config.bot.name}</at>` }],
          }),
        }),
      );
      await res.text().catch(() => "");
      const said = connector.replies.slice(sentBefore).map((r) => r.text);
      const answered = a.answer ? said.length === 1 && a.answer.test(said[0]!) : said.length === 0;
      const unchanged = (await chosen()) === before;
      count(tally, log, a.what, res.status < 300 && answered && unchanged, `${res.status}; said ${JSON.stringify(said)}; channels ${unchanged ? "unchanged" : "CHANGED"}`);
    }
  } finally {
    await connector.close();
  }
}

/**
 * A Core Group card's "Record decision" pressed from another tenant (by a user with the chair's ids): the app must
 * answer that it answers only the partnership's own Teams, and the case must be as it was (`unchanged`, checked
 * after the answer — a press is recorded before it is answered).
 *
 * @example
 * await pressFromAnotherTenant(system, playground, card, { caseRef, round }, () => versionOf(ref) === v, tally, log)
 */
export async function pressFromAnotherTenant(
  system: LocalSystem,
  playground: TestPlayground,
  card: { conversationId: string; messageId: string },
  data: { caseRef: string; round: string },
  unchanged: () => boolean,
  tally: Tally,
  log: (m: string) => void,
): Promise<void> {
  const config = await playground.config();
  const res = await retrying(() =>
    fetch(`${system.host.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "invoke",
        name: "adaptiveCard/action",
        id: `soak-hijack-${randomUUID()}`,
        channelId: "msteams",
        serviceUrl: `${playground.url}/_connector`,
        from: { id: "user-id-0", aadObjectId: playgroundUsers[0]!.entraObjectId },
        recipient: { id: config.bot.id, name: config.bot.name },
        conversation: { id: card.conversationId, conversationType: "channel", isGroup: true, tenantId: ANOTHER_TENANT },
        channelData: { tenant: { id: ANOTHER_TENANT } },
        replyToId: card.messageId,
        value: { action: { type: "Action.Execute", verb: "coreGroup.recordDecision", data: { ...data, outcome: "managedMoveOrFreshStart" } }, trigger: "manual" },
      }),
    }),
  );
  const body = await res.text().catch(() => "");
  let answer: { statusCode?: number; value?: unknown } = {};
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    // not JSON: not the refusal
  }
  const refused = res.status === 200 && answer.statusCode === 400 && /only the partnership's own Teams/.test(JSON.stringify(answer.value ?? ""));
  count(tally, log, `${data.caseRef}'s decision pressed from another tenant`, refused && unchanged(), `${res.status} ${body.slice(0, 200)}; case ${unchanged() ? "unchanged" : "CHANGED"}`);
}

/** Where a forged edit is made and its put-back looked for. */
export interface ForgeryPorts {
  sites: SitesArea;
  siteId: string;
  mail: MailArea;
  coordinatorEmail: string;
  /** Runs the backstops while waiting (a lost notification is found by the upkeep's delta round). */
  meanwhile: () => Promise<void>;
}

/**
 * A person edits a case item in SharePoint in a way their role does not allow (`by`: as SharePoint records the
 * version's editor), then waits for the app to put it back: the Coordinator told (`told`: "a change was put back (not
 * permitted)" or "workflow columns put back") and the columns it touched and the workflow's state (`watch` adds more) as
 * they were before.
 * Counts one bad input.
 *
 * @example
 * await forgedEdit(ports, "an Inclusion Forum member records an override", "LNCIP-2026-0042",
 *   { IfOverrideReason: "urgent" }, { id: "…-0024", email: "forum4@lncip.example" }, "notPermitted", tally, log)
 */
export async function forgedEdit(
  ports: ForgeryPorts,
  what: string,
  caseRef: string,
  fields: Record<string, unknown>,
  by: string | SandboxPerson,
  told: "notPermitted" | "workflowColumnsRestored",
  tally: Tally,
  log: (m: string) => void,
  watch?: readonly string[],
): Promise<void> {
  const item = () => ports.sites.items(ports.siteId, "Cases").find((c) => c.fields.Title === caseRef);
  const found = item();
  if (!found) throw new Error(`Soak: no case item ${caseRef} to forge an edit on`);
  // What the forged edit touched and the workflow's state — not every column: the app's own effects of the case's
  // last transition (its meeting, say) may still be landing when the snapshot is taken.
  const keys = [...new Set([...(watch ?? ["Status", "WorkflowStatus", "WorkflowVersion"]), ...Object.keys(fields)])].sort();
  const columns = (row: Record<string, unknown>) => JSON.stringify(keys.map((k) => [k, row[k] ?? null]));
  const before = columns(found.fields);
  const subject = told === "notPermitted" ? `${caseRef}: a change was put back (not permitted)` : `${caseRef}: workflow columns put back`;
  const reported = () => ports.mail.inbox(ports.coordinatorEmail).some((m) => m.subject === subject);
  ports.sites.patchAsPerson(ports.siteId, "Cases", found.id, fields, by);
  const putBack = () => reported() && columns(item()?.fields ?? {}) === before;
  await until(`${caseRef}: ${what} put back`, putBack, 180_000, ports.meanwhile).catch(() => undefined);
  count(tally, log, `${what} (${caseRef})`, putBack(), `${reported() ? "told" : "not told"}; columns ${columns(item()?.fields ?? {}) === before ? "as before" : `now ${columns(item()?.fields ?? {})} not ${before}`}`);
}
