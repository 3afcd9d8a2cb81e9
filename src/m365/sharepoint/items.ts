import { createHash } from "node:crypto";
import { odataString } from "../odata";
import type { z } from "zod";
import { columnOf, fromListFields, readableColumns, toListFieldChanges, withRowChanges, toListFields, type ListDefinition, type RowChanges } from "../../domain/lists";
import { DeltaExpiredError, graphStatus, ItemChangedError } from "./graphErrors";
import type { SharePointList } from "./list";
import { forget, listChanged, listReads, recalled, recalledByTitle, remember, wrote } from "./readScope";

/** A list item as Graph returns it with `$expand=fields`: its id, ETag and column values by column name. */
export interface GraphItem {
  id: string;
  etag: string;
  fields: Record<string, unknown>;
  created?: string | undefined;
  lastModified?: string | undefined;
  /** Who last changed the item: a person's email, or an application's name. */
  lastModifiedBy?: string | undefined;
  /** Who made the item's current version, as Graph's identitySet says: what authorisation reads (object id first). */
  editor?: Editor | undefined;
}

/**
 * Who made an item's version (Graph's `lastModifiedBy` identitySet): a person by Entra object id, email and name,
 * or an application. Only the object id is trusted to identify a person; the email when a version carries no id.
 */
export interface Editor {
  kind: "person" | "application";
  id?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
}

export interface ItemQuery {
  /** OData filter on `fields/...` (only indexed columns: SharePoint refuses others without a warning header). */
  filter?: string;
  /** Column names to return; all when omitted. */
  select?: readonly string[];
  /** Page size asked of Graph; the iterator follows `@odata.nextLink` across pages. */
  top?: number;
  /**
   * Within an invocation's read scope, asked again, answered as first read — until the invocation writes to the list
   * or a delta round finds it changed (see readScope.ts). For a query several steps of one invocation ask; never for
   * an effect's witness, which must see the list as it is.
   */
  keep?: boolean;
}

interface GraphListItem {
  id: string;
  "@odata.etag"?: string;
  eTag?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  lastModifiedBy?: { user?: { id?: string; email?: string; displayName?: string }; application?: { displayName?: string; id?: string } };
  fields?: Record<string, unknown>;
  deleted?: { state: string };
}

interface GraphPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

/**
 * The Graph side of one list's items, column values as Graph has them (what the typed `ListItems` is built on, and
 * what provisioning and the sandbox's contract tests use). ETags are handled here once: `update` with an ETag sends
 * `If-Match` and turns Graph's 412 into `ItemChangedError`, so a workflow re-reads and decides again instead of
 * overwriting a coordinator's edit.
 *
 * @example
 * const items = graphItems(sharePointList(site, "Cases"));
 * const created = await items.create({ Title: "LNCIP-2026-0042", Status: "Received" });
 * await items.update(created.id, { Status: "In triage" }, created.etag);
 * for await (const item of items.query({ filter: "fields/SchoolUrn eq '123456'" })) { ... }
 */
export interface GraphItems {
  readonly list: SharePointList;
  get(id: string): Promise<GraphItem | undefined>;
  create(fields: Record<string, unknown>): Promise<GraphItem>;
  /** PATCH the given fields; with `etag`, only if nobody changed the item since (else ItemChangedError). */
  update(id: string, fields: Record<string, unknown>, etag?: string): Promise<GraphItem>;
  delete(id: string): Promise<void>;
  query(query?: ItemQuery): AsyncIterable<GraphItem>;
  /** All matching items (follows every page). */
  all(query?: ItemQuery): Promise<GraphItem[]>;
  /** The item's versions, newest first: who made each and when (SharePoint's version history). */
  versions(id: string): Promise<ItemVersion[]>;
}

/** One version of an item: its id ("3.0"), who made it and when. */
export interface ItemVersion {
  id: string;
  editor?: Editor | undefined;
  lastModified?: string | undefined;
}

