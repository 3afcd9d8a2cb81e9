import type { AppState } from "../../m365/tables/appState";
import { StaleStateError } from "../../m365/tables/appState";
import { DeltaExpiredError } from "../../m365/sharepoint/graphErrors";
import type { ItemChangeOf, ItemRead, ListItem, ListItems, Snapshot, WatchedColumns } from "../../m365/sharepoint/items";

export type { Snapshot, WatchedColumns };

/** What one list's changes mean to the workflow. */
export interface ListChangeHandler<Row> {
  /** The list whose changes these are. */
  readonly items: ListItems<Row>;
  /** The columns whose change means something to the workflow (never free text or identity). */
  readonly watches: WatchedColumns<Row>;
  /**
   * Called when the watched columns differ from what the app last saw (`before` undefined for an item the app
   * has never seen; `now` what they are). Must be idempotent: a crash after it and before the snapshot is saved
   * repeats it. An item a person made unreadable still comes here (its id may have work left).
   */
  changed(before: Snapshot | undefined, after: ItemRead<Row>, now: Snapshot, round?: RoundWork): Promise<void>;
  /** Called once for an item deleted from the list. */
  deleted?(id: string, before: Snapshot | undefined): Promise<void>;
}

/**
 * What a handler may leave until its list's round is over: work that follows a state already written (a
 * transition's effects, stashed and committed with it), so an email waiting on Exchange's Retry-After never holds up
 * the list's next round. The round's caller carries it out, in the same invocation, once the round has saved its
 * cursor; it must be idempotent and must not be lost if it fails (the stash stays for a retry and the backstop).
 */
export interface RoundWork {
  afterRound(work: () => Promise<void>): void;
}

export interface ListChangePorts {
  state: AppState;
  now: () => Date;
  /** Where a handler failure is reported; the item is parked and retried (nothing is skipped). */
  log?: (message: string) => void;
  /** Tells the Coordinator, once per parking, of an item that keeps failing (after `REPORT_PARKED_AFTER` tries). */
  parked?: (item: ParkedReport) => Promise<void>;
}

/** An item whose change keeps failing, as the Coordinator is told of it (identifiers and the error only). */
export interface ParkedReport {
  list: string;
  itemId: string;
  error: string;
  attempts: number;
  /** When it was first parked: one report per parking. */
  since: string;
}

/** An item a round could not handle: kept with its error, retried by later rounds, while the list moves on. */
export interface ParkedItem {
  error: string;
  since: string;
  attempts: number;
  nextTryAt: string;
  reported: boolean;
  deleted?: boolean;
}

/** The Coordinator hears of a parked item once it has failed this many times (a passing blip clears by itself). */
export const REPORT_PARKED_AFTER = 3;
/** The longest a parked item waits between tries (they double from a minute). */
const MAX_PARKED_WAIT_MS = 60 * 60_000;

interface DeltaCursor {
  deltaLink: string;
  /** When the round that produced this link started: it saw every change made before then. */
  startedAt: string;
}

export const DELTA_SCOPE = "delta";
export const seenScope = (list: string) => `seen-${list}`;
export const parkedScope = (list: string) => `parked-${list}`;

export interface RoundReport {
  list: string;
  skipped: boolean;
  restarted: boolean;
  seen: number;
  handled: number;
  /** Items parked by this round, and parked items still failing. */
  parked: number;
  /** When a round that ran started (it saw every change made before then); absent for a skipped one. */
  startedAt?: string;
}

