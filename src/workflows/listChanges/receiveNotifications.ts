import { changeNotificationCollectionSchema, validationTokenSchema } from "../../m365/graph/changeNotifications";
import { sortNotifications, type SortedNotifications } from "./sortNotifications";

/** What POST /api/notifications answers: the validation handshake, a refusal, or the notifications sorted. */
export type NotificationsAnswer =
  | { kind: "validation"; token: string }
  | { kind: "badRequest"; message: string }
  | ({ kind: "sorted" } & SortedNotifications);

/**
 * Reads one POST from Graph to the notification URL: the validation handshake (`?validationToken=`, echoed only
 * when it is printable text of modest size), or a collection of change and lifecycle notifications, parsed at the
 * edge and sorted by clientState (see `sortNotifications`).
 *
 * @example
 * receiveNotifications({ validationToken: null, body: '{"value":[{"subscriptionId":"s1","clientState":"secret…"}]}' }, "secret…", now)
 * // { kind: "sorted", accepted: [{ subscriptionId: "s1", receivedAt: "…" }], refused: [] }
 */
export function receiveNotifications(request: { validationToken: string | null; body: string }, expectedClientState: string, now: Date): NotificationsAnswer {
  if (request.validationToken !== null) {
    const parsed = validationTokenSchema.safeParse(request.validationToken);
    return parsed.success ? { kind: "validation", token: parsed.data } : { kind: "badRequest", message: "Malformed validation token" };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return { kind: "badRequest", message: "The body is not JSON" };
  }
  const parsed = changeNotificationCollectionSchema.safeParse(body);
  if (!parsed.success) return { kind: "badRequest", message: "The body is not a Graph change notification collection" };
  return { kind: "sorted", ...sortNotifications(parsed.data.value, expectedClientState, now) };
}

/**
 * One log line for a POST's notifications refused for a wrong clientState, however many (a forged POST may carry a
 * thousand): how many, and the first few subscription ids. Undefined when none was refused.
 *
 * @example
 * refusedSummary([{ subscriptionId: "s1" }, { subscriptionId: "s1" }, { subscriptionId: "s2" }])
 * // { message: "Dropped 3 notification(s) with a wrong clientState (subscriptions s1, s2)", count: 3, first: "s1" }
 */
export function refusedSummary(refused: readonly { subscriptionId: string }[]): { message: string; count: number; first: string } | undefined {
  if (refused.length === 0) return undefined;
  const ids = [...new Set(refused.map((r) => r.subscriptionId))];
  const named = `${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ` and ${ids.length - 3} more` : ""}`;
  return { message: `Dropped ${refused.length} notification(s) with a wrong clientState (subscription${ids.length === 1 ? "" : "s"} ${named})`, count: refused.length, first: ids[0] as string };
}
