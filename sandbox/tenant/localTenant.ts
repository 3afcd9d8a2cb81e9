import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { TableClient } from "@azure/data-tables";
import type { FormatterElement } from "../../src/domain/lists/views";
import { londonDay } from "../../src/domain/calendar/londonTime";
import { caseStatusLabels } from "../../src/domain/case/caseStatus";
import { matches, orderItems, parseViewQuery } from "../graph/caml";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type WebContext, type WebRequest } from "../graph/routing";
import type { CalendarArea } from "../graph/areas/calendar";
import type { MailArea } from "../graph/areas/mail";
import type { SharePointRestArea, SandboxView } from "../graph/areas/sharepointRest";
import type { SandboxColumn, SitesArea } from "../graph/areas/sites";
import type { SafeHtml } from "./html";
import {
  auditPage,
  calendarPage,
  calendarsPage,
  editPage,
  folderPage,
  groupColumns,
  homePage,
  itemPage,
  mailboxesPage,
  messageBody,
  messagePage,
  notFoundPage,
  plain,
  readOnly,
  refusedPage,
  sitePage,
  viewPage,
  type AuditRow,
  type ItemRecord,
  type ListInfo,
  type Person,
} from "./pages";

export interface LocalTenantOptions {
  /** Who may edit in the forms (a person's edit is recorded as theirs): the partnership's staff. */
  people?: readonly Person[];
  /** The app's storage (Azurite) connection string, to show its audit trail (table `Audit`). */
  auditStorage?: string | undefined;
}

const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
// An email's body: its own sandboxed document; nothing runs and nothing is fetched.
const BODY_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/**
 * The local tenant a person can see and steer, served by the sandbox on its own origin (loopback only): the
 * SharePoint site with each list as a table in each of its views (the coordinator's views and column formatting,
 * as provisioned), an item's page and its edit form (saved as one of the partnership's staff, who then is the
 * item version's editor, as the app reads it), every mailbox's inbox and sent items (each email in a sandboxed
 * frame: no script, nothing loaded), each calendar's events with attendees, the app's audit trail; updated live
 * through server-sent events as the app works. Pages follow SharePoint's addresses (`/sites/{site}/Lists/{list}/
 * {View}.aspx`, `DispForm.aspx?ID=`, `EditForm.aspx?ID=`, an item's webUrl `…/Lists/{list}/{id}_.000`), so the
 * links the app builds from Graph's webUrls open here. JSON for tests stays under `/_sandbox/`.
 *
 * Development only.
 */
export class LocalTenantArea implements GraphArea {
  readonly name = "tenant";
  readonly routes: readonly GraphRoute[] = [];
  private ctx: SandboxContext | undefined;
  private changes = 0;
  private readonly people: readonly Person[];
  private audit: TableClient | undefined;

