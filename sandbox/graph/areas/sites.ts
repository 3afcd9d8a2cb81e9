import { createHash, randomUUID } from "node:crypto";
import { evaluate, filterPaths, parseExpandFields, parseFilter } from "../odata";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type SandboxRequest, type SandboxResponse } from "../routing";
import type { MailArea } from "./mail";

/** A column as the sandbox keeps it: Graph's columnDefinition (id added), checked on every write. */
export interface SandboxColumn {
  id: string;
  name: string;
  displayName: string;
  required?: boolean;
  indexed?: boolean;
  enforceUniqueValues?: boolean;
  hidden?: boolean;
  readOnly?: boolean;
  description?: string;
  columnGroup?: string;
  text?: { allowMultipleLines?: boolean; maxLength?: number; linesForEditing?: number; textType?: string; appendChangesToExistingText?: boolean };
  choice?: { choices: string[]; displayAs?: string; allowTextEntry?: boolean };
  dateTime?: { format?: string; displayAs?: string };
  number?: { minimum?: number; maximum?: number; decimalPlaces?: string; displayAs?: string };
  boolean?: Record<string, never>;
  personOrGroup?: Record<string, unknown>;
  lookup?: Record<string, unknown>;
}

interface Item {
  id: string;
  guid: string;
  version: number;
  fields: Record<string, unknown>;
  created: string;
  modified: string;
  createdBy: string;
  modifiedBy: string;
  /** The person who made the current version, when a test gave one explicitly (an id with no email, say). */
  modifiedByPerson?: SandboxPerson | undefined;
  /** Every version's author and time, oldest first (SharePoint's version history). */
  history: { version: number; modified: string; modifiedBy: string; person?: SandboxPerson | undefined }[];
}

/**
 * A person of the tenant as Entra knows them: object id, email (UPN) and display name. SharePoint records the person
 * who made each item version; Graph returns them in the version's `lastModifiedBy.user` identitySet.
 */
export interface SandboxPerson {
  id?: string | undefined;
  email?: string | undefined;
  displayName?: string | undefined;
}

interface List {
  id: string;
  name: string;
  displayName: string;
  description: string;
  template: string;
  created: string;
  modified: string;
  columns: SandboxColumn[];
  items: Map<string, Item>;
  nextItemId: number;
  /** Change log for delta: the sequence number of each item's latest change (deleted items keep a tombstone). */
  changes: Map<string, { seq: number; deleted: boolean }>;
  seq: number;
}

interface Site {
  id: string;
  hostname: string;
  path: string;
  displayName: string;
  name: string;
  created: string;
  lists: Map<string, List>;
}

const TITLE: SandboxColumn = { id: "fa564e0f-0c70-4ab9-b863-0177e6ddd247", name: "Title", displayName: "Title", required: true, indexed: false, text: { allowMultipleLines: false, maxLength: 255 } };
const PAGE = 200;
const SYSTEM_FIELDS = ["id", "Title", "Created", "Modified", "AuthorLookupId", "EditorLookupId", "_UIVersionString", "ContentType", "Attachments"];

/**
 * SharePoint sites, lists, columns, items and delta, as Graph v1.0 serves them (Microsoft's Graph v1.0
 * reference: site, list, columnDefinition, listItem, listItem: delta; see docs/local-development.md). Writes emit `listChanged` for the subscriptions area.
 */
export class SitesArea implements GraphArea {
  readonly name = "sites";
  private sites = new Map<string, Site>();
  /** The tenant's people by email (see `addPerson`). */
  private people = new Map<string, Required<SandboxPerson>>();
  private epoch = 0;
  private ctx: SandboxContext | undefined;

