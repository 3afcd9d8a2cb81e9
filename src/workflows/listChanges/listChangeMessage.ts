import { z } from "zod";

/**
 * The queue message a change notification becomes: which subscription fired and, for a lifecycle event, which.
 * Identifiers only — no item data ever reaches the queue (Graph sends none for lists anyway).
 */
export const listChangeMessageSchema = z.object({
  subscriptionId: z.string().min(1).max(100),
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]).optional(),
  /** When the notification was received; a delta run that started later has already covered it. */
  receivedAt: z.iso.datetime(),
});
export type ListChangeMessage = z.infer<typeof listChangeMessageSchema>;

export const LIST_CHANGES_QUEUE = "list-changes";

/**
 * The messages a group of notifications needs queued: one per subscription and lifecycle event, received at the
 * latest of its notifications. A delta round that starts after that covers every one of them (a round reads all the
 * changes since its cursor), so a burst of a list's notifications costs one queue message, not one each.
 *
 * @example
 * mergeListChangeMessages([
 *   { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.000Z" },
 *   { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.040Z" },
 *   { subscriptionId: "s1", lifecycleEvent: "reauthorizationRequired", receivedAt: "2026-12-02T09:00:00.010Z" },
 * ])
 * // [{ subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.040Z" },
 * //  { subscriptionId: "s1", lifecycleEvent: "reauthorizationRequired", receivedAt: "2026-12-02T09:00:00.010Z" }]
 */
export function mergeListChangeMessages(messages: readonly ListChangeMessage[]): ListChangeMessage[] {
  const latest = new Map<string, ListChangeMessage>();
  for (const m of messages) {
    const key = `${m.subscriptionId}\n${m.lifecycleEvent ?? ""}`;
    const kept = latest.get(key);
    if (!kept || Date.parse(m.receivedAt) > Date.parse(kept.receivedAt)) latest.set(key, m);
  }
  return [...latest.values()];
}