/**
 * One round of change processing for a list: what changed since the stored delta link, compared with what the
 * app last saw of each item; real changes go to the handler, then the snapshot and the link are saved.
 *
 * - A notification received before the last round started is already covered: the round is skipped, so a
 *   burst of notifications costs one delta query.
 * - An expired link (410) restarts enumeration from the beginning; items whose watched fields match their
 *   snapshots produce nothing, so old effects are not redone.
 * - The app's own writes call `rememberWrite`, so they do not come back as transitions.
 * - If a handler fails on an item, the item is parked (kept with its error) and the round goes on, so one item
 *   never holds up its list: the delta link moves on, parked items are tried again by later rounds (backing off from
 *   a minute to an hour), and the Coordinator is told once of an item that keeps failing.
 * - What handlers leave until after the round (`RoundWork`: a transition's effects) goes to `afterRound` once the
 *   cursor is saved, for the caller to carry out outside the list's one-at-a-time rounds (see watchedList); without
 *   `afterRound` it is carried out here before returning.
 *
 * @example
 * await processListChanges(ports, casesHandler, new Date("2026-11-23T09:15:00Z"))
 * // { list: "Cases", skipped: false, restarted: false, seen: 3, handled: 1, parked: 0 }
 */
export async function processListChanges<Row>(
  ports: ListChangePorts,
  handler: ListChangeHandler<Row>,
  notifiedAt?: Date,
  afterRound?: RoundWork["afterRound"],
): Promise<RoundReport> {
  if (!afterRound) {
    // No caller to leave it to: what the handlers left until after the round is carried out before returning.
    const left: (() => Promise<void>)[] = [];
    try {
      return await processListChanges(ports, handler, notifiedAt, (work) => left.push(work));
    } finally {
      await carryOutAfterRound(left, ports.log);
    }
  }
  const work: RoundWork = { afterRound };
  const name = handler.items.name;
  const stored = await ports.state.get<DeltaCursor>(DELTA_SCOPE, name);
  if (stored && notifiedAt && Date.parse(stored.value.startedAt) > notifiedAt.getTime()) {
    return { list: name, skipped: true, restarted: false, seen: 0, handled: 0, parked: 0 };
  }
  const startedAt = ports.now().toISOString();
  let restarted = false;
  let round: { changes: ItemChangeOf<Row>[]; deltaLink: string };
  try {
    round = await handler.items.changesSince(stored?.value.deltaLink, handler.watches);
  } catch (e) {
    if (!(e instanceof DeltaExpiredError)) throw e;
    restarted = true;
    round = await handler.items.changesSince(undefined, handler.watches);
  }

  const parkedBefore = new Map((await ports.state.list<ParkedItem>(parkedScope(name))).map((p) => [p.name, p.value]));
  let handled = 0;
  let parked = 0;
  const inRound = new Set<string>();
  for (const change of round.changes) {
    const id = change.kind === "deleted" ? change.id : change.item.id;
    inRound.add(id);
    const outcome = await attempt(ports, name, id, parkedBefore.get(id), change.kind === "deleted", () => handleChange(ports, handler, change, restarted, work));
    if (outcome === "handled") handled++;
    if (outcome === "parked") parked++;
  }
  // Parked items this round's delta did not bring back: tried again when their wait is over.
  for (const [id, item] of parkedBefore) {
    if (inRound.has(id) || Date.parse(item.nextTryAt) > ports.now().getTime()) continue;
    const outcome = await attempt(ports, name, id, item, item.deleted === true, async () => {
      const change = item.deleted ? ({ kind: "deleted", id } as const) : await handler.items.change(id, handler.watches);
      return handleChange(ports, handler, change, false, work);
    });
    if (outcome === "handled") handled++;
    if (outcome === "parked") parked++;
  }

  try {
    await ports.state.put<DeltaCursor>(DELTA_SCOPE, name, { deltaLink: round.deltaLink, startedAt }, stored?.version);
  } catch (e) {
    // Another round advanced the link meanwhile; everything we handled was idempotent, so theirs stands.
    if (!(e instanceof StaleStateError)) throw e;
  }
  return { list: name, skipped: false, restarted, seen: round.changes.length, handled, parked, startedAt };
}

