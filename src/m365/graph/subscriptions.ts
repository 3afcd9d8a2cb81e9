import type { Client } from "@microsoft/microsoft-graph-client";
import { graphStatus } from "../sharepoint/graphErrors";

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string | null;
  expirationDateTime: string;
  clientState?: string | null;
}

export interface NewSubscription {
  resource: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  expirationDateTime: Date;
}

/**
 * Graph change-notification subscriptions. Lists accept only `updated`, for at most 42,300 minutes; creating
 * one makes Graph call the notification URL for the validation handshake first.
 *
 * @example
 * const subs = graphSubscriptions(graph);
 * const sub = await subs.create({ resource: "sites/…/lists/…", notificationUrl, lifecycleNotificationUrl,
 *   clientState, expirationDateTime: addMinutes(now, 42_000) });
 */
export interface GraphSubscriptions {
  create(s: NewSubscription): Promise<GraphSubscription>;
  get(id: string): Promise<GraphSubscription | undefined>;
  /** Renews; undefined if the subscription no longer exists (then create a new one). */
  renew(id: string, expirationDateTime: Date): Promise<GraphSubscription | undefined>;
  delete(id: string): Promise<void>;
}

export function graphSubscriptions(graph: Client): GraphSubscriptions {
  return {
    async create(s) {
      return (await graph.api("/subscriptions").post({
        changeType: "updated",
        resource: s.resource,
        notificationUrl: s.notificationUrl,
        lifecycleNotificationUrl: s.lifecycleNotificationUrl,
        clientState: s.clientState,
        expirationDateTime: s.expirationDateTime.toISOString(),
      })) as GraphSubscription;
    },
    async get(id) {
      try {
        return (await graph.api(`/subscriptions/${encodeURIComponent(id)}`).get()) as GraphSubscription;
      } catch (e) {
        if (graphStatus(e) === 404) return undefined;
        throw e;
      }
    },
    async renew(id, expirationDateTime) {
      try {
        return (await graph
          .api(`/subscriptions/${encodeURIComponent(id)}`)
          .patch({ expirationDateTime: expirationDateTime.toISOString() })) as GraphSubscription;
      } catch (e) {
        if (graphStatus(e) === 404) return undefined;
        throw e;
      }
    },
    async delete(id) {
      try {
        await graph.api(`/subscriptions/${encodeURIComponent(id)}`).delete();
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
    },
  };
}
