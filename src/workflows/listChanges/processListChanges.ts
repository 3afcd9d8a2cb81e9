import type { AppState } from "../../m365/tables/appState";
import { StaleStateError } from "../../m365/tables/appState";
import { changesSince, type ItemChange } from "../../m365/sharepoint/delta";
import { DeltaExpiredError } from "../../m365/sharepoint/graphErrors";
import type { ListItem } from "../../m365/sharepoint/items";
import type { SharePointList } from "../../m365/sharepoint/list";

/**
 * The fields of an item the app reacts to, as last seen. Only these are kept (never free text or identity),
 * and a change elsewhere in the item — a coordinator fixing a typo in the concerns — is not a transition.
 */
export type Snapshot = Record<string, string | number | boolean | null>;

/** What one list's changes mean to the workflow. */
export interface ListChangeHandler {
  readonly list: string;
  /** Picks the watched fields from an item. */
  snapshot(item: ListItem): Snapshot;
  /**
   * Called when the watched fields differ from what the app last saw (`before` undefined for an item the app
   * has never seen). Must be idempotent: a crash after it and before the snapshot is saved repeats it.
   */
  changed(before: Snapshot | undefined, after: ListItem): Promise<void>;
  /** Called once for an item deleted from the list. */
  deleted?(id: string, before: Snapshot | undefined): Promise<void>;
}

export interface ListChangePorts {
  state: AppState;
  now: () => Date;
  list(name: string): SharePointList;
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
export async function processListChanges(
  ports: ListChangePorts,
  handler: ListChangeHandler,
  notifiedAt?: Date,
): Promise<RoundReport> {
  const stored = await ports.state.get<DeltaCursor>(DELTA_SCOPE, handler.list);
  if (stored && notifiedAt && Date.parse(stored.value.startedAt) > notifiedAt.getTime()) {
    return { list: handler.list, skipped: true, restarted: false, seen: 0, handled: 0 };
  }
  const startedAt = ports.now().toISOString();
  const list = ports.list(handler.list);
  let restarted = false;
  let round: { changes: ItemChange[]; deltaLink: string };
  try {
    round = await changesSince(list, stored?.value.deltaLink);
  } catch (e) {
    if (!(e instanceof DeltaExpiredError)) throw e;
    restarted = true;
    round = await changesSince(list);
  }

  let handled = 0;
  for (const change of round.changes) {
    if (change.kind === "deleted") {
      const before = (await ports.state.get<Snapshot>(seenScope(handler.list), change.id))?.value;
      if (before === undefined && restarted) continue;
      await handler.deleted?.(change.id, before);
      await ports.state.remove(seenScope(handler.list), change.id);
      handled++;
      continue;
    }
    const seen = await ports.state.get<Snapshot>(seenScope(handler.list), change.item.id);
    const before = seen?.value;
    const after = handler.snapshot(change.item);
    if (before && sameSnapshot(before, after)) {
      ports.log?.(`${handler.list} item ${change.item.id}: no change the workflow watches`);
      continue;
    }
    await handler.changed(before, change.item);
    try {
      // Only if nothing newer was remembered meanwhile (the handler's own write, or another round's).
      await ports.state.put(seenScope(handler.list), change.item.id, after, seen?.version);
    } catch (e) {
      if (!(e instanceof StaleStateError)) throw e;
    }
    handled++;
  }

  try {
    await ports.state.put<DeltaCursor>(DELTA_SCOPE, handler.list, { deltaLink: round.deltaLink, startedAt }, stored?.version);
  } catch (e) {
    // Another round advanced the link meanwhile; everything we handled was idempotent, so theirs stands.
    if (!(e instanceof StaleStateError)) throw e;
  }
  return { list: handler.list, skipped: false, restarted, seen: round.changes.length, handled };
}

/**
 * Records what the app itself just wrote to an item, so the change notification its write causes is not
 * taken for a coordinator's edit.
 *
 * @example
 * const item = await cases.update(id, { Status: "Decided" }, etag);
 * await rememberWrite(state, casesHandler, item);
 */
export async function rememberWrite(state: AppState, handler: ListChangeHandler, item: ListItem): Promise<void> {
  await state.put(seenScope(handler.list), item.id, handler.snapshot(item));
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
  return true;
}
