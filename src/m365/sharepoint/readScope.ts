import { AsyncLocalStorage } from "node:async_hooks";
import type { GraphItem } from "./items";

/** What one invocation has read of (and written to) one list. */
interface ListReads {
  byId: Map<string, GraphItem>;
  /** Title → item id, for a list whose Title is unique (a case's reference, a meeting's key). */
  byTitle: Map<string, string>;
  /** The whole list as read (no filter), until the invocation writes to the list. */
  all?: GraphItem[] | undefined;
  /** Queries asked to be kept (`keep`), by query, as read: until the invocation writes to the list or reads its delta. */
  kept: Map<string, GraphItem[]>;
  /** How many times the list changed under the invocation: a read that was under way meanwhile is not kept. */
  changes: number;
  /**
   * Reads of the whole list or of a kept query under way, by query: work of the invocation running alongside (a
   * burst's cards) that asks the same joins it instead of reading again — until the list changes under it.
   */
  pending: Map<string, Promise<GraphItem[]>>;
}

const scope = new AsyncLocalStorage<Map<object, ListReads>>();

/**
 * Runs one invocation's work with a read scope: within it, an item read, written or seen in a delta page is not
 * read from Graph again — a delta round's items are handled as delta gave them, a case looked up by its reference
 * twice is read once, a list read whole is read once. What the invocation writes replaces what it read (its own
 * writes are read back as written, with their new ETags); an ETag conflict (412) forgets the item, so the retry
 * reads it fresh. Queries that filter on anything but a unique Title go to Graph, so the effect ledger's witnesses see
 * the list as it is — except a query its caller asks to keep (`keep`: the placements not ended, which several steps of
 * one invocation count), answered as first read until the invocation writes to the list or a delta round reads it, so
 * a check of places made after the invocation's own write (a new placement holding its place) reads the list again.
 * Outside a scope nothing is kept.
 *
 * Everything read is at most as old as the invocation: writes that must not overwrite a newer edit go under the
 * item's ETag (If-Match), which Graph checks whatever was read.
 *
 * @example
 * await withReadScope(() => processListChanges(ports, casesHandler(casesPorts), notifiedAt))
 */
export function withReadScope<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** This invocation's reads of `list` (a list is keyed by its object), or undefined outside a scope. */
export function listReads(list: object): ListReads | undefined {
  const lists = scope.getStore();
  if (!lists) return undefined;
  let reads = lists.get(list);
  if (!reads) lists.set(list, (reads = { byId: new Map(), byTitle: new Map(), kept: new Map(), changes: 0, pending: new Map() }));
  return reads;
}

const copy = (item: GraphItem): GraphItem => ({ ...item, fields: { ...item.fields } });

/** Keeps items as read (by id, and by Title where it is unique). */
export function remember(reads: ListReads | undefined, items: readonly GraphItem[], uniqueTitle: boolean): void {
  if (!reads) return;
  for (const item of items) {
    reads.byId.set(item.id, copy(item));
    const title = item.fields.Title;
    if (uniqueTitle && typeof title === "string") reads.byTitle.set(title, item.id);
  }
}

/** The item as this invocation last read or wrote it. */
export function recalled(reads: ListReads | undefined, id: string): GraphItem | undefined {
  const item = reads?.byId.get(id);
  return item && copy(item);
}

/** The item with this (unique) Title as this invocation last read or wrote it. */
export function recalledByTitle(reads: ListReads | undefined, title: string): GraphItem | undefined {
  const id = reads?.byTitle.get(title);
  return id === undefined ? undefined : recalled(reads, id);
}

/** The invocation wrote `written` (its new ETag and the fields Graph answered): it replaces what was read. */
export function wrote(reads: ListReads | undefined, written: GraphItem, uniqueTitle: boolean): void {
  if (!reads) return;
  listChanged(reads);
  const before = reads.byId.get(written.id);
  if (!before) return;
  remember(reads, [{ ...before, etag: written.etag, fields: { ...before.fields, ...written.fields } }], uniqueTitle);
}

/** The item is gone, or changed by someone else (412): the next read goes to Graph. */
export function forget(reads: ListReads | undefined, id: string): void {
  if (!reads) return;
  listChanged(reads);
  reads.byId.delete(id);
  for (const [title, known] of reads.byTitle) if (known === id) reads.byTitle.delete(title);
}

/**
 * The invocation wrote to the list (or forgot an item of it), or a delta round found it changed: what it read of the
 * list whole or kept is read again, and a read under way meanwhile (work of the same invocation running alongside) is
 * not kept when it comes back.
 */
export function listChanged(reads: ListReads | undefined, options: { keepWhole?: boolean } = {}): void {
  if (!reads) return;
  reads.changes++;
  if (!options.keepWhole) reads.all = undefined;
  reads.kept.clear();
  reads.pending.clear();
}