/** One item's change through its handler: "handled", or "unchanged" when the watched columns are as last seen. */
async function handleChange<Row>(ports: ListChangePorts, handler: ListChangeHandler<Row>, change: ItemChangeOf<Row>, restarted: boolean, round: RoundWork): Promise<"handled" | "unchanged"> {
  const name = handler.items.name;
  if (change.kind === "deleted") {
    const before = (await ports.state.get<Snapshot>(seenScope(name), change.id))?.value;
    if (before === undefined && restarted) return "unchanged";
    await handler.deleted?.(change.id, before);
    await ports.state.remove(seenScope(name), change.id);
    return "handled";
  }
  const seen = await ports.state.get<Snapshot>(seenScope(name), change.item.id);
  const before = seen?.value;
  const after = change.watched;
  if (before && sameSnapshot(before, after)) {
    ports.log?.(`${name} item ${change.item.id}: no change the workflow watches`);
    return "unchanged";
  }
  await handler.changed(before, change.item, after, round);
  try {
    // Only if nothing newer was remembered meanwhile (the handler's own write, or another round's).
    await ports.state.put(seenScope(name), change.item.id, after, seen?.version);
  } catch (e) {
    if (!(e instanceof StaleStateError)) throw e;
  }
  return "handled";
}

/**
 * Carries out what a round's handlers left until after it, each item's work side by side (one item's slow email never
 * holds up another's card); a failure is logged and the others go on (each handler's work keeps its own retry).
 *
 * @example
 * await carryOutAfterRound([() => carryOutStashed(ports, "17")], log)
 */
export async function carryOutAfterRound(work: readonly (() => Promise<void>)[], log?: (message: string) => void): Promise<void> {
  const results = await Promise.allSettled(work.map((w) => w()));
  for (const r of results) if (r.status === "rejected") log?.(`Work left until after a list's round failed (${r.reason instanceof Error ? r.reason.name : "Error"}); it is tried again later`);
}

/**
 * Runs one item's handling; a failure parks the item (its error kept, its next try set, the Coordinator told once
 * when it keeps failing) instead of stopping the round. A success clears the item's parking.
 */
async function attempt(ports: ListChangePorts, list: string, id: string, parkedBefore: ParkedItem | undefined, deleted: boolean, work: () => Promise<"handled" | "unchanged">): Promise<"handled" | "unchanged" | "parked"> {
  try {
    const outcome = await work();
    if (parkedBefore) await ports.state.remove(parkedScope(list), id);
    return outcome;
  } catch (e) {
    const now = ports.now();
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const attempts = (parkedBefore?.attempts ?? 0) + 1;
    const wait = Math.min(60_000 * 2 ** (attempts - 1), MAX_PARKED_WAIT_MS);
    const item: ParkedItem = {
      error: error.slice(0, 500),
      since: parkedBefore?.since ?? now.toISOString(),
      attempts,
      nextTryAt: new Date(now.getTime() + wait).toISOString(),
      reported: parkedBefore?.reported ?? false,
      ...(deleted ? { deleted: true } : {}),
    };
    ports.log?.(`${list} item ${id} could not be handled (try ${attempts}); parked and tried again later: ${item.error}`);
    if (!item.reported && attempts >= REPORT_PARKED_AFTER && ports.parked) {
      try {
        await ports.parked({ list, itemId: id, error: item.error, attempts, since: item.since });
        item.reported = true;
      } catch (reportError) {
        ports.log?.(`${list} item ${id}: the Coordinator could not be told yet (${reportError instanceof Error ? reportError.message : String(reportError)})`);
      }
    }
    await ports.state.put(parkedScope(list), id, item);
    return "parked";
  }
}

/**
 * Records what the app itself just wrote to an item, so the change notification its write causes is not
 * taken for a coordinator's edit. Only for a write made under the item's ETag: remembering an item that may hold
 * a person's edit not yet handled would hide that edit.
 *
 * @example
 * const written = await cases.update(item, { Status: "decided" }, { ifUnchanged: true });
 * await rememberWrite(state, casesHandler, written);
 */
export async function rememberWrite<Row>(state: AppState, handler: Pick<ListChangeHandler<Row>, "items" | "watches">, item: ListItem<Row>): Promise<void> {
  await state.put(seenScope(handler.items.name), item.id, handler.items.watched(item, handler.watches));
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
  return true;
}
