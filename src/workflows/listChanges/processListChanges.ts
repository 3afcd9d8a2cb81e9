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
  changed(before: Snapshot | undefined, after: ItemRead<Row>, now: Snapshot): Promise<void>;
  /** Called once for an item deleted from the list. */
  deleted?(id: string, before: Snapshot | undefined): Promise<void>;
}

export interface ListChangePorts {
  state: AppState;
  now: () => Date;
  /** Where a handler failure is reported; the change is retried with the next round (nothing is skipped). */
  log?: (message: string) => void;
}

interface DeltaCursor {
  deltaLink: string;
  /** When the round that produced this link started: it saw every change made before then. */
  startedAt: string;
}

export const DELTA_SCOPE = "delta";
export const seenScope = (list: string) => `seen-${list}`;

export interface RoundReport {
  list: string;
  skipped: boolean;
  restarted: boolean;
  seen: number;
  handled: number;
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
 * - If a handler fails, the round stops before saving the link: the next round sees that item again.
 *
 * @example
 * await processListChanges(ports, casesHandler, new Date("2026-11-23T09:15:00Z"))
 * // { list: "Cases", skipped: false, restarted: false, seen: 3, handled: 1 }
 */
export async function processListChanges<Row>(
  ports: ListChangePorts,
  handler: ListChangeHandler<Row>,
  notifiedAt?: Date,
): Promise<RoundReport> {
  const name = handler.items.name;
  const stored = await ports.state.get<DeltaCursor>(DELTA_SCOPE, name);
  if (stored && notifiedAt && Date.parse(stored.value.startedAt) > notifiedAt.getTime()) {
    return { list: name, skipped: true, restarted: false, seen: 0, handled: 0 };
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

  let handled = 0;
  for (const change of round.changes) {
    if (change.kind === "deleted") {
      const before = (await ports.state.get<Snapshot>(seenScope(name), change.id))?.value;
      if (before === undefined && restarted) continue;
      await handler.deleted?.(change.id, before);
      await ports.state.remove(seenScope(name), change.id);
      handled++;
      continue;
    }
    const seen = await ports.state.get<Snapshot>(seenScope(name), change.item.id);
    const before = seen?.value;
    const after = change.watched;
    if (before && sameSnapshot(before, after)) {
      ports.log?.(`${name} item ${change.item.id}: no change the workflow watches`);
      continue;
    }
    await handler.changed(before, change.item, after);
    try {
      // Only if nothing newer was remembered meanwhile (the handler's own write, or another round's).
      await ports.state.put(seenScope(name), change.item.id, after, seen?.version);
    } catch (e) {
      if (!(e instanceof StaleStateError)) throw e;
    }
    handled++;
  }

  try {
    await ports.state.put<DeltaCursor>(DELTA_SCOPE, name, { deltaLink: round.deltaLink, startedAt }, stored?.version);
  } catch (e) {
    // Another round advanced the link meanwhile; everything we handled was idempotent, so theirs stands.
    if (!(e instanceof StaleStateError)) throw e;
  }
  return { list: name, skipped: false, restarted, seen: round.changes.length, handled, startedAt };
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