/** How a list's items are read: `uniqueTitle` for a list whose Title identifies one item (a case, a meeting). */
export interface GraphItemsOptions {
  uniqueTitle?: boolean;
}

/** The value a `titleIs(value)` filter asks for, or undefined for any other filter. */
function titleAskedFor(filter: string): string | undefined {
  const m = /^fields\/Title eq '((?:[^']|'')*)'$/.exec(filter);
  return m ? m[1]!.replace(/''/g, "'") : undefined;
}

export function graphItems(list: SharePointList, options: GraphItemsOptions = {}): GraphItems {
  const graph = list.site.graph;
  const base = async () => `${await list.path()}/items`;
  const uniqueTitle = options.uniqueTitle ?? false;
  // Within an invocation's read scope (see readScope.ts), what it has read or written is not read again.
  const reads = () => listReads(list);

  const self: GraphItems = {
    list,
    async get(id) {
      const known = recalled(reads(), id);
      if (known) return known;
      try {
        const item = toGraphItem((await graph.api(`${await base()}/${id}`).expand("fields").get()) as GraphListItem);
        remember(reads(), [item], uniqueTitle);
        return item;
      } catch (e) {
        if (graphStatus(e) === 404) return undefined;
        throw e;
      }
    },
    async create(fields) {
      // Before and after: a write that fails may still have landed, and a read under way meanwhile is not kept.
      listChanged(reads());
      const item = toGraphItem((await graph.api(await base()).post({ fields })) as GraphListItem);
      const r = reads();
      listChanged(r);
      remember(r, [item], uniqueTitle);
      return item;
    },
    async update(id, fields, etag) {
      let request = graph.api(`${await base()}/${id}/fields`);
      if (etag) request = request.header("If-Match", etag);
      listChanged(reads()); // as for create: `wrote` lets go again once it is answered
      try {
        const updated = (await request.patch(fields)) as Record<string, unknown>;
        // PATCH .../fields answers with the fields only; the item's new ETag is the fields' ETag.
        const written = { id, etag: String(updated["@odata.etag"] ?? ""), fields: stripOData(updated) };
        wrote(reads(), written, uniqueTitle);
        return written;
      } catch (e) {
        if (graphStatus(e) === 412) {
          forget(reads(), id);
          throw new ItemChangedError(list.name, id);
        }
        throw e;
      }
    },
    async delete(id) {
      forget(reads(), id);
      try {
        await graph.api(`${await base()}/${id}`).delete();
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
      listChanged(reads()); // a read under way meanwhile is not kept
    },
    query(query = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          const select = query.select?.length ? `($select=${query.select.join(",")})` : "";
          let request = graph.api(await base()).expand(`fields${select}`);
          if (query.filter) request = request.filter(query.filter);
          if (query.top) request = request.top(query.top);
          let page = (await request.get()) as GraphPage<GraphListItem>;
          for (;;) {
            for (const item of page.value) yield toGraphItem(item);
            const next = page["@odata.nextLink"];
            if (!next) return;
            page = (await graph.api(next).get()) as GraphPage<GraphListItem>;
          }
        },
      };
    },
    async all(query = {}) {
      const r = reads();
      const whole = !query.filter && !query.select?.length && !query.top;
      const title = uniqueTitle && query.filter && !query.select?.length ? titleAskedFor(query.filter) : undefined;
      const keptAs = query.keep ? JSON.stringify([query.filter ?? "", query.select ?? [], query.top ?? 0]) : undefined;
      if (r && whole && r.all) return r.all.map((i) => recalled(r, i.id) ?? i);
      if (r && title !== undefined) {
        const known = recalledByTitle(r, title);
        if (known) return [known];
      }
      const kept = r && keptAs !== undefined ? r.kept.get(keptAs) : undefined;
      if (kept) return kept.map((i) => ({ ...i, fields: { ...i.fields } }));
      const sharedAs = whole ? "*" : keptAs;
      const under = r && sharedAs !== undefined ? r.pending.get(sharedAs) : undefined;
      if (under) return (await under).map((i) => (whole ? recalled(r, i.id) : undefined) ?? { ...i, fields: { ...i.fields } });
      const changesBefore = r?.changes;
      const reading = (async () => {
        const read: GraphItem[] = [];
        for await (const item of self.query(query)) read.push(item);
        return read;
      })();
      if (r && sharedAs !== undefined) {
        r.pending.set(sharedAs, reading);
        const done = () => void (r.pending.get(sharedAs) === reading && r.pending.delete(sharedAs));
        reading.then(done, done);
      }
      // Each caller its own copies: the read may be shared with callers alongside.
      const out = (await reading).map((i) => ({ ...i, fields: { ...i.fields } }));
      // A list changed while this read was under way (a write alongside it): the read is answered, not kept.
      const unchanged = r?.changes === changesBefore;
      if (r && unchanged && keptAs !== undefined) r.kept.set(keptAs, out.map((i) => ({ ...i, fields: { ...i.fields } })));
      // Only whole items are kept (a $select reads some columns).
      if (r && !query.select?.length) {
        remember(r, out, uniqueTitle);
        if (whole && unchanged) r.all = out.map((i) => ({ ...i, fields: { ...i.fields } }));
      }
      return out;
    },
    async versions(id) {
      const out: ItemVersion[] = [];
      let page = (await graph.api(`${await base()}/${id}/versions`).get()) as GraphPage<{ id: string; lastModifiedBy?: GraphListItem["lastModifiedBy"]; lastModifiedDateTime?: string }>;
      for (;;) {
        for (const v of page.value) out.push({ id: v.id, editor: editorOf(v.lastModifiedBy), lastModified: v.lastModifiedDateTime });
        const next = page["@odata.nextLink"];
        if (!next) return out;
        page = (await graph.api(next).get()) as typeof page;
      }
    },
  };
  return self;
}