  readonly routes: GraphRoute[] = [
    { method: "GET", pattern: "/sites/:hostname:/sites/:path", handle: (r) => ok(this.siteView(this.siteByPath(r.params.hostname ?? "", r.params.path ?? ""))) },
    { method: "GET", pattern: "/sites/:site", handle: (r) => ok(this.siteView(this.site(r.params.site ?? ""))) },
    { method: "GET", pattern: "/sites/:site/lists", handle: (r) => ok({ value: [...this.site(r.params.site ?? "").lists.values()].map((l) => this.listView(this.site(r.params.site ?? ""), l, r)) }) },
    { method: "POST", pattern: "/sites/:site/lists", handle: (r, ctx) => this.createListRoute(r, ctx) },
    { method: "GET", pattern: "/sites/:site/lists/:list", handle: (r) => ok(this.listView(this.site(r.params.site ?? ""), this.list(r), r)) },
    { method: "GET", pattern: "/sites/:site/lists/:list/columns", handle: (r) => ok({ value: this.list(r).columns.map(columnView) }) },
    { method: "POST", pattern: "/sites/:site/lists/:list/columns", handle: (r, ctx) => this.addColumnRoute(r, ctx) },
    { method: "PATCH", pattern: "/sites/:site/lists/:list/columns/:column", handle: (r) => this.patchColumnRoute(r) },
    { method: "GET", pattern: "/sites/:site/lists/:list/items", handle: (r) => this.listItemsRoute(r) },
    { method: "POST", pattern: "/sites/:site/lists/:list/items", handle: (r, ctx) => this.createItemRoute(r, ctx) },
    { method: "GET", pattern: "/sites/:site/lists/:list/items/delta", handle: (r, ctx) => this.deltaRoute(r, ctx) },
    { method: "GET", pattern: "/sites/:site/lists/:list/items/:item", handle: (r) => this.getItemRoute(r) },
    { method: "GET", pattern: "/sites/:site/lists/:list/items/:item/versions", handle: (r) => this.versionsRoute(r) },
    { method: "PATCH", pattern: "/sites/:site/lists/:list/items/:item/fields", handle: (r, ctx) => this.patchFieldsRoute(r, ctx) },
    { method: "DELETE", pattern: "/sites/:site/lists/:list/items/:item", handle: (r, ctx) => this.deleteItemRoute(r, ctx) },
  ];

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
  }
  reset(): void {
    this.sites.clear();
    this.people.clear();
    this.epoch++;
  }
  dump(): unknown {
    return [...this.sites.values()].map((s) => ({
      id: s.id,
      webUrl: this.webUrl(s),
      lists: Object.fromEntries([...s.lists.values()].map((l) => [l.name, [...l.items.values()].map((i) => ({ id: i.id, ...i.fields }))])),
    }));
  }

  // ---- programmatic API for seeding and tests ----

  createSite(hostname: string, path: string, displayName: string): string {
    const id = `${hostname},${randomUUID()},${randomUUID()}`;
    this.sites.set(id, { id, hostname, path, displayName, name: path, created: new Date(0).toISOString(), lists: new Map() });
    return id;
  }

  createList(siteId: string, def: { displayName: string; name?: string; description?: string; columns?: Omit<SandboxColumn, "id">[]; indexTitle?: boolean; titleDisplayName?: string; template?: "genericList" | "documentLibrary" }, now = new Date()): string {
    const site = this.site(siteId);
    const name = def.name ?? def.displayName.replace(/\s+/g, "");
    if ([...site.lists.values()].some((l) => l.name.toLowerCase() === name.toLowerCase() || l.displayName.toLowerCase() === def.displayName.toLowerCase())) {
      throw new GraphError(409, "nameAlreadyExists", `A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.`);
    }
    const columns: SandboxColumn[] = [{ ...TITLE, indexed: def.indexTitle ?? false, displayName: def.titleDisplayName ?? TITLE.displayName }];
    for (const c of def.columns ?? []) columns.push(checkColumn(c, columns));
    const id = randomUUID();
    site.lists.set(id, { id, name, displayName: def.displayName, description: def.description ?? "", template: def.template ?? "genericList", created: now.toISOString(), modified: now.toISOString(), columns, items: new Map(), nextItemId: 1, changes: new Map(), seq: 0 });
    return id;
  }

  /** A list's identity and where people open it (a document library's files are the drives area's). */
  listInfo(siteId: string, listIdOrName: string): { id: string; name: string; displayName: string; template: string; created: string; webUrl: string; siteWebUrl: string; siteId: string } {
    const site = this.site(siteId);
    const l = this.findList(site, listIdOrName);
    return { id: l.id, name: l.name, displayName: l.displayName, template: l.template, created: l.created, webUrl: this.listWebUrl(site, l), siteWebUrl: this.webUrl(site), siteId: site.id };
  }

  /** The site's document libraries (lists made from the documentLibrary template). */
  libraries(siteId: string): ReturnType<SitesArea["listInfo"]>[] {
    const site = this.site(siteId);
    return [...site.lists.values()].filter((l) => l.template === "documentLibrary").map((l) => this.listInfo(site.id, l.id));
  }

  /** Every site's id and path (the drives area finds a library's site by its web address). */
  siteIds(): { id: string; path: string }[] {
    return [...this.sites.values()].map((s) => ({ id: s.id, path: s.path }));
  }

  addItem(siteId: string, listIdOrName: string, fields: Record<string, unknown>, by = "seed", now = new Date()): string {
    const list = this.findList(this.site(siteId), listIdOrName);
    return this.insert(siteId, list, fields, by, now).id;
  }

  /**
   * A person's edit through the SharePoint UI (not through Graph, so never throttled): it notifies like any change,
   * and the item's new version names that person as its editor (`lastModifiedBy.user`), as SharePoint records it.
   * With `ifMatch` (an ETag read before), a change made since is refused with 412, as SharePoint's form refuses a
   * save over someone else's edit.
   */
  patchAsPerson(siteId: string, listIdOrName: string, itemId: string, fields: Record<string, unknown>, by: string | SandboxPerson = "coordinator@lncip.example", now = new Date(), ifMatch?: string): void {
    const list = this.findList(this.site(siteId), listIdOrName);
    const item = list.items.get(itemId);
    if (!item) throw new GraphError(404, "itemNotFound", "The requested item was not found.");
    if (ifMatch && !sameEtag(ifMatch, etagOf(item))) throw new GraphError(412, "resourceModified", "The resource has changed since the caller last read it; usually an eTag mismatch");
    const patch = checkFields(list, fields, false);
    Object.assign(item.fields, patch);
    for (const [k, v] of Object.entries(patch)) if (v === null) delete item.fields[k];
    const person = typeof by === "string" ? undefined : by;
    this.touch(siteId, list, item, typeof by === "string" ? by : (by.email ?? by.id ?? "someone@unknown.example"), now);
    item.modifiedByPerson = person;
    const last = item.history[item.history.length - 1];
    if (last) last.person = person;
  }

  /**
   * Makes a person known to the tenant (the demo's staff, with their Entra object ids): a person's edit by their
   * email then records their object id and name, as SharePoint does. An email never registered gets a stable id.
   */
  addPerson(person: Required<SandboxPerson>): void {
    this.people.set(person.email.toLowerCase(), { ...person, email: person.email.toLowerCase(), id: person.id.toLowerCase() });
  }

  /** The person the tenant knows by this email (registered, or with the stable id every other email gets). */
  person(email: string): Required<SandboxPerson> {
    return this.people.get(email.toLowerCase()) ?? { id: personId(email), email: email.toLowerCase(), displayName: this.displayNameOf(email) };
  }

  items(siteId: string, listIdOrName: string): { id: string; fields: Record<string, unknown> }[] {
    const list = this.findList(this.site(siteId), listIdOrName);
    return [...list.items.values()].map((i) => ({ id: i.id, fields: { ...i.fields } }));
  }

  siteIdByPath(hostname: string, path: string): string {
    return this.siteByPath(hostname, path).id;
  }

  /** The site served at `/sites/{path}` on the sandbox's origin (its own SharePoint host), if any. */
  siteAt(path: string): { id: string; path: string; displayName: string; hostname: string } | undefined {
    const site = [...this.sites.values()].find((s) => s.path.toLowerCase() === path.toLowerCase());
    return site && { id: site.id, path: site.path, displayName: site.displayName, hostname: site.hostname };
  }

  /** A site's path and names by its id. */
  siteInfo(siteId: string): { id: string; path: string; displayName: string; hostname: string } {
    const site = this.site(siteId);
    return { id: site.id, path: site.path, displayName: site.displayName, hostname: site.hostname };
  }

  /** A site's lists with their columns (for SharePoint's REST API and the local tenant's pages). */
  listsOf(siteId: string): { id: string; name: string; displayName: string; description: string; columns: SandboxColumn[]; itemCount: number; template: string }[] {
    return [...this.site(siteId).lists.values()].map((l) => ({ id: l.id, name: l.name, displayName: l.displayName, description: l.description, columns: l.columns, itemCount: l.items.size, template: l.template }));
  }

  /** Items with what SharePoint shows about each version: who created and last changed it, when, its ETag. */
  itemRecords(siteId: string, listIdOrName: string): { id: string; fields: Record<string, unknown>; etag: string; version: number; created: string; modified: string; createdBy: string; modifiedBy: string; webUrl: string }[] {
    const site = this.site(siteId);
    const list = this.findList(site, listIdOrName);
    return [...list.items.values()].map((i) => ({
      id: i.id,
      fields: { ...i.fields },
      etag: etagOf(i),
      version: i.version,
      created: i.created,
      modified: i.modified,
      createdBy: this.displayNameOf(i.createdBy),
      modifiedBy: this.displayNameOf(i.modifiedBy),
      webUrl: `${this.webUrl(site)}/Lists/${list.name}/${i.id}_.000`,
    }));
  }

  // ---- routes ----

  private createListRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const body = r.body as { displayName?: string; columns?: Omit<SandboxColumn, "id">[]; list?: { template?: string } } | undefined;
    if (!body?.displayName) throw new GraphError(400, "invalidRequest", "The displayName property is required.");
    const template = body.list?.template ?? "genericList";
    if (template !== "genericList" && template !== "documentLibrary") throw new GraphError(400, "invalidRequest", `The list template '${template}' is not supported here (genericList or documentLibrary).`);
    const site = this.site(r.params.site ?? "");
    const id = this.createList(site.id, { displayName: body.displayName, template, ...(body.columns ? { columns: body.columns } : {}) }, ctx.now());
    return { status: 201, body: this.listView(site, site.lists.get(id) as List, { ...r, query: new URLSearchParams("$expand=columns") }) };
  }

  private addColumnRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const list = this.list(r);
    const column = checkColumn(r.body as Omit<SandboxColumn, "id">, list.columns);
    list.columns.push(column);
    list.modified = ctx.now().toISOString();
    return { status: 201, body: columnView(column) };
  }

  private patchColumnRoute(r: SandboxRequest): SandboxResponse {
    const list = this.list(r);
    const column = list.columns.find((c) => c.id === r.params.column || c.name === r.params.column);
    if (!column) throw new GraphError(404, "itemNotFound", "The requested column was not found.");
    const patch = (r.body ?? {}) as Partial<SandboxColumn>;
    if (patch.name && patch.name !== column.name) throw new GraphError(400, "invalidRequest", "A column's internal name cannot be changed.");
    Object.assign(column, patch, { id: column.id, name: column.name });
    return ok(columnView(column));
  }

  private listItemsRoute(r: SandboxRequest): SandboxResponse {
    const list = this.list(r);
    const { expandFields, select } = parseExpandFields(r.query.get("$expand"));
    const filterText = r.query.get("$filter");
    let items = [...list.items.values()];
    if (filterText) {
      const filter = parseFilter(filterText);
      const honour = /HonorNonIndexedQueriesWarningMayFailRandomly/i.test(r.headers.prefer ?? "");
      for (const path of filterPaths(filter)) {
        const name = path.replace(/^fields\//, "");
        const column = list.columns.find((c) => c.name === name);
        if (!path.startsWith("fields/") && path !== "id") throw new GraphError(400, "invalidRequest", `Invalid filter clause: '${path}' is not supported.`);
        if (path.startsWith("fields/") && !column && !SYSTEM_FIELDS.includes(name)) throw new GraphError(400, "invalidRequest", `Field '${name}' is not recognized`);
        if (path.startsWith("fields/") && !(column?.indexed) && !honour) {
          throw new GraphError(400, "invalidRequest", `Field '${name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.`);
        }
      }
      items = items.filter((i) => evaluate(filter, (p) => (p === "id" ? i.id : i.fields[p.replace(/^fields\//, "")])));
    }
    const top = Math.min(Number(r.query.get("$top") ?? PAGE) || PAGE, 5000);
    const skip = Number(r.query.get("$skiptoken")?.replace(/^Paged=TRUE&p_ID=/, "") ?? "0") || 0;
    items.sort((a, b) => Number(a.id) - Number(b.id));
    const after = items.filter((i) => Number(i.id) > skip);
    const page = after.slice(0, top);
    const body: Record<string, unknown> = { value: page.map((i) => this.itemView(r, list, i, expandFields, select)) };
    if (after.length > top) {
      const next = new URLSearchParams(r.query);
      next.set("$skiptoken", `Paged=TRUE&p_ID=${page[page.length - 1]?.id}`);
      body["@odata.nextLink"] = `${this.baseUrl()}/v1.0${r.path}?${next.toString()}`;
    }
    return ok(body);
  }

  private getItemRoute(r: SandboxRequest): SandboxResponse {
    const list = this.list(r);
    const item = list.items.get(r.params.item ?? "");
    if (!item) throw new GraphError(404, "itemNotFound", "The requested item was not found.");
    const { expandFields, select } = parseExpandFields(r.query.get("$expand"));
    return ok(this.itemView(r, list, item, expandFields, select));
  }

  /** An item's versions, newest first, each with who made it and when (Graph's listItemVersion). */
  private versionsRoute(r: SandboxRequest): SandboxResponse {
    const list = this.list(r);
    const item = list.items.get(r.params.item ?? "");
    if (!item) throw new GraphError(404, "itemNotFound", "The requested item was not found.");
    const value = [...item.history].reverse().map((v) => ({
      id: `${v.version}.0`,
      lastModifiedBy: this.identity(v.modifiedBy, v.person),
      lastModifiedDateTime: v.modified,
      published: { level: "published", versionId: `${v.version}.0` },
    }));
    return ok({ "@odata.context": `${this.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.listItemVersion)`, value });
  }

  private createItemRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const list = this.list(r);
    const body = r.body as { fields?: Record<string, unknown> } | undefined;
    if (!body || typeof body.fields !== "object" || body.fields === null) throw new GraphError(400, "invalidRequest", "Invalid request: the item needs a fields object.");
    const item = this.insert(r.params.site ?? "", list, body.fields, r.appId, ctx.now());
    return { status: 201, body: this.itemView(r, list, item, true) };
  }

  private patchFieldsRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const list = this.list(r);
    const item = list.items.get(r.params.item ?? "");
    if (!item) throw new GraphError(404, "itemNotFound", "The requested item was not found.");
    const ifMatch = r.headers["if-match"];
    if (ifMatch && ifMatch !== "*" && !sameEtag(ifMatch, etagOf(item))) {
      throw new GraphError(412, "resourceModified", "The resource has changed since the caller last read it; usually an eTag mismatch");
    }
    const patch = checkFields(list, (r.body ?? {}) as Record<string, unknown>, false);
    Object.assign(item.fields, patch);
    for (const [k, v] of Object.entries(patch)) if (v === null) delete item.fields[k];
    this.touch(r.params.site ?? "", list, item, r.appId, ctx.now());
    return ok(this.fieldsView(list, item));
  }

  private deleteItemRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const list = this.list(r);
    const item = list.items.get(r.params.item ?? "");
    if (!item) throw new GraphError(404, "itemNotFound", "The requested item was not found.");
    list.items.delete(item.id);
    list.changes.set(item.id, { seq: ++list.seq, deleted: true });
    list.modified = ctx.now().toISOString();
    ctx.events.emit("listChanged", { siteId: r.params.site ?? "", listId: list.id, itemId: item.id, changeType: "deleted" });
    return { status: 204 };
  }

  private deltaRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const list = this.list(r);
    const tokenText = r.query.get("token");
    const { expandFields, select } = parseExpandFields(r.query.get("$expand"));
    const base = `${this.baseUrl()}/v1.0${r.path}`;
    const carry = new URLSearchParams();
    if (r.query.get("$expand")) carry.set("$expand", r.query.get("$expand") as string);
    const link = (token: DeltaToken) => {
      const q = new URLSearchParams(carry);
      q.set("token", encodeToken(token));
      return `${base}?${q.toString()}`;
    };
    if (tokenText === "latest") return ok({ value: [], "@odata.deltaLink": link({ e: this.epoch, l: list.id, from: list.seq }) });

    let token: DeltaToken;
    if (tokenText) {
      const parsed = decodeToken(tokenText);
      if (!parsed || parsed.l !== list.id || parsed.e !== this.epoch || (parsed.after === undefined && ctx.faults.takeExpiredDeltaToken())) {
        throw new GraphError(410, "resyncRequired", "The provided delta token has expired; the client must resync from the start.", { location: `${base}${carry.toString() ? `?${carry.toString()}` : ""}` });
      }
      token = parsed;
    } else {
      token = { e: this.epoch, l: list.id, from: 0 };
    }
    // A round covers the changes after `from` up to the snapshot `upto` taken on its first page; pages follow a
    // sequence cursor, so an item changed again mid-round leaves this round and comes in the next, never lost.
    const upto = token.upto ?? list.seq;
    const after = token.after ?? token.from;
    const window = [...list.changes.entries()].filter(([, c]) => c.seq > after && c.seq <= upto).sort((a, b) => a[1].seq - b[1].seq);
    const page = window.slice(0, PAGE);
    const value = page.map(([id, c]) => {
      const item = list.items.get(id);
      if (c.deleted || !item) return { id, deleted: { state: "deleted" } };
      return this.itemView(r, list, item, expandFields, select);
    });
    const last = page[page.length - 1];
    if (window.length > PAGE && last) return ok({ value, "@odata.nextLink": link({ e: this.epoch, l: list.id, from: token.from, upto, after: last[1].seq }) });
    return ok({ value, "@odata.deltaLink": link({ e: this.epoch, l: list.id, from: upto }) });
  }

  // ---- state ----

  private insert(siteId: string, list: List, fields: Record<string, unknown>, by: string, now: Date): Item {
    const checked = checkFields(list, fields, true);
    const id = String(list.nextItemId++);
    const item: Item = { id, guid: randomUUID(), version: 0, fields: {}, created: now.toISOString(), modified: now.toISOString(), createdBy: by, modifiedBy: by, history: [] };
    for (const [k, v] of Object.entries(checked)) if (v !== null) item.fields[k] = v;
    list.items.set(id, item);
    this.touch(siteId, list, item, by, now, "created");
    return item;
  }

  private touch(siteId: string, list: List, item: Item, by: string, now: Date, changeType: "created" | "updated" = "updated"): void {
    item.version++;
    item.modified = now.toISOString();
    item.modifiedBy = by;
    item.modifiedByPerson = undefined;
    item.history.push({ version: item.version, modified: item.modified, modifiedBy: by });
    if (item.history.length > 500) item.history.shift(); // SharePoint keeps 500 major versions by default
    list.modified = item.modified;
    list.changes.set(item.id, { seq: ++list.seq, deleted: false });
    this.ctx?.events.emit("listChanged", { siteId, listId: list.id, itemId: item.id, changeType });
  }

  private site(id: string): Site {
    const site = this.sites.get(id) ?? [...this.sites.values()].find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!site) throw new GraphError(404, "itemNotFound", "Requested site could not be found");
    return site;
  }

  private siteByPath(hostname: string, path: string): Site {
    const site = [...this.sites.values()].find((s) => s.hostname === hostname && s.path.toLowerCase() === path.toLowerCase());
    if (!site) throw new GraphError(404, "itemNotFound", "Requested site could not be found");
    return site;
  }

  private list(r: SandboxRequest): List {
    return this.findList(this.site(r.params.site ?? ""), r.params.list ?? "");
  }

  private findList(site: Site, idOrName: string): List {
    const key = idOrName.toLowerCase();
    const list = site.lists.get(idOrName) ?? [...site.lists.values()].find((l) => l.id === key || l.name.toLowerCase() === key || l.displayName.toLowerCase() === key);
    if (!list) throw new GraphError(404, "itemNotFound", "The specified list was not found");
    return list;
  }

  private baseUrl(): string {
    return this.ctx?.baseUrl ?? "https://127.0.0.1";
  }

  /**
   * Where a person opens the site: the sandbox's own origin, which serves the local tenant's pages (SharePoint's
   * webUrl is where its pages are). Its hostname stays the tenant's (`siteCollection.hostname`).
   */
  private webUrl(s: Site): string {
    return `${this.baseUrl()}/sites/${s.path}`;
  }

  /** A list's page: /Lists/{name} for a list, /{name} for a document library (as SharePoint has them). */
  private listWebUrl(site: Site, l: List): string {
    return l.template === "documentLibrary" ? `${this.webUrl(site)}/${l.name}` : `${this.webUrl(site)}/Lists/${l.name}`;
  }

  /** Graph's identitySet for who made a version: a person (by object id, email and name) or an application (by app id). */
  private identity(by: string, person?: SandboxPerson): Record<string, unknown> {
    if (person) return { user: Object.fromEntries(Object.entries({ email: person.email, id: person.id, displayName: person.displayName }).filter(([, v]) => v !== undefined)) };
    if (by.includes("@")) {
      const known = this.person(by);
      return { user: { email: known.email, id: known.id, displayName: known.displayName } };
    }
    return { application: { id: by, displayName: by === "seed" ? "Seed" : "Inclusion Flow" } };
  }

  private displayNameOf(by: string): string {
    if (!by.includes("@")) return by === "seed" ? "Seed" : "Inclusion Flow";
    const registered = this.people.get(by.toLowerCase());
    if (registered) return registered.displayName;
    try {
      return this.ctx?.area<MailArea>("mail").mailboxes().find((m) => m.address === by.toLowerCase())?.displayName ?? by;
    } catch {
      return by;
    }
  }

  private siteView(s: Site) {
    return { id: s.id, name: s.name, displayName: s.displayName, webUrl: this.webUrl(s), createdDateTime: s.created, siteCollection: { hostname: s.hostname } };
  }

  private listView(site: Site, l: List, r: SandboxRequest) {
    const expand = r.query.get("$expand") ?? "";
    return {
      "@odata.etag": `"${l.id},${l.seq}"`,
      id: l.id,
      name: l.name,
      displayName: l.displayName,
      description: l.description,
      createdDateTime: l.created,
      lastModifiedDateTime: l.modified,
      webUrl: this.listWebUrl(site, l),
      list: { contentTypesEnabled: false, hidden: false, template: l.template },
      ...(/columns/.test(expand) ? { columns: l.columns.map(columnView) } : {}),
    };
  }

  private fieldsView(list: List, item: Item, select?: string[]) {
    const all: Record<string, unknown> = {
      "@odata.etag": etagOf(item),
      id: item.id,
      ContentType: "Item",
      Created: item.created,
      Modified: item.modified,
      AuthorLookupId: "6",
      EditorLookupId: "6",
      _UIVersionString: `${item.version}.0`,
      Attachments: false,
      ...item.fields,
    };
    if (!select) return all;
    const out: Record<string, unknown> = { "@odata.etag": all["@odata.etag"] };
    for (const k of select) if (k in all) out[k] = all[k];
    return out;
  }

  private itemView(r: SandboxRequest, list: List, item: Item, expandFields: boolean, select?: string[]) {
    const site = this.site(r.params.site ?? "");
    return {
      "@odata.etag": etagOf(item),
      id: item.id,
      eTag: etagOf(item),
      createdDateTime: item.created,
      lastModifiedDateTime: item.modified,
      webUrl: `${this.webUrl(site)}/Lists/${list.name}/${item.id}_.000`,
      createdBy: this.identity(item.createdBy),
      lastModifiedBy: this.identity(item.modifiedBy, item.modifiedByPerson),
      parentReference: { id: list.id, siteId: site.id },
      contentType: { id: "0x0100", name: "Item" },
      ...(expandFields ? { fields: this.fieldsView(list, item, select) } : {}),
    };
  }
}

