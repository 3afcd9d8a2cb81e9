import type { ListChangeMessage } from "./listChangeMessage";
import { listForSubscription, reauthorizeSubscription, ensureSubscriptions, type SubscriptionAction, type SubscriptionPorts, type WatchedList } from "./ensureSubscriptions";
import { processListChanges, type ListChangeHandler, type ListChangePorts, type RoundReport } from "./processListChanges";

/** A watched list: its subscription's resource, and a round of its changes through its handler. */
export interface WatchedListRound extends WatchedList {
  round(ports: ListChangePorts, notifiedAt?: Date): Promise<RoundReport>;
}

/**
 * A list watched through its change handler. In one process a list's rounds run one at a time, and asking for a
 * round while one runs joins the next one, which starts after the ask and so covers it: however many notifications
 * (or upkeep runs) arrive meanwhile, they cost one more round at most. A notification received before a round
 * this process finished had started — as the app's own writes' notifications mostly are — costs no delta read, nor
 * even a look at the stored cursor. (Rounds in other instances still run side by side: every step is idempotent.)
 *
 * @example
 * const cases = watchedList(casesHandler(casesPorts));
 * await cases.round(changePorts, new Date()) // { list: "Cases", seen: 1, handled: 1, … }
 */
export function watchedList<Row>(handler: ListChangeHandler<Row>): WatchedListRound {
  const name = handler.items.name;
  let running: Promise<unknown> = Promise.resolve();
  // The next round, not started yet: the latest notification it must cover (undefined: it must run whatever).
  let next: { ask: { notifiedAt: number | undefined }; report: Promise<RoundReport> } | undefined;
  // The start of the latest round this process finished (its cursor saved): every change before it was seen.
  let coveredUntil = 0;
  return {
    name,
    resource: async () => (await handler.items.list.path()).replace(/^\//, ""),
    round: (ports, notifiedAt) => {
      const asked = notifiedAt?.getTime();
      if (next) {
        const ask = next.ask;
        ask.notifiedAt = asked === undefined || ask.notifiedAt === undefined ? undefined : Math.max(ask.notifiedAt, asked);
        return next.report;
      }
      const ask = { notifiedAt: asked };
      const report = running.then(async (): Promise<RoundReport> => {
        if (next?.ask === ask) next = undefined;
        const covered = ask.notifiedAt;
        if (covered !== undefined && coveredUntil > covered) return { list: name, skipped: true, restarted: false, seen: 0, handled: 0 };
        const done = await processListChanges(ports, handler, covered === undefined ? undefined : new Date(covered));
        if (done.startedAt) coveredUntil = Math.max(coveredUntil, Date.parse(done.startedAt));
        return done;
      });
      next = { ask, report };
      running = report.catch(() => undefined);
      return report;
    },
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
  const name = await knownList(ports.subscriptions.state, message.subscriptionId);
  const list = ports.lists.find((l) => l.name === name);
  if (!list) return { kind: "unknownSubscription", subscriptionId: message.subscriptionId };
  return { kind: "round", report: await list.round({ ...ports.changes, log: ports.log }, new Date(message.receivedAt)) };
}

// A subscription id names one list for good (a replaced subscription's id still names its list), so what this
// process has looked up once it need not look up again: a burst of notifications costs no table read each.
const listsBySubscription = new WeakMap<object, Map<string, string>>();
async function knownList(state: ListWatchPorts["subscriptions"]["state"], subscriptionId: string): Promise<string | undefined> {
  let known = listsBySubscription.get(state);
  if (!known) listsBySubscription.set(state, (known = new Map()));
  const cached = known.get(subscriptionId);
  if (cached !== undefined) return cached;
  const name = await listForSubscription(state, subscriptionId);
  if (name !== undefined) known.set(subscriptionId, name);
  return name;
}

/** What one upkeep run did. */
export interface UpkeepReport {
  subscriptions: { list: string; action: SubscriptionAction }[];
  leftovers: number;
  rounds: RoundReport[];
}

/**
 * Keeps a subscription on every watched list (create, renew a week ahead, recreate when lost), carries out case
 * effects a failed round left behind, and runs each list's delta as a backstop for notifications Graph never
 * delivered. Costs one GET per list when all is well.
 *
 * @example
 * await keepListsWatched(ports) // { subscriptions: [{ list: "Cases", action: "kept" }, …], leftovers: 0, rounds: [...] }
 */
export async function keepListsWatched(ports: ListWatchPorts): Promise<UpkeepReport> {
  const subscriptions = await ensureSubscriptions(ports.subscriptions, ports.lists);
  const leftovers = await ports.carryOutLeftovers();
  const rounds: RoundReport[] = [];
  for (const list of ports.lists) rounds.push(await list.round(ports.changes));
  return { subscriptions, leftovers, rounds };
}
