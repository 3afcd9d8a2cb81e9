import type { ListChangeMessage } from "./listChangeMessage";
import { listForSubscription, reauthorizeSubscription, ensureSubscriptions, type SubscriptionAction, type SubscriptionPorts, type WatchedList } from "./ensureSubscriptions";
import { processListChanges, type ListChangeHandler, type ListChangePorts, type RoundReport } from "./processListChanges";

/** A watched list: its subscription's resource, and a round of its changes through its handler. */
export interface WatchedListRound extends WatchedList {
  round(ports: ListChangePorts, notifiedAt?: Date): Promise<RoundReport>;
}

/**
 * A list watched through its change handler.
 *
 * @example
 * const cases = watchedList(casesHandler(casesPorts));
 * await cases.round(changePorts, new Date()) // { list: "Cases", seen: 1, handled: 1, … }
 */
export function watchedList<Row>(handler: ListChangeHandler<Row>): WatchedListRound {
  return {
    name: handler.items.name,
    resource: async () => (await handler.items.list.path()).replace(/^\//, ""),
    round: (ports, notifiedAt) => processListChanges(ports, handler, notifiedAt),
  };
}

/** What watching the lists needs: their subscriptions, the lists and their rounds, and the case effects left over. */
export interface ListWatchPorts {
  subscriptions: SubscriptionPorts;
  lists: readonly WatchedListRound[];
  changes: ListChangePorts;
  /** Carries out case effects a failed round left behind; how many transitions' worth. */
  carryOutLeftovers(): Promise<number>;
  log(message: string): void;
}

export type ListChangeOutcome =
  | { kind: "reauthorized"; list: string | undefined }
  | { kind: "unknownSubscription"; subscriptionId: string }
  | { kind: "round"; report: RoundReport };

/**
 * One queued notification (or lifecycle event) for a watched list: a `reauthorizationRequired` event renews the
 * subscription (or recreates it); anything else runs that list's delta round. Duplicates and bursts cost little (a
 * round that started after the notification covers it); a missed notification is caught by `keepListsWatched`.
 *
 * @example
 * await handleListChange(ports, { subscriptionId: "…", receivedAt: "2026-11-23T09:15:00Z" })
 * // { kind: "round", report: { list: "Cases", skipped: false, seen: 1, handled: 1, restarted: false } }
 */
export async function handleListChange(ports: ListWatchPorts, message: ListChangeMessage): Promise<ListChangeOutcome> {
  if (message.lifecycleEvent === "reauthorizationRequired") {
    return { kind: "reauthorized", list: await reauthorizeSubscription(ports.subscriptions, message.subscriptionId, ports.lists) };
  }
  const name = await listForSubscription(ports.subscriptions.state, message.subscriptionId);
  const list = ports.lists.find((l) => l.name === name);
  if (!list) return { kind: "unknownSubscription", subscriptionId: message.subscriptionId };
  return { kind: "round", report: await list.round({ ...ports.changes, log: ports.log }, new Date(message.receivedAt)) };
}

/** What one upkeep run did. */
export interface UpkeepReport {
  subscriptions: { list: string; action: SubscriptionAction }[];
  leftovers: number;
  rounds: RoundReport[];
  /** What failed (a list's subscription or round, the leftovers): reported, and never in the way of the rest. */
  problems?: string[];
}

/**
 * Keeps a subscription on every watched list (create, renew a week ahead, recreate when lost), carries out case
 * effects a failed round left behind, and runs each list's delta as a backstop for notifications Graph never
 * delivered (with the list's parked items). Costs one GET per list when all is well. Each part stands alone: a
 * failing leftover or one list's failing round is reported and never stops the backstop for the other lists.
 *
 * @example
 * await keepListsWatched(ports) // { subscriptions: [{ list: "Cases", action: "kept" }, …], leftovers: 0, rounds: [...], problems: [] }
 */
export async function keepListsWatched(ports: ListWatchPorts): Promise<UpkeepReport> {
  const problems: string[] = [];
  const said = (what: string, e: unknown) => problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  let subscriptions: UpkeepReport["subscriptions"] = [];
  try {
    subscriptions = await ensureSubscriptions(ports.subscriptions, ports.lists);
  } catch (e) {
    said("the subscriptions could not all be kept", e);
  }
  let leftovers = 0;
  try {
    leftovers = await ports.carryOutLeftovers();
  } catch (e) {
    said("some effects left over are still to do (tried again next time)", e);
  }
  const rounds: RoundReport[] = [];
  for (const list of ports.lists) {
    try {
      rounds.push(await list.round({ ...ports.changes, log: ports.changes.log ?? ports.log }));
    } catch (e) {
      said(`${list.name}'s round failed (tried again next time)`, e);
    }
  }
  for (const problem of problems) ports.log(`Upkeep: ${problem}`);
  return { subscriptions, leftovers, rounds, problems };
}