  constructor(private readonly options: LocalTenantOptions = {}) {
    this.people = options.people ?? [];
    if (options.auditStorage) this.audit = TableClient.fromConnectionString(options.auditStorage, "Audit", { allowInsecureConnection: true });
  }

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
    ctx.events.on("listChanged", () => this.changes++);
  }
  reset(): void {
    this.changes++;
  }
  dump(): unknown {
    return { people: this.people, audit: Boolean(this.audit) };
  }

  /** Connects the audit trail (the app's storage) once it is known. */
  connectAudit(connectionString: string): void {
    this.audit = TableClient.fromConnectionString(connectionString, "Audit", { allowInsecureConnection: true });
  }

  async handleWeb(request: WebRequest, res: ServerResponse, _web: WebContext): Promise<boolean> {
    const path = request.url.pathname;
    const method = request.method;
    if (path.startsWith("/_tenant/static/") && method === "GET") return this.staticFile(path.slice("/_tenant/static/".length), res);
    if (path === "/_tenant/live" && method === "GET") return this.live(res);
    try {
      if (path === "/" && method === "GET") return this.page(res, homePage(this.homeData()));
      const site = /^\/sites\/([^/]+)\/?(.*)$/.exec(path);
      if (site) return await this.sitePages(request, res, decodeURIComponent(site[1] as string), decodeURIComponent(site[2] ?? ""));
      if (path === "/_tenant/mail" && method === "GET") return this.page(res, mailboxesPage(this.mail().mailboxes().map((b) => ({ ...b, inbox: this.mail().inbox(b.address).length, sent: this.mail().sentItems(b.address).length }))));
      const mail = /^\/_tenant\/mail\/([^/]+)(?:\/messages\/([^/]+)(\/body|\/attachments\/([^/]+))?)?$/.exec(path);
      if (mail && method === "GET") return this.mailPages(request, res, decodeURIComponent(mail[1] as string), mail[2], mail[3], mail[4]);
      if (path === "/_tenant/calendar" && method === "GET") {
        const boxes = new Map(this.mail().mailboxes().map((b) => [b.address, b.displayName]));
        return this.page(res, calendarsPage(this.calendar().owners().map((a) => ({ address: a, displayName: boxes.get(a) ?? a, events: this.calendar().events(a).length }))));
      }
      const cal = /^\/_tenant\/calendar\/([^/]+)$/.exec(path);
      if (cal && method === "GET") {
        const address = decodeURIComponent(cal[1] as string).toLowerCase();
        const name = this.mail().mailboxes().find((b) => b.address === address)?.displayName ?? address;
        return this.page(res, calendarPage({ address, displayName: name, events: this.calendar().events(address) }));
      }
      if (path === "/_tenant/audit" && method === "GET") return this.page(res, auditPage(await this.auditRows(request.url.searchParams.get("case") ?? undefined)));
    } catch (e) {
      if (e instanceof GraphError && e.status === 404) return this.page(res, notFoundPage(e.message), 404);
      throw e;
    }
    if (path.startsWith("/_tenant")) return this.page(res, notFoundPage(`Nothing at ${path}.`), 404);
    return false;
  }

  // ---- SharePoint ----

  private async sitePages(request: WebRequest, res: ServerResponse, sitePath: string, rest: string): Promise<boolean> {
    if (rest.startsWith("_api") || rest.startsWith("_api/")) return false; // SharePoint's REST API: another area's
    const site = this.sites().siteAt(sitePath);
    if (!site) return this.page(res, notFoundPage(`There is no site at /sites/${sitePath}.`), 404);
    const siteRef = { path: site.path, displayName: site.displayName };
    const lists = this.listInfos(site.id);
    if (rest === "" && request.method === "GET") {
      const views = Object.fromEntries(lists.map((l) => [l.name, this.rest().viewsOf(site.id, l.name)]));
      return this.page(res, sitePage({ site: siteRef, lists, views }));
    }
    const m = /^Lists\/([^/]+)\/?(.*)$/i.exec(rest);
    const list = m ? lists.find((l) => l.name.toLowerCase() === (m[1] as string).toLowerCase()) : undefined;
    if (!m || !list) return this.page(res, notFoundPage(`There is no list at /sites/${sitePath}/${rest}.`), 404);
    const page = m[2] ?? "";
    const views = this.rest().viewsOf(site.id, list.name);
    const base = `/sites/${site.path}/Lists/${list.name}`;
    const id = request.url.searchParams.get("ID") ?? "";

    if (page === "" && request.method === "GET") return this.redirect(res, (views.find((v) => v.DefaultView) ?? views[0])?.ServerRelativeUrl ?? `${base}/AllItems.aspx`);
    const itemUrl = /^(\d+)_\.000$/.exec(page);
    if (itemUrl && request.method === "GET") return this.redirect(res, `${base}/DispForm.aspx?ID=${itemUrl[1]}`);

    const records = () => this.sites().itemRecords(site.id, list.name) as ItemRecord[];
    const item = () => {
      const found = records().find((r) => r.id === id);
      if (!found) throw new GraphError(404, "itemNotFound", `There is no item ${id} in ${list.displayName}.`);
      return found;
    };
    if (/^DispForm\.aspx$/i.test(page) && request.method === "GET") {
      const it = item();
      const saved = request.url.searchParams.get("saved");
      const notice = saved ? `Saved as ${this.people.find((p) => p.email === saved)?.displayName ?? saved}. The app sees the change within seconds; this page updates when it acts.` : undefined;
      return this.page(res, itemPage({ site: siteRef, list, item: it, formatters: this.formatters(site.id, list), notice, caseRef: list.name === "Cases" ? String(it.fields.Title ?? "") : undefined, now: this.now() }));
    }
    if (/^EditForm\.aspx$/i.test(page)) {
      const it = item();
      if (request.method === "GET") return this.page(res, editPage({ site: siteRef, list, item: it, values: formValues(list.columns, it.fields), people: this.people, editor: this.people[0]?.email ?? "", errors: [] }));
      if (request.method === "POST") return this.save(request, res, site.id, siteRef, list, it, base);
    }
    const view = views.find((v) => v.ServerRelativeUrl.toLowerCase() === `${base}/${page}`.toLowerCase());
    if (view && request.method === "GET") return this.page(res, viewPage({ site: siteRef, list, views, view, ...this.runView(view, records()), formatters: this.formatters(site.id, list), now: this.now() }));
    return this.page(res, notFoundPage(`There is no page ${page} in ${list.displayName}.`), 404);
  }

  /** A person's save: only the columns they changed, as theirs; refused with the reasons when SharePoint would refuse it. */
  private save(request: WebRequest, res: ServerResponse, siteId: string, site: { path: string; displayName: string }, list: ListInfo, it: ItemRecord, base: string): boolean {
    // A form on another site must not edit this tenant (a cross-site POST carries its Origin).
    const origin = request.headers.origin;
    const fetchSite = request.headers["sec-fetch-site"];
    if ((fetchSite && fetchSite !== "same-origin") || (origin && origin !== this.ctx?.baseUrl)) return this.page(res, refusedPage("Edits are taken from this tenant's own pages only."), 403);
    const form = new URLSearchParams(request.raw);
    const editor = form.get("__editor") ?? "";
    const person = this.people.find((p) => p.email === editor);
    const values: Record<string, string | string[]> = {};
    for (const c of list.columns) values[c.name] = c.choice?.displayAs === "checkBoxes" ? form.getAll(c.name) : (form.get(c.name) ?? "");
    const errors: string[] = [];
    if (!person) errors.push("Choose who is editing: one of the partnership's staff.");
    const patch: Record<string, unknown> = {};
    const before = formValues(list.columns, it.fields);
    for (const c of list.columns) {
      if (readOnly(c)) continue;
      const now = values[c.name] ?? "";
      if (JSON.stringify(now) === JSON.stringify(before[c.name] ?? (c.choice?.displayAs === "checkBoxes" ? [] : ""))) continue;
      const parsed = parseValue(c, now);
      if ("error" in parsed) errors.push(`${c.displayName}: ${parsed.error}`);
      else {
        patch[c.name] = parsed.value;
        if (Array.isArray(parsed.value)) patch[`${c.name}@odata.type`] = "Collection(Edm.String)";
      }
    }
    const again = (problems: string[], status = 400) => this.page(res, editPage({ site, list, item: it, values, people: this.people, editor, errors: problems }), status);
    if (errors.length) return again(errors);
    if (Object.keys(patch).length === 0) return this.redirect(res, `${base}/DispForm.aspx?ID=${it.id}`);
    try {
      this.sites().patchAsPerson(siteId, list.name, it.id, patch, editor, this.now(), form.get("__etag") ?? undefined);
    } catch (e) {
      if (e instanceof GraphError && e.status === 412) return again(["Someone changed this item after you opened it (the app may have acted on it). Open it again to see what changed, then make your edit."], 409);
      if (e instanceof GraphError) return again([e.message]);
      throw e;
    }
    return this.redirect(res, `${base}/DispForm.aspx?ID=${it.id}&saved=${encodeURIComponent(editor)}`, 303);
  }

  private runView(view: SandboxView, items: ItemRecord[]): { groups: { key: string[]; items: ItemRecord[] }[]; total: number; shown: number } {
    const query = parseViewQuery(view.ViewQuery || "");
    const today = londonDay(this.now());
    const picked = orderItems(items.filter((i) => matches(query.where, i.fields, today)), query.orderBy);
    const shown = picked.slice(0, view.RowLimit || 30);
    const by = groupColumns(view);
    if (!by.length) return { groups: [{ key: [], items: shown }], total: picked.length, shown: shown.length };
    const groups = new Map<string, { key: string[]; items: ItemRecord[] }>();
    for (const i of orderItems(shown, by.map((c) => ({ column: c, ascending: true })).concat(query.orderBy))) {
      const key = by.map((c) => plain(undefined, i.fields[c]));
      const k = JSON.stringify(key);
      if (!groups.has(k)) groups.set(k, { key, items: [] });
      groups.get(k)?.items.push(i);
    }
    return { groups: [...groups.values()], total: picked.length, shown: shown.length };
  }

  private formatters(siteId: string, list: ListInfo): Record<string, FormatterElement> {
    const out: Record<string, FormatterElement> = {};
    for (const c of list.columns) {
      const text = this.rest().formatterOf(siteId, list.name, c.name);
      if (!text) continue;
      try {
        out[c.name] = JSON.parse(text) as FormatterElement;
      } catch {
        // not JSON: SharePoint shows the plain value
      }
    }
    return out;
  }

  private listInfos(siteId: string): ListInfo[] {
    return this.sites().listsOf(siteId).map((l) => ({ name: l.name, displayName: l.displayName, description: l.description, columns: l.columns, itemCount: l.itemCount, library: l.template === "documentLibrary" }));
  }

  private homeData() {
    const dumped = this.sites().dump() as { webUrl: string }[];
    const path = dumped[0] ? new URL(dumped[0].webUrl).pathname.replace(/^\/sites\//, "") : undefined;
    const site = path ? this.sites().siteAt(path) : undefined;
    return {
      site: site && { path: site.path, displayName: site.displayName },
      lists: site ? this.listInfos(site.id) : [],
      mailboxes: this.mail().mailboxes().length,
      calendars: this.calendar().owners().length,
      auditAvailable: Boolean(this.audit),
    };
  }

  // ---- Outlook ----

  private mailPages(request: WebRequest, res: ServerResponse, address: string, messageId: string | undefined, tail: string | undefined, attachmentId: string | undefined): boolean {
    const box = this.mail().mailboxes().find((b) => b.address === address.toLowerCase());
    if (!box) return this.page(res, notFoundPage(`There is no mailbox ${address}.`), 404);
    const folder = request.url.searchParams.get("folder") === "sent" ? "sent" : "inbox";
    if (!messageId) return this.page(res, folderPage({ address: box.address, displayName: box.displayName, folder, messages: folder === "sent" ? this.mail().sentItems(box.address) : this.mail().inbox(box.address) }));
    const message = [...this.mail().inbox(box.address), ...this.mail().sentItems(box.address)].find((m) => m.id === messageId);
    if (!message) return this.page(res, notFoundPage("There is no such message."), 404);
    if (tail === "/body") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": BODY_CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store" });
      res.end(messageBody(message));
      return true;
    }
    if (attachmentId) {
      const a = message.attachments.find((x) => x.id === attachmentId);
      if (!a) return this.page(res, notFoundPage("There is no such attachment."), 404);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${a.name.replace(/[^\w.-]/g, "_")}"`, "x-content-type-options": "nosniff", "content-security-policy": "sandbox; default-src 'none'" });
      res.end(Buffer.from(a.contentBytes, "base64"));
      return true;
    }
    return this.page(res, messagePage({ address: box.address, displayName: box.displayName, message }));
  }

  // ---- the app's audit trail ----

  private async auditRows(caseRef: string | undefined): Promise<{ rows: AuditRow[] | undefined; caseRef?: string | undefined; error?: string | undefined }> {
    if (!this.audit) return { rows: undefined, caseRef, error: "The local tenant was started without the app's storage, so it cannot show the audit trail." };
    const rows: AuditRow[] = [];
    try {
      for await (const e of this.audit.listEntities<Record<string, string>>()) {
        if (caseRef && e.caseRef !== caseRef) continue;
        // Statuses as people read them in SharePoint (the entry keeps the codes).
        const status = (code: string | undefined) => (code ? (caseStatusLabels as Record<string, string>)[code] ?? code : "");
        rows.push({ caseRef: e.caseRef ?? "", at: e.at ?? "", by: e.by ?? "", source: e.source ?? "", action: e.action ?? "", from: status(e.from), to: status(e.to), detail: e.detail ?? "" });
      }
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) return { rows: undefined, caseRef, error: `The audit trail could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    rows.sort((a, b) => b.at.localeCompare(a.at));
    return { rows, caseRef };
  }

  // ---- live updates, static files, answers ----

  /** What changed since: list changes, messages, events (cheap to compute; the page asks again when it moves). */
  private stamp(): string {
    const mail = this.mail().mailboxes().reduce((n, b) => n + this.mail().inbox(b.address).length + this.mail().sentItems(b.address).length, 0);
    const events = this.calendar().owners().reduce((n, o) => n + this.calendar().events(o).reduce((k, e) => k + 1 + (e.isCancelled ? 1 : 0) + e.attendees.length, 0), 0);
    return `${this.changes}:${mail}:${events}`;
  }

  private live(res: ServerResponse): boolean {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-content-type-options": "nosniff" });
    let last = this.stamp();
    res.write(`retry: 2000\nevent: hello\ndata: ${last}\n\n`);
    let beats = 0;
    const timer = setInterval(() => {
      const now = this.stamp();
      if (now !== last) {
        last = now;
        res.write(`event: change\ndata: ${now}\n\n`);
      } else if (++beats % 30 === 0) res.write(": still here\n\n");
    }, 500);
    timer.unref();
    res.on("close", () => clearInterval(timer));
    return true;
  }

  private staticFile(name: string, res: ServerResponse): boolean {
    const types: Record<string, string> = { "tenant.css": "text/css; charset=utf-8", "tenant.js": "text/javascript; charset=utf-8" };
    const type = types[name];
    if (!type) return this.page(res, notFoundPage("No such file."), 404);
    res.writeHead(200, { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
    res.end(readFileSync(join(staticDir(), name)));
    return true;
  }

  private page(res: ServerResponse, body: SafeHtml, status = 200): boolean {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP, "x-content-type-options": "nosniff", "referrer-policy": "same-origin", "cache-control": "no-store", "x-frame-options": "SAMEORIGIN" });
    res.end(body.text);
    return true;
  }

  private redirect(res: ServerResponse, location: string, status = 302): boolean {
    res.writeHead(status, { location, "cache-control": "no-store" });
    res.end();
    return true;
  }

  private now(): Date {
    return this.ctx?.now() ?? new Date();
  }
  private sites(): SitesArea {
    return this.area<SitesArea>("sites");
  }
  private rest(): SharePointRestArea {
    return this.area<SharePointRestArea>("sharepointRest");
  }
  private mail(): MailArea {
    return this.area<MailArea>("mail");
  }
  private calendar(): CalendarArea {
    return this.area<CalendarArea>("calendar");
  }
  private area<T extends GraphArea>(name: string): T {
    if (!this.ctx) throw new Error("The local tenant has not started");
    return this.ctx.area<T>(name);
  }
}

/** The form's values for an item as the controls show them (labels, Yes/No, ISO dates). */
function formValues(columns: SandboxColumn[], fields: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const c of columns) {
    const v = fields[c.name];
    if (c.choice?.displayAs === "checkBoxes") out[c.name] = Array.isArray(v) ? v.map(String) : [];
    else if (v === undefined || v === null) out[c.name] = "";
    else if (typeof v === "boolean") out[c.name] = v ? "Yes" : "No";
    else if (c.dateTime?.format === "dateOnly" && typeof v === "string") out[c.name] = v.slice(0, 10);
    else out[c.name] = String(v);
  }
  return out;
}

/** A control's text as the column's value; empty clears it (null), as SharePoint's form does. */
function parseValue(c: SandboxColumn, value: string | string[]): { value: unknown } | { error: string } {
  if (Array.isArray(value)) return { value };
  const v = value.trim();
  if (v === "") return c.required ? { error: "a value is required" } : { value: null };
  if (c.number) {
    const n = Number(v);
    return Number.isFinite(n) ? { value: n } : { error: "enter a number" };
  }
  if (c.boolean) return { value: v === "Yes" };
  if (c.dateTime) {
    if (c.dateTime.format === "dateOnly") return /^\d{4}-\d{2}-\d{2}$/.test(v) ? { value: v } : { error: "enter a date (yyyy-mm-dd)" };
    return Number.isNaN(Date.parse(v)) ? { error: "enter a date and time such as 2026-12-03T14:00:00Z" } : { value: new Date(v).toISOString().replace(/\.000Z$/, "Z") };
  }
  return { value: v };
}

/** sandbox/tenant/static, from the source tree or from dist/. */
function staticDir(): string {
  const candidates = [join(__dirname, "static"), join(__dirname, "..", "..", "..", "sandbox", "tenant", "static")];
  for (const c of candidates) {
    try {
      readFileSync(join(c, "tenant.css"));
      return c;
    } catch {
      // try the next
    }
  }
  throw new Error("sandbox/tenant/static is missing");
}