interface DeltaToken {
  e: number;
  l: string;
  from: number;
  upto?: number;
  after?: number;
}
const encodeToken = (t: DeltaToken) => Buffer.from(JSON.stringify(t)).toString("base64url");
function decodeToken(s: string): DeltaToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as DeltaToken;
    return typeof t.from === "number" ? t : undefined;
  } catch {
    return undefined;
  }
}

/** A stable, GUID-shaped id for a person, as Entra gives every user one. */
function personId(email: string): string {
  const h = createHash("sha256").update(email.toLowerCase()).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function etagOf(item: Item): string {
  return `"${item.guid},${item.version}"`;
}
function sameEtag(given: string, current: string): boolean {
  const strip = (s: string) => s.replace(/^W\//, "").replace(/\\"/g, '"').replace(/^"+|"+$/g, "");
  return strip(given) === strip(current);
}
function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

function columnView(c: SandboxColumn) {
  const { id, ...rest } = c;
  return { id, columnGroup: "Custom Columns", description: "", enforceUniqueValues: false, hidden: false, indexed: false, readOnly: false, required: false, ...rest };
}

function checkColumn(c: Omit<SandboxColumn, "id">, existing: readonly SandboxColumn[]): SandboxColumn {
  if (!c || typeof c.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(c.name)) throw new GraphError(400, "invalidRequest", "A column needs a name of letters and digits.");
  if (existing.some((e) => e.name.toLowerCase() === c.name.toLowerCase())) throw new GraphError(409, "nameAlreadyExists", `A duplicate field name "${c.name}" was found.`);
  const facets = ["text", "choice", "dateTime", "number", "boolean", "personOrGroup", "lookup"].filter((f) => (c as Record<string, unknown>)[f] !== undefined);
  if (facets.length !== 1) throw new GraphError(400, "invalidRequest", `Column ${c.name} must have exactly one type facet.`);
  return { ...c, displayName: c.displayName ?? c.name, id: randomUUID() };
}

/** Checks values against the list's columns as SharePoint does; unknown fields and wrong types are refused. */
function checkFields(list: List, fields: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.endsWith("@odata.type")) continue;
    const lookup = /^(.*)LookupId$/.exec(key);
    const column = list.columns.find((c) => c.name === key) ?? (lookup ? list.columns.find((c) => c.name === lookup[1] && (c.lookup || c.personOrGroup)) : undefined);
    if (!column) throw new GraphError(400, "invalidRequest", `Field '${key}' is not recognized`);
    if (value === null) {
      out[key] = null;
      continue;
    }
    const bad = () => new GraphError(400, "invalidRequest", `Invalid value for field '${key}'.`);
    if (column.text) {
      if (typeof value !== "string") throw bad();
      if (!column.text.allowMultipleLines && value.length > (column.text.maxLength ?? 255)) throw new GraphError(400, "invalidRequest", `The value of field '${key}' exceeds its maximum length.`);
    } else if (column.number) {
      if (typeof value !== "number" || Number.isNaN(value)) throw bad();
      if ((column.number.minimum !== undefined && value < column.number.minimum) || (column.number.maximum !== undefined && value > column.number.maximum)) throw bad();
    } else if (column.boolean) {
      if (typeof value !== "boolean") throw bad();
    } else if (column.dateTime) {
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw bad();
    } else if (column.choice) {
      const values = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && fields[`${key}@odata.type`] !== "Collection(Edm.String)") throw bad();
      for (const v of values) if (typeof v !== "string" || (!column.choice.allowTextEntry && !column.choice.choices.includes(v))) throw bad();
    }
    out[key] = value;
  }
  if (creating) {
    for (const c of list.columns) {
      if (c.required && c.name !== "Title" && out[c.name] === undefined) throw new GraphError(400, "invalidRequest", `Field '${c.name}' is required.`);
    }
  }
  return out;
}