export function toGraphItem(item: GraphListItem): GraphItem {
  return {
    id: item.id,
    etag: item["@odata.etag"] ?? item.eTag ?? "",
    fields: stripOData(item.fields ?? {}),
    created: item.createdDateTime,
    lastModified: item.lastModifiedDateTime,
    lastModifiedBy: item.lastModifiedBy?.user?.email ?? item.lastModifiedBy?.user?.displayName ?? item.lastModifiedBy?.application?.displayName,
    editor: editorOf(item.lastModifiedBy),
  };
}

function editorOf(by: GraphListItem["lastModifiedBy"]): Editor | undefined {
  if (by?.user) return { kind: "person", id: by.user.id?.toLowerCase() || undefined, email: by.user.email?.toLowerCase() || undefined, name: by.user.displayName };
  if (by?.application) return { kind: "application", id: by.application.id, name: by.application.displayName };
  return undefined;
}

function stripOData(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (!k.startsWith("@odata.")) out[k] = v;
  return out;
}

/** One item in a delta page: its latest state, or that it was deleted. */
export type GraphItemChange = { kind: "changed"; item: GraphItem } | { kind: "deleted"; id: string };

/**
 * What changed in a list since the last delta link (or everything, when there is none), following
 * `@odata.nextLink` until Graph hands out the next `@odata.deltaLink`. A change appears once with its latest
 * state even if it changed several times. An expired link (410) becomes `DeltaExpiredError`: the caller
 * starts again without a link and must not redo effects it already carried out.
 *
 * @example
 * const { changes, deltaLink } = await changesSince(casesList, storedLink);
 */
