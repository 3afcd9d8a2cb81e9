import type { TestPlayground } from "../../sandbox/playgroundDriver";
import { agendaInputId } from "../../src/domain/coreGroup";
import { until } from "./support";

export type Post = { action: string; actionConversationId: string; message: { messageId: string; postConversationId?: string } };

const posts = (playground: TestPlayground) => playground.events.filter((e): e is Post => (e as Post).action === "createMessage");

/**
 * Presses a button of a posted card as `fromId`, again (as a person would) while the app cannot answer — the host
 * being killed — or answers that the press should be tried again, or answers `retryIf`.
 */
async function pressUntilAnswered(playground: TestPlayground, card: Post, fromId: string, verb: string, data: Record<string, unknown>, what: string, retryIf?: RegExp, meanwhile?: () => Promise<void>): Promise<string> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const res = await playground.press({ conversationId: card.message.postConversationId ?? card.actionConversationId, replyToId: card.message.messageId, fromId, verb, data }).catch(() => undefined);
    const body = JSON.stringify(res?.body ?? "");
    if (res?.status === 200 && !body.includes("vnd.microsoft.error") && !/being recorded|try again/i.test(body) && !(retryIf && retryIf.test(body))) return answerText(body);
    await meanwhile?.();
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
  throw new Error(`${what}: ${fromId}'s press on ${verb} was never answered`);
}

/**
 * The Core Group deciding one case in Teams, as its members would: once its card is in the channel, three members
 * from three schools give their views and the chair records the decision, each press through the Playground's
 * invoke API.
 *
 * @example
 * await decideInTeams(playground, "LNCIP-2026-0042", () => versionOf(ref) >= 6, nudge)
 */
export async function decideInTeams(playground: TestPlayground, ref: string, decidedNow: () => boolean, meanwhile: () => Promise<void>): Promise<void> {
  const { card, round } = await coreGroupCard(playground, ref, meanwhile);
  const data = { caseRef: ref, round, outcome: "inSchoolSupport" };
  const answers: string[] = [];
  for (const member of ["user-id-1", "user-id-2", "user-id-3"]) answers.push(`${member}: ${await pressUntilAnswered(playground, card, member, "coreGroup.giveView", data, ref)}`);
  answers.push(`chair: ${await pressUntilAnswered(playground, card, "user-id-0", "coreGroup.recordDecision", data, ref)}`);
  // Should the decision never land, the answers the presses got say where it stopped.
  await until(`${ref} decided in Teams`, decidedNow, 300_000, meanwhile, () => answers.join(" | "));
}

/**
 * A case's Core Group card once it is in the channel: the post (where its buttons are pressed) and the voting round
 * its buttons carry.
 *
 * @example
 * const { card, round } = await coreGroupCard(playground, "LNCIP-2026-0042", nudge)
 * cardAddress(card) // { conversationId: "…", messageId: "…" }
 */
export async function coreGroupCard(playground: TestPlayground, ref: string, meanwhile: () => Promise<void>): Promise<{ card: Post; round: string }> {
  let posted: Post | undefined;
  await until(`${ref}'s Core Group card`, () => !!(posted = posts(playground).find((e) => JSON.stringify(e).includes(`Core Group: ${ref}"`))), 300_000, meanwhile);
  const card = posted!;
  const round = /\\?"round\\?":\\?"([^"\\]+)/.exec(JSON.stringify(card))?.[1];
  if (!round) throw new Error(`${ref}'s card carries no round`);
  return { card, round };
}

/** Where a posted card's buttons are pressed: its conversation (the post's thread) and message. */
export function cardAddress(card: Post): { conversationId: string; messageId: string } {
  return { conversationId: card.message.postConversationId ?? card.actionConversationId, messageId: card.message.messageId };
}

/**
 * The Inclusion Forum recording one case's outcome on its forum's agenda card, as a forum member would: picks the
 * outcome in the case's row and presses "Record outcome". A case put on the forum after the card was posted joins
 * the card when the agenda timer next runs (`meanwhile` runs it): until then the app answers that the case is not
 * on the agenda, and the press is tried again.
 *
 * @example
 * await recordForumOutcome(playground, "LNCIP-2026-0042", "IF-SOAK-007", "referToPartnership", () => versionOf(ref) >= 3, nudgeAgendas)
 */
export async function recordForumOutcome(playground: TestPlayground, ref: string, meetingKey: string, outcome: string, recordedNow: () => boolean, meanwhile: () => Promise<void>): Promise<void> {
  // The agenda may have been posted before the case joined it (empty, when the channel was chosen): its later updates
  // carry the meeting's key in each case's button; the post with the same message id is where to press.
  let posted: Post | undefined;
  const marker = `"meetingKey":"${meetingKey}"`;
  await until(`the agenda of ${meetingKey}`, () => {
    const shown = (playground.events as Post[]).find((e) => JSON.stringify(e).includes(marker));
    return !!(posted = shown && posts(playground).find((e) => e.message.messageId === shown.message.messageId));
  }, 300_000, meanwhile);
  await pressUntilAnswered(playground, posted!, "user-id-4", "inclusionForum.recordOutcome", { caseRef: ref, meetingKey, [agendaInputId(ref)]: outcome }, ref, /not on this forum's agenda/, meanwhile);
  await until(`${ref}'s forum outcome recorded`, recordedNow, 300_000, meanwhile);
}

/** What an answer said: its message, or a card's notice and first lines (case references and labels only). */
function answerText(body: string): string {
  const texts = [...body.matchAll(/\\?"text\\?":\\?"([^"\\]{0,160})/g)].map((m) => m[1]).filter((t) => t && !/^(Core Group|Give my view|Record decision)$/.test(t!));
  const value = /"value":"([^"]{0,200})"/.exec(body)?.[1];
  return (value ?? texts.slice(0, 4).join(" / ")) || body.slice(0, 200);
}
