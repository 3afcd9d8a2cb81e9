import type { ListChangeMessage } from "./listChangeMessage";
import { listForSubscription, polledLists, reauthorizeSubscription, ensureSubscriptions, type SubscriptionPorts, type SubscriptionResult, type WatchedList } from "./ensureSubscriptions";
import { carryOutAfterRound, processListChanges, type ListChangeHandler, type ListChangePorts, type RoundReport } from "./processListChanges";
import { clearDegraded, reportDegraded, type DegradedPorts } from "../operations/degradedParts";
import { changesFoundByPolling } from "../messages/coordinatorMessages";

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
 * What a handler leaves until after its round (a transition's effects: an email may wait a minute on Exchange's
 * Retry-After) never holds up the list: the next round starts once this one's cursor is saved, and the invocation
 * that asked for this round carries that work out before it ends; invocations that joined it end with the round.
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
      const left: (() => Promise<void>)[] = [];
      const report = running.then(async (): Promise<RoundReport> => {
        if (next?.ask === ask) next = undefined;
        const covered = ask.notifiedAt;
        if (covered !== undefined && coveredUntil > covered) return { list: name, skipped: true, restarted: false, seen: 0, handled: 0, parked: 0 };
        const done = await processListChanges(ports, handler, covered === undefined ? undefined : new Date(covered), (work) => left.push(work));
        if (done.startedAt) coveredUntil = Math.max(coveredUntil, Date.parse(done.startedAt));
        return done;
      });
      next = { ask, report };
      // The list's next round waits for this one's reads and writes only: what the handlers left until after the
      // round (a transition's effects) is carried out by the invocation that asked for the round, side by side with it.
      running = report.catch(() => undefined);
      // Carried out even when the round fails after handling some items: their states are written, their effects due.
      return report.then(
        async (done) => {
          await carryOutAfterRound(left, ports.log);
          return done;
        },
        async (e: unknown) => {
          await carryOutAfterRound(left, ports.log);
          throw e;
        },
      );
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
  /** How often lists whose subscription Graph refused are polled (LIST_POLL_MINUTES): said to the Coordinator. */
  pollMinutes: number;
  /** Where a refused subscription is recorded for the health check and told to the Coordinator once. */
  degraded?: DegradedPorts | undefined;
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

/** A job of an upkeep run that failed (the others ran): which, and the error's class (never its message). */
export interface UpkeepFailure {
  job: string;
  error: string;
}

/** What one upkeep run did. */
export interface UpkeepReport {
  subscriptions: SubscriptionResult[];
  /** The lists whose changes are found by polling (Graph refused their subscriptions). */
  polled: string[];
  leftovers: number;
  rounds: RoundReport[];
  failures: UpkeepFailure[];
}

/**
 * Keeps a subscription on every watched list (create, renew a week ahead, recreate when lost), carries out case
 * effects a failed round left behind, and runs each list's delta as a backstop for notifications Graph never
 * delivered. Costs one GET per list when all is well. Each job stands alone: a list whose subscription fails, a
 * leftover that cannot be carried out or a list whose round fails is reported in `failures`, and every other job
 * still runs. When Graph refuses list subscriptions (403), the lists are polled (`pollRefusedLists`, every
 * LIST_POLL_MINUTES), the deep health check says so and the Coordinator is told once; when a subscription can be made
 * again, polling stops and the health check clears.
 *
 * @example
 * await keepListsWatched(ports) // { subscriptions: [{ list: "Cases", action: "kept" }, …], polled: [], leftovers: 0, rounds: [...], failures: [] }
 */
export async function keepListsWatched(ports: ListWatchPorts): Promise<UpkeepReport> {
  const failures: UpkeepFailure[] = [];
  const job = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (e) {
      failures.push({ job: name, error: e instanceof Error ? e.name : "Error" });
      ports.log(`Upkeep: ${name} failed (${e instanceof Error ? e.name : "Error"}); the other jobs went on and it is tried again next time`);
      return undefined;
    }
  };
  const subscriptions = (await job("subscriptions", () => ensureSubscriptions(ports.subscriptions, ports.lists))) ?? [];
  for (const s of subscriptions) if (s.action === "failed") failures.push({ job: `subscription ${s.list}`, error: s.error ?? "Error" });
  const polled = (await job("polled lists", async () => (await polledLists(ports.subscriptions.state)).map((p) => p.list))) ?? [];
  await job("degraded parts", () => sayHowListsAreWatched(ports, subscriptions, polled));
  const leftovers = (await job("leftover case effects", () => ports.carryOutLeftovers())) ?? 0;
  const rounds: RoundReport[] = [];
  for (const list of ports.lists) {
    const report = await job(`${list.name} round`, () => list.round({ ...ports.changes, log: ports.changes.log ?? ports.log }));
    if (report) rounds.push(report);
  }
  return { subscriptions, polled, leftovers, rounds, failures };
}

/** Tells the health check (and the Coordinator, once) that lists are polled; clears it once every list is subscribed. */
async function sayHowListsAreWatched(ports: ListWatchPorts, results: readonly SubscriptionResult[], polled: readonly string[]): Promise<void> {
  if (!ports.degraded) return;
  if (polled.length) {
    const every = ports.pollMinutes === 1 ? "every minute" : `every ${ports.pollMinutes} minutes`;
    const refusal = results.find((r) => r.action === "refused")?.error ?? "403";
    await reportDegraded(ports.degraded, "listSubscriptions", `Graph refused change notifications (${refusal}) on ${polled.join(", ")}: their changes are found by polling ${every}`, changesFoundByPolling(ports.pollMinutes));
  } else if (results.length === ports.lists.length && results.every((r) => r.action !== "failed" && r.action !== "refused")) {
    await clearDegraded(ports.degraded, "listSubscriptions");
  }
}

/** What one polling run did. */
export interface PollReport {
  rounds: RoundReport[];
  failures: UpkeepFailure[];
}

/**
 * The fallback when Graph refuses list subscriptions: every LIST_POLL_MINUTES, each list whose subscription was
 * refused runs its delta round (one GET when nothing changed), so coordinators' edits are still handled, a minute
 * or so late rather than in seconds. Lists with a live subscription are left to their notifications; with none
 * refused this costs one table read. One list's failure never stops the others.
 *
 * @example
 * await pollRefusedLists(ports) // { rounds: [{ list: "Cases", seen: 1, handled: 1, … }, …], failures: [] }
 */
export async function pollRefusedLists(ports: ListWatchPorts): Promise<PollReport> {
  const polled = new Set((await polledLists(ports.subscriptions.state)).map((p) => p.list));
  const rounds: RoundReport[] = [];
  const failures: UpkeepFailure[] = [];
  for (const list of ports.lists.filter((l) => polled.has(l.name))) {
    try {
      rounds.push(await list.round({ ...ports.changes, log: ports.changes.log ?? ports.log }));
    } catch (e) {
      failures.push({ job: `${list.name} round`, error: e instanceof Error ? e.name : "Error" });
      ports.log(`Polling ${list.name} failed (${e instanceof Error ? e.name : "Error"}); it is polled again next time`);
    }
  }
  return { rounds, failures };
}
