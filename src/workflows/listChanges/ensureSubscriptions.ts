import type { GraphSubscriptions } from "../../m365/graph/subscriptions";
import type { AppState } from "../../m365/tables/appState";

/** A list the app watches, with the Graph resource path its subscription names. */
export interface WatchedList {
  name: string;
  /** `sites/{site-id}/lists/{list-id}` */
  resource(): Promise<string>;
}

export interface SubscriptionPorts {
  subscriptions: GraphSubscriptions;
  state: AppState;
  now: () => Date;
  notificationUrl: string;
  clientState: string;
}

/** What the app remembers of each list's subscription. */
export interface KnownSubscription {
  id: string;
  list: string;
  resource: string;
  expirationDateTime: string;
}

export type SubscriptionAction = "created" | "renewed" | "kept" | "recreated";

export const SUBSCRIPTION_SCOPE = "subscription";
export const SUBSCRIPTION_BY_ID_SCOPE = "subscriptionById";

/** Lists allow 42,300 minutes; ask for a little less so clock skew never makes Graph refuse. */
export const SUBSCRIPTION_LIFETIME_MINUTES = 42_000;
/** Renew when less than this is left: the daily timer then has many chances before expiry. */
export const RENEW_WHEN_MINUTES_LEFT = 7 * 24 * 60;

/**
 * Makes sure each watched list has a live Graph subscription: creates one where there is none (or Graph has
 * lost it), renews one that will expire within a week, and leaves the rest alone. Run on start-up and by a
 * timer; safe to run any number of times.
 *
 * @example
 * await ensureSubscriptions(ports, [casesList, placementsList])
 * // [{ list: "Cases", action: "created" }, { list: "Placements", action: "kept" }]
 */
export async function ensureSubscriptions(
  ports: SubscriptionPorts,
  lists: readonly WatchedList[],
): Promise<{ list: string; action: SubscriptionAction }[]> {
  const results: { list: string; action: SubscriptionAction }[] = [];
  for (const list of lists) results.push({ list: list.name, action: await ensureOne(ports, list) });
  return results;
}

async function ensureOne(ports: SubscriptionPorts, list: WatchedList): Promise<SubscriptionAction> {
  const known = (await ports.state.get<KnownSubscription>(SUBSCRIPTION_SCOPE, list.name))?.value;
  const now = ports.now();
  if (known) {
    const live = await ports.subscriptions.get(known.id);
    if (live) {
      const minutesLeft = (Date.parse(live.expirationDateTime) - now.getTime()) / 60_000;
      if (minutesLeft > RENEW_WHEN_MINUTES_LEFT) return "kept";
      const renewed = await ports.subscriptions.renew(known.id, expiry(now));
      if (renewed) {
        await remember(ports, { ...known, expirationDateTime: renewed.expirationDateTime });
        return "renewed";
      }
    }
    await create(ports, list);
    return "recreated";
  }
  await create(ports, list);
  return "created";
}

/**
 * Answers a `reauthorizationRequired` lifecycle event: renew the subscription, or recreate it if Graph no
 * longer has it. Returns the list it belongs to, or undefined for a subscription the app does not know.
 */
export async function reauthorizeSubscription(
  ports: SubscriptionPorts,
  subscriptionId: string,
  lists: readonly WatchedList[],
): Promise<string | undefined> {
  const known = (await ports.state.get<KnownSubscription>(SUBSCRIPTION_BY_ID_SCOPE, subscriptionId))?.value;
  const list = known && lists.find((l) => l.name === known.list);
  if (!known || !list) return undefined;
  const renewed = await ports.subscriptions.renew(subscriptionId, expiry(ports.now()));
  if (renewed) await remember(ports, { ...known, expirationDateTime: renewed.expirationDateTime });
  else await create(ports, list);
  return list.name;
}

/** Which list a subscription id belongs to (undefined for one the app did not make or has replaced). */
export async function listForSubscription(state: AppState, subscriptionId: string): Promise<string | undefined> {
  return (await state.get<KnownSubscription>(SUBSCRIPTION_BY_ID_SCOPE, subscriptionId))?.value.list;
}

async function create(ports: SubscriptionPorts, list: WatchedList): Promise<void> {
  const resource = await list.resource();
  const created = await ports.subscriptions.create({
    resource,
    notificationUrl: ports.notificationUrl,
    lifecycleNotificationUrl: ports.notificationUrl,
    clientState: ports.clientState,
    expirationDateTime: expiry(ports.now()),
  });
  const previous = (await ports.state.get<KnownSubscription>(SUBSCRIPTION_SCOPE, list.name))?.value;
  await remember(ports, { id: created.id, list: list.name, resource, expirationDateTime: created.expirationDateTime });
  if (previous && previous.id !== created.id) {
    // Keep the old id mapped for a while: notifications already in flight for it still name this list.
    await ports.state.put(SUBSCRIPTION_BY_ID_SCOPE, previous.id, { ...previous, replacedBy: created.id });
  }
}

async function remember(ports: SubscriptionPorts, s: KnownSubscription): Promise<void> {
  await ports.state.put(SUBSCRIPTION_SCOPE, s.list, s);
  await ports.state.put(SUBSCRIPTION_BY_ID_SCOPE, s.id, s);
}

function expiry(now: Date): Date {
  return new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000);
}