export async function changesSince(list: SharePointList, deltaLink?: string, options: GraphItemsOptions = {}): Promise<{ changes: GraphItemChange[]; deltaLink: string }> {
  const graph = list.site.graph;
  const changes = new Map<string, GraphItemChange>();
  let url = deltaLink ?? `${await list.path()}/items/delta?$expand=fields`;
  for (;;) {
    let page: GraphPage<GraphListItem>;
    try {
      page = (await graph.api(url).get()) as GraphPage<GraphListItem>;
    } catch (e) {
      if (graphStatus(e) === 410) throw new DeltaExpiredError(list.name, undefined);
      throw e;
    }
    for (const item of page.value) {
      changes.set(item.id, item.deleted ? { kind: "deleted", id: item.id } : { kind: "changed", item: toGraphItem(item) });
    }
    if (page["@odata.deltaLink"]) {
      // The items as delta gave them are the items now: the round handles them without reading them again (and a
      // query kept before them, which they may no longer match, is read again).
      const reads = listReads(list);
      if (changes.size) listChanged(reads, { keepWhole: true });
      for (const c of changes.values()) {
        if (c.kind === "changed") remember(reads, [c.item], options.uniqueTitle ?? false);
        else forget(reads, c.id);
      }
      return { changes: [...changes.values()], deltaLink: page["@odata.deltaLink"] };
    }
    const next = page["@odata.nextLink"];
    if (!next) throw new Error(`Delta for ${list.name} ended without a next or delta link`);
    url = next;
  }
}

/** A list item read into its list's typed row (parsed once, here). */
export interface ListItem<Row> {
  id: string;
  etag: string;
  row: Row;
  created?: string | undefined;
  lastModified?: string | undefined;
  /** Who last changed the item: a person's email, or an application's name. */
  lastModifiedBy?: string | undefined;
  /** Who made the item's current version (see `Editor`). */
  editor?: Editor | undefined;
}

/**
 * An item whose columns do not fit its list's row (a person's edit gone wrong): its id, what is wrong, and the
 * columns that are fine on their own (the workflow's bookkeeping, say).
 */
export interface UnreadableItem<Row = unknown> {
  id: string;
  etag: string;
  problems: readonly string[];
  readable: Partial<Row>;
  created?: string | undefined;
  lastModified?: string | undefined;
  lastModifiedBy?: string | undefined;
  editor?: Editor | undefined;
}

/** An item as read: typed, or unreadable. */
export type ItemRead<Row> = ListItem<Row> | UnreadableItem<Row>;

/**
 * Whether an item could be read into its row.
 *
 * @example
 * const read = await cases.read(id); if (read && !isReadable(read)) return "unreadable";
 */
export function isReadable<Row>(item: ItemRead<Row>): item is ListItem<Row> {
  return "row" in item;
}

/**
 * The fields of an item the app reacts to, as last seen. Only these are kept (never free text or identity),
 * and a change elsewhere in the item — a coordinator fixing a typo in the concerns — is not a transition.
 */
export type Snapshot = Record<string, string | number | boolean | null>;

/**
 * How one watched column goes into a snapshot: its text (`text`: "" kept; `nonEmptyText`: "" as null), its number,
 * its yes/no (`boolean`), its choices `joined` with "|", or a short `hash` of its text (a long column such as a pattern).
 */
export interface WatchedColumn<Row> {
  column: keyof Row & string;
  as: "text" | "nonEmptyText" | "number" | "boolean" | "joined" | "hash";
}

/** The columns a list's change handler watches, by snapshot key. */
export type WatchedColumns<Row> = Readonly<Record<string, WatchedColumn<Row>>>;

/**
 * One list's items, typed by the list's row schema: every item is parsed once, here, and a workflow sees rows.
 * An item a person edited into something the row cannot hold is *unreadable*: `get` and `all` leave it out and
 * report it (`onUnreadable`: the app logs "… cannot be read …; a coordinator must correct it"), while `read` and
 * `readAll` hand it over for the caller to say what it means (a refusal in Teams, a problem in a report).
 *
 * @example
 * const cases = listItems(sharePointList(site, "Cases"), casesList, { onUnreadable: (item, list) => log(`${list} item ${item.id} cannot be read`) });
 * const item = await cases.get("17"); // { id: "17", etag: "…", row: { CaseRef: "LNCIP-2026-0042", Status: "triage", … } }
 * await cases.update(item, { Status: "readyForCoreGroup" }, { ifUnchanged: true }); // If-Match: the item's ETag
 */
