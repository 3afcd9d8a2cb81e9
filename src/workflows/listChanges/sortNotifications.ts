import { createHash, timingSafeEqual } from "node:crypto";
import type { ChangeNotification } from "../../m365/graph/changeNotifications";
import type { ListChangeMessage } from "./listChangeMessage";

export interface SortedNotifications {
  /** One message per subscription (and lifecycle event) in this POST: a burst on one list is one delta run. */
  accepted: ListChangeMessage[];
  /** Notifications whose clientState did not match: someone other than Graph, or an old subscription. */
  refused: { subscriptionId: string }[];
}

/**
 * Keeps the notifications that carry our clientState and turns them into queue messages, one per subscription
 * and kind. The comparison takes the same time whatever the guess, so the secret cannot be found by timing.
 *
 * @example
 * sortNotifications([{ subscriptionId: "s1", clientState: "secret", changeType: "updated" },
 *                    { subscriptionId: "s1", clientState: "secret", changeType: "updated" },
 *                    { subscriptionId: "s2", clientState: "guess" }], "secret", now)
 * // { accepted: [{ subscriptionId: "s1", receivedAt: now }], refused: [{ subscriptionId: "s2" }] }
 */
export function sortNotifications(
  notifications: readonly ChangeNotification[],
  expectedClientState: string,
  now: Date,
): SortedNotifications {
  const accepted = new Map<string, ListChangeMessage>();
  const refused: { subscriptionId: string }[] = [];
  for (const n of notifications) {
    if (!sameSecret(n.clientState ?? "", expectedClientState)) {
      refused.push({ subscriptionId: n.subscriptionId });
      continue;
    }
    const key = `${n.subscriptionId}|${n.lifecycleEvent ?? ""}`;
    if (!accepted.has(key)) {
      accepted.set(key, {
        subscriptionId: n.subscriptionId,
        ...(n.lifecycleEvent ? { lifecycleEvent: n.lifecycleEvent } : {}),
        receivedAt: now.toISOString(),
      });
    }
  }
  return { accepted: [...accepted.values()], refused };
}

/** Constant-time comparison of two secrets of any length (compares fixed-size digests). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
