import { z } from "zod";

/**
 * What Graph POSTs to the notification URL: change notifications (for a list, no item data: the app runs
 * delta) and lifecycle notifications (for a list, only `reauthorizationRequired`). Several subscriptions'
 * notifications can share one POST. Parsed at the edge; anything else is refused.
 *
 * @example
 * changeNotificationCollectionSchema.parse({ value: [{ subscriptionId: "…", clientState: "…",
 *   changeType: "updated", resource: "sites/…/lists/…", tenantId: "…", subscriptionExpirationDateTime: "…" }] })
 */
export const changeNotificationSchema = z.object({
  id: z.string().optional(),
  subscriptionId: z.string().min(1).max(100),
  subscriptionExpirationDateTime: z.string().optional(),
  clientState: z.string().max(128).nullish(),
  changeType: z.string().max(40).optional(),
  resource: z.string().max(2000).optional(),
  tenantId: z.string().max(100).optional(),
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]).optional(),
  resourceData: z.record(z.string(), z.unknown()).nullish(),
});
export type ChangeNotification = z.infer<typeof changeNotificationSchema>;

export const changeNotificationCollectionSchema = z.object({
  value: z.array(changeNotificationSchema).min(1).max(1000),
  validationTokens: z.array(z.string()).optional(),
});

/**
 * A validation token Graph sends as `?validationToken=`: opaque, but in practice printable text of modest size.
 * Echoing anything else would make the endpoint a reflector for arbitrary content.
 */
export const validationTokenSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x20-\x7E]+$/, "a validation token is printable ASCII");