export interface ListItems<Row> {
  readonly list: SharePointList;
  /** The list's name (its URL name). */
  readonly name: string;
  /** The item, typed; undefined when there is none or it is unreadable (reported). */
  get(id: string): Promise<ListItem<Row> | undefined>;
  /** The item as read — typed or unreadable (not reported) — or undefined when there is none. */
  read(id: string): Promise<ItemRead<Row> | undefined>;
  /** The readable items matching the query; unreadable ones are reported and left out. */
  all(query?: RowQuery): Promise<ListItem<Row>[]>;
  /** Every item matching the query, readable or not (none reported). */
  readAll(query?: RowQuery): Promise<ItemRead<Row>[]>;
  /** Only these columns of the matching items: only they are read (`$select`) and checked. */
  columns<K extends keyof Row & string>(keys: readonly K[], query?: RowQuery): Promise<ListItem<Pick<Row, K>>[]>;
  create(row: Row): Promise<ListItem<Row>>;
  /**
   * Writes some columns (a value sets, `null` clears, the rest stay); with `ifUnchanged`, only if nobody changed
   * the item since it was read (else ItemChangedError). Answers the item as the app now knows it (an unreadable
   * item can still have the app's own columns written).
   */
  update<I extends ItemRead<Row>>(item: I, changes: RowChanges<Row>, options?: { ifUnchanged?: boolean }): Promise<I>;
  /** Writes a whole row (columns it leaves undefined stay as they are). */
  write(item: ListItem<Row>, row: Row, options?: { ifUnchanged?: boolean }): Promise<ListItem<Row>>;
  delete(id: string): Promise<void>;
  /** Delta: what changed since the link (see `changesSince`), each item read, with its watched columns' snapshot. */
  changesSince(deltaLink: string | undefined, watches: WatchedColumns<Row>): Promise<{ changes: ItemChangeOf<Row>[]; deltaLink: string }>;
  /** The watched columns' snapshot of an item as the app wrote it (what its own change notification will show). */
  watched(item: ListItem<Row>, watches: WatchedColumns<Row>): Snapshot;
  /** The item's versions, newest first (who made each): to find the person behind an edit the app wrote over. */
  versions(id: string): Promise<ItemVersion[]>;
  /** One item read now as a delta round would give it (with its snapshot), or deleted when it is gone. */
  change(id: string, watches: WatchedColumns<Row>): Promise<ItemChangeOf<Row>>;
}

export type RowQuery = Omit<ItemQuery, "select">;
export type ItemChangeOf<Row> = { kind: "changed"; item: ItemRead<Row>; watched: Snapshot } | { kind: "deleted"; id: string };

export interface ListItemsOptions extends GraphItemsOptions {
  /** Told of each unreadable item `get` and `all` leave out. */
  onUnreadable?: (item: UnreadableItem, list: string) => void;
}

/**
 * The typed items of a list; see `ListItems`.
 *
 * @example
 * const placements = listItems(sharePointList(site, "Placements"), placementsList, { onUnreadable });
 */
