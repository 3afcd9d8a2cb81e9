import type { MeetingKind } from "../../domain/meetings";
import { MeetingWithoutJoinUrlError } from "../../m365/outlook/calendar";
import { teamsMeetingsUnavailable } from "../messages/coordinatorMessages";
import { clearDegraded, reportDegraded, type DegradedPorts } from "../operations/degradedParts";

/**
 * Reviews and meeting invitations waiting for Teams: Outlook made their event without a Teams meeting (the
 * partnership mailbox's licence does not include Teams), so no review row or invitation is recorded with it — a
 * review without a way to join is not a review. Each is kept here, by case, and tried again each school day
 * (`retryAwaitingTeams`); the deep health check names the part and the Coordinator is told once.
 */
export type AwaitingTeams = { kind: "reviews"; caseRef: string } | { kind: "meeting"; caseRef: string; meetingKind: MeetingKind };

export const AWAITING_TEAMS_SCOPE = "awaitingTeams";

/** What waits, and how many times its event came back without a join link (how a retry knows it failed again). */
type Waiting = AwaitingTeams & { failures: number };

const nameOf = (w: AwaitingTeams) => (w.kind === "reviews" ? `reviews:${w.caseRef}` : `meeting:${w.meetingKind}:${w.caseRef}`);

/**
 * Records what waits for Teams and tells the Coordinator (once) and the health check. Rethrows anything that is not
 * a meeting made without its join link, and the error itself when there is nowhere to record it.
 *
 * @example
 * try { await calendar.create(m) } catch (e) { await waitForTeams(ports.degraded, e, { kind: "reviews", caseRef }); }
 */
export async function waitForTeams(ports: DegradedPorts | undefined, error: unknown, what: AwaitingTeams): Promise<void> {
  if (!(error instanceof MeetingWithoutJoinUrlError) || !ports) throw error;
  const before = (await ports.state.get<Waiting>(AWAITING_TEAMS_SCOPE, nameOf(what)))?.value;
  await ports.state.put<Waiting>(AWAITING_TEAMS_SCOPE, nameOf(what), { ...what, failures: (before?.failures ?? 0) + 1 });
  const waiting = (await ports.state.list<Waiting>(AWAITING_TEAMS_SCOPE)).length;
  ports.log(`${what.caseRef}: ${what.kind === "reviews" ? "reviews" : `the ${what.meetingKind} invitation`} wait for Teams (the event has no join link)`);
  await reportDegraded(
    ports,
    "teamsMeetings",
    `Outlook makes ${error.mailbox}'s events without a Teams meeting (no licence that includes Teams): ${waiting} review series or invitation(s) wait and are tried again each school day`,
    teamsMeetingsUnavailable(error.mailbox),
  );
}

/**
 * Tries again everything waiting for Teams (the daily round does, each school day), with `retry` — the reviews'
 * sync or the meeting's assignment, which record it again if its event still has no join link. What went through
 * leaves the list; when nothing is left the part leaves the health check. Returns what was retried and what still
 * waits. A retry that fails otherwise stays waiting and is logged.
 *
 * @example
 * await retryAwaitingTeams(ports.degraded, { reviews: (c) => syncReviews(ports, c), meeting: (c, k) => assignMeeting(ports, c, k) })
 * // { retried: 2, stillWaiting: 0 } once the mailbox is licensed
 */
export async function retryAwaitingTeams(
  ports: DegradedPorts,
  retry: { reviews(caseRef: string): Promise<unknown>; meeting(caseRef: string, kind: MeetingKind): Promise<unknown> },
): Promise<{ retried: number; stillWaiting: number }> {
  const waiting = await ports.state.list<Waiting>(AWAITING_TEAMS_SCOPE);
  for (const { name, value } of waiting) {
    try {
      if (value.kind === "reviews") await retry.reviews(value.caseRef);
      else await retry.meeting(value.caseRef, value.meetingKind);
    } catch (e) {
      ports.log(`${value.caseRef}: trying its Teams meeting again failed (${e instanceof Error ? e.name : "Error"}); tried again next school day`);
      continue;
    }
    const now = await ports.state.get<Waiting>(AWAITING_TEAMS_SCOPE, name);
    // Recorded again by the retry (still no join link): it stays. Otherwise it went through.
    if (now && now.value.failures === value.failures) await ports.state.remove(AWAITING_TEAMS_SCOPE, name);
  }
  const stillWaiting = (await ports.state.list<Waiting>(AWAITING_TEAMS_SCOPE)).length;
  if (waiting.length && !stillWaiting) await clearDegraded(ports, "teamsMeetings");
  return { retried: waiting.length, stillWaiting };
}
