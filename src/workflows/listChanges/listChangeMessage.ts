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