export function listItems<S extends z.ZodObject>(list: SharePointList, definition: ListDefinition<S>, options: ListItemsOptions = {}): ListItems<z.output<S>> {
  type Row = z.output<S>;
  const graph = graphItems(list, options);
  const readItem = <T>(def: ListDefinition<z.ZodObject>, item: GraphItem): ItemRead<T> => {
    const meta = { created: item.created, lastModified: item.lastModified, lastModifiedBy: item.lastModifiedBy };
    const parsed = fromListFields(def, item.fields, meta);
    if (parsed.ok) return { id: item.id, etag: item.etag, row: parsed.row as T, ...meta, editor: item.editor };
    return { id: item.id, etag: item.etag, problems: parsed.problems, readable: readableColumns(def, item.fields, meta) as Partial<T>, ...meta, editor: item.editor };
  };
  const read = (item: GraphItem) => readItem<Row>(definition, item);
  const readable = <T>(items: ItemRead<T>[]): ListItem<T>[] =>
    items.filter((i): i is ListItem<T> => {
      if (isReadable(i)) return true;
      options.onUnreadable?.(i, definition.name);
      return false;
    });
  const snapshot = (fields: Record<string, unknown>, watches: WatchedColumns<Row>): Snapshot => {
    const out: Snapshot = {};
    for (const [key, w] of Object.entries(watches)) out[key] = watchedValue(fields[columnOf(definition, w.column)], w.as);
    return out;
  };
  const merged = <I extends ItemRead<Row>>(item: I, changes: RowChanges<Row>, etag: string): I => {
    return isReadable(item) ? { ...item, etag, row: withRowChanges(item.row, changes) } : { ...item, etag, readable: withRowChanges(item.readable, changes as RowChanges<Partial<Row>>) };
  };
  return {
    list,
    name: definition.name,
    async get(id) {
      const item = await graph.get(id);
      return item ? readable([read(item)])[0] : undefined;
    },
    async read(id) {
      const item = await graph.get(id);
      return item ? read(item) : undefined;
    },
    async all(query) {
      return readable((await graph.all(query)).map(read));
    },
    async readAll(query) {
      return (await graph.all(query)).map(read);
    },
    async columns(keys, query) {
      const picked: ListDefinition<z.ZodObject> = { ...definition, row: definition.row.pick(Object.fromEntries(keys.map((k) => [k, true])) as Record<string, true> & Record<number, never>) as z.ZodObject };
      const items = await graph.all({ ...query, select: keys.map((k) => columnOf(definition, k)) });
      return readable(items.map((i) => readItem<Pick<Row, (typeof keys)[number]>>(picked, i)));
    },
    async create(row) {
      const created = await graph.create(toListFields(definition, row));
      return { id: created.id, etag: created.etag, row, created: created.created, lastModified: created.lastModified, lastModifiedBy: created.lastModifiedBy };
    },
    async update(item, changes, updateOptions = {}) {
      const written = await graph.update(item.id, toListFieldChanges(definition, changes), updateOptions.ifUnchanged ? item.etag : undefined);
      return merged(item, changes, written.etag);
    },
    async write(item, row, writeOptions = {}) {
      const written = await graph.update(item.id, toListFields(definition, row), writeOptions.ifUnchanged ? item.etag : undefined);
      return merged(item, row as RowChanges<Row>, written.etag);
    },
    delete: (id) => graph.delete(id),
    async changesSince(deltaLink, watches) {
      const round = await changesSince(list, deltaLink, options);
      return {
        deltaLink: round.deltaLink,
        changes: round.changes.map((c) => (c.kind === "deleted" ? c : { kind: "changed", item: read(c.item), watched: snapshot(c.item.fields, watches) })),
      };
    },
    watched: (item, watches) => snapshot(toListFields(definition, item.row), watches),
    versions: (id) => graph.versions(id),
    async change(id, watches) {
      const item = await graph.get(id);
      return item ? { kind: "changed", item: read(item), watched: snapshot(item.fields, watches) } : { kind: "deleted", id };
    },
  };
}

function watchedValue(value: unknown, as: WatchedColumn<unknown>["as"]): string | number | boolean | null {
  switch (as) {
    case "text":
      return typeof value === "string" ? value : typeof value === "boolean" ? String(value) : null;
    case "nonEmptyText":
      return typeof value === "string" && value !== "" ? value : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "joined":
      return Array.isArray(value) ? (value as unknown[]).map(String).join("|") : null;
    case "hash":
      return typeof value === "string" ? createHash("sha256").update(value).digest("hex").slice(0, 16) : null;
  }
}

/**
 * An OData filter on the Title column (escaped).
 *
 * @example
 * titleIs("LNCIP-2026-0042") // "fields/Title eq 'LNCIP-2026-0042'"
 */
export function titleIs(value: string): string {
  return `fields/Title eq ${odataString(value)}`;
}
