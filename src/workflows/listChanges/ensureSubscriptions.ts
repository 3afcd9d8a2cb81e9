import type { GraphSubscriptions } from "../../m365/graph/subscriptions";
import { graphStatus } from "../../m365/sharepoint/graphErrors";
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

/**
 * What upkeep did for a list's subscription: `refused` when Graph answered 403 (the tenant has not granted list
 * subscriptions: the list is polled instead); `failed` for anything else (tried again at the next upkeep).
 */
export type SubscriptionAction = "created" | "renewed" | "kept" | "recreated" | "refused" | "failed";

/** One list's upkeep: what was done, and for `refused` or `failed` the error's class and Graph's code (never a URL). */
export interface SubscriptionResult {
  list: string;
  action: SubscriptionAction;
  error?: string;
}

export const SUBSCRIPTION_SCOPE = "subscription";
export const SUBSCRIPTION_BY_ID_SCOPE = "subscriptionById";
/** Lists whose subscription Graph refused: their changes are found by polling (`pollRefusedLists`). */
export const POLLED_SCOPE = "polledList";

/** Why a list is polled: Graph refused its subscription, since then. */
export interface PolledList {
  list: string;
  since: string;
  refusal: string;
}

/** Lists allow 42,300 minutes; ask for a little less so clock skew never makes Graph refuse. */
export const SUBSCRIPTION_LIFETIME_MINUTES = 42_000;
/** Renew when less than this is left: the daily timer then has many chances before expiry. */
export const RENEW_WHEN_MINUTES_LEFT = 7 * 24 * 60;

/**
 * Makes sure each watched list has a live Graph subscription: creates one where there is none (or Graph has
 * lost it), renews one that will expire within a week, and leaves the rest alone. Run on start-up and by a
 * timer; safe to run any number of times. One list's failure never stops the others: a 403 marks the list as
 * polled (`refused`), any other error is reported (`failed`) and tried again next time; a list whose subscription
 * is made again stops being polled.
 *
 * @example
 * await ensureSubscriptions(ports, [casesList, placementsList])
 * // [{ list: "Cases", action: "created" }, { list: "Placements", action: "kept" }]
 * // in a tenant that refuses list subscriptions: [{ list: "Cases", action: "refused", error: "403 ExtensionError" }, …]
 */
export async function ensureSubscriptions(ports: SubscriptionPorts, lists: readonly WatchedList[]): Promise<SubscriptionResult[]> {
  const results: SubscriptionResult[] = [];
  for (const list of lists) {
    try {
      const action = await ensureOne(ports, list);
      if (action !== "kept") await ports.state.remove(POLLED_SCOPE, list.name);
      results.push({ list: list.name, action });
    } catch (e) {
      const error = errorName(e);
      if (graphStatus(e) !== 403) {
        results.push({ list: list.name, action: "failed", error });
        continue;
      }
      const known = (await ports.state.get<PolledList>(POLLED_SCOPE, list.name))?.value;
      if (!known) await ports.state.put<PolledList>(POLLED_SCOPE, list.name, { list: list.name, since: ports.now().toISOString(), refusal: error });
      results.push({ list: list.name, action: "refused", error });
    }
  }
  return results;
}

/**
 * The lists whose subscription Graph refused, polled instead.
 *
 * @example
 * await polledLists(state) // [{ list: "Cases", since: "2026-11-23T09:00:00.000Z", refusal: "403 ExtensionError" }]
 */
export async function polledLists(state: AppState): Promise<PolledList[]> {
  return (await state.list<PolledList>(POLLED_SCOPE)).map((p) => p.value);
}

/** Graph's status and code (or the error's class), for logs and the health check: never its message (SDKs quote URLs). */
function errorName(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const status = graphStatus(e);
  return `${status ?? (e instanceof Error ? e.name : "Error")}${typeof code === "string" && code ? ` ${code}` : ""}`;
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
 * longer has it. Returns the list it belongs to, or undefined for a subscription the app does not know. A refusal
 * (403) marks the list as polled, as upkeep does.
 */
export async function reauthorizeSubscription(
  ports: SubscriptionPorts,
  subscriptionId: string,
  lists: readonly WatchedList[],
): Promise<string | undefined> {
  const known = (await ports.state.get<KnownSubscription>(SUBSCRIPTION_BY_ID_SCOPE, subscriptionId))?.value;
  const list = known && lists.find((l) => l.name === known.list);
  if (!known || !list) return undefined;
  try {
    const renewed = await ports.subscriptions.renew(subscriptionId, expiry(ports.now()));
    if (renewed) await remember(ports, { ...known, expirationDateTime: renewed.expirationDateTime });
    else await create(ports, list);
  } catch (e) {
    if (graphStatus(e) !== 403) throw e;
    await ports.state.put<PolledList>(POLLED_SCOPE, list.name, { list: list.name, since: ports.now().toISOString(), refusal: errorName(e) });
  }
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
