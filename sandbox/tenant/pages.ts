import type { FormatterElement } from "../../src/domain/lists/views";
import type { SandboxColumn } from "../graph/areas/sites";
import type { StoredEvent } from "../graph/areas/calendar";
import type { StoredMessage } from "../graph/areas/mail";
import type { SandboxView } from "../graph/areas/sharepointRest";
import { renderFormatter, type FormatterValue } from "./columnFormatting";
import { html, SafeHtml } from "./html";

/**
 * The local tenant's pages: plain server-rendered HTML (escaped by construction through `html`), accessible
 * (landmarks, headings, labelled controls, tables with `th`), with a small script that refreshes the page's live
 * region when the sandbox changes. Development only.
 */

export interface Person {
  email: string;
  displayName: string;
  role: string;
}

export interface ItemRecord {
  id: string;
  fields: Record<string, unknown>;
  etag: string;
  version: number;
  created: string;
  modified: string;
  createdBy: string;
  modifiedBy: string;
}

export interface ListInfo {
  name: string;
  displayName: string;
  description: string;
  columns: SandboxColumn[];
  itemCount: number;
  /** A document library: its files are opened at /sites/{path}/{name} (the drives area's page). */
  library?: boolean;
}

export interface AuditRow {
  caseRef: string;
  at: string;
  by: string;
  source: string;
  action: string;
  from: string;
  to: string;
  detail: string;
}

const london = (iso: string, withTime: boolean) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric", ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}) });
};

/** The page frame: skip link, header navigation, main (live when `live`), the script. */
export function layout(o: { title: string; site?: { path: string; displayName: string } | undefined; current?: string; live?: boolean; body: SafeHtml }): SafeHtml {
  const nav: [string, string, string][] = [
    ["home", "/", "Home"],
    ...(o.site ? ([["site", `/sites/${o.site.path}`, "SharePoint"]] as [string, string, string][]) : []),
    ["mail", "/_tenant/mail", "Mailboxes"],
    ["calendar", "/_tenant/calendar", "Calendars"],
    ["audit", "/_tenant/audit", "Audit trail"],
  ];
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Local tenant</title>
<link rel="stylesheet" href="/_tenant/static/tenant.css">
<script src="/_tenant/static/tenant.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<p class="brand">Local tenant <span class="muted">(sandbox: SharePoint, Outlook and the app's audit, on this machine)</span></p>
<nav aria-label="Local tenant"><ul>${nav.map(([key, href, text]) => html`<li><a href="${href}"${o.current === key ? html` aria-current="page"` : ""}>${text}</a></li>`)}</ul></nav>
</header>
<main id="main"${o.live ? html` data-live` : ""}>
${o.body}
</main>
<p class="live-status" role="status" aria-live="polite" id="live-status"></p>
</body>
</html>`;
}

export function homePage(o: { site?: { path: string; displayName: string } | undefined; lists: ListInfo[]; mailboxes: number; calendars: number; auditAvailable: boolean }): SafeHtml {
  return layout({
    title: "Home",
    site: o.site,
    current: "home",
    live: true,
    body: html`<h1>Local tenant</h1>
<p>What the app does, as the partnership's people see it: the SharePoint lists (with the coordinator's views, and forms to edit as a member of staff), every mailbox's inbox and sent items, the calendars, and the app's audit trail. Pages update as the app works.</p>
${o.site ? html`<section aria-labelledby="sp"><h2 id="sp"><a href="/sites/${o.site.path}">${o.site.displayName}</a> (SharePoint site)</h2>${listTable(o.site.path, o.lists)}</section>` : html`<p>No SharePoint site yet.</p>`}
<section aria-labelledby="other"><h2 id="other">Outlook and the app</h2><ul>
<li><a href="/_tenant/mail">Mailboxes</a> (${o.mailboxes})</li>
<li><a href="/_tenant/calendar">Calendars</a> (${o.calendars} with events)</li>
<li><a href="/_tenant/audit">Audit trail</a>${o.auditAvailable ? "" : html` <span class="muted">(not connected to the app's storage)</span>`}</li>
</ul></section>`,
  });
}

function listTable(sitePath: string, lists: ListInfo[]): SafeHtml {
  return html`<table><caption>Lists</caption><thead><tr><th scope="col">List</th><th scope="col">Items</th><th scope="col">About</th></tr></thead><tbody>
${lists.map((l) => html`<tr><th scope="row"><a href="${l.library ? `/sites/${sitePath}/${l.name}` : `/sites/${sitePath}/Lists/${l.name}`}">${l.displayName}</a></th><td>${l.library ? "files" : l.itemCount}</td><td>${l.description}</td></tr>`)}
</tbody></table>`;
}

export function sitePage(o: { site: { path: string; displayName: string }; lists: ListInfo[]; views: Record<string, SandboxView[]> }): SafeHtml {
  return layout({
    title: o.site.displayName,
    site: o.site,
    current: "site",
    live: true,
    body: html`<h1>${o.site.displayName}</h1>
${listTable(o.site.path, o.lists)}
<h2>The coordinator's views</h2>
${o.lists.map((l) => html`<h3>${l.displayName}</h3><ul class="inline">${(o.views[l.name] ?? []).filter((v) => !v.Hidden && !v.PersonalView).map((v) => html`<li><a href="${v.ServerRelativeUrl}">${v.Title}</a>${v.DefaultView ? html` <span class="muted">(default)</span>` : ""}</li>`)}</ul>`)}`,
  });
}

/** A cell's content: the column's formatter when it has one, else the value as SharePoint shows it. */
export function cellValue(column: SandboxColumn | undefined, value: unknown, fields: Record<string, unknown>, formatter: FormatterElement | undefined, columns: SandboxColumn[], now: Date): SafeHtml {
  if (formatter && column) {
    const typed = (c: SandboxColumn | undefined, v: unknown): FormatterValue => {
      if (v === undefined || v === null || v === "") return undefined;
      if (c?.dateTime && typeof v === "string") return new Date(/T/.test(v) ? v : `${v}T00:00:00Z`);
      if (Array.isArray(v)) return v.map(String);
      return v as FormatterValue;
    };
    try {
      return renderFormatter(formatter, { currentField: typed(column, value), column: (n) => typed(columns.find((c) => c.name === n), fields[n]), now });
    } catch {
      // a formatter the local tenant cannot run: the plain value, as SharePoint falls back
    }
  }
  return html`${plain(column, value)}`;
}

export function plain(column: SandboxColumn | undefined, value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (column?.dateTime && typeof value === "string") return london(value.length === 10 ? `${value}T12:00:00Z` : value, column.dateTime.format !== "dateOnly" && value.length > 10);
  return String(value);
}

export function viewPage(o: {
  site: { path: string; displayName: string };
  list: ListInfo;
  views: SandboxView[];
  view: SandboxView;
  groups: { key: string[]; items: ItemRecord[] }[];
  total: number;
  shown: number;
  formatters: Record<string, FormatterElement>;
  now: Date;
}): SafeHtml {
  const columnOf = (name: string) => o.list.columns.find((c) => c.name === (name === "LinkTitle" || name === "LinkTitleNoMenu" ? "Title" : name));
  const headers = o.view.ViewFields.map((f) => columnOf(f)?.displayName ?? f);
  const base = `/sites/${o.site.path}/Lists/${o.list.name}`;
  const row = (item: ItemRecord) =>
    html`<tr>${o.view.ViewFields.map((f, i) => {
      const column = columnOf(f);
      const value = f === "ID" ? item.id : item.fields[column?.name ?? f];
      if (f === "LinkTitle" || f === "LinkTitleNoMenu") return html`<th scope="row"><a href="${base}/DispForm.aspx?ID=${item.id}">${plain(column, value) || "(no title)"}</a></th>`;
      const cell = cellValue(column, value, item.fields, o.formatters[column?.name ?? ""], o.list.columns, o.now);
      return i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`;
    })}</tr>`;
  const body = o.groups.map((g) =>
    g.key.length
      ? html`<tbody><tr class="group"><th scope="rowgroup" colspan="${headers.length}">${g.key.map((k, i) => html`${i ? " › " : ""}${columnOf(groupColumns(o.view)[i] ?? "")?.displayName ?? ""}: ${k || "(empty)"}`)} <span class="muted">(${g.items.length})</span></th></tr>${g.items.map(row)}</tbody>`
      : html`<tbody>${g.items.map(row)}</tbody>`,
  );
  return layout({
    title: `${o.list.displayName}: ${o.view.Title}`,
    site: o.site,
    current: "site",
    live: true,
    body: html`<p class="crumbs"><a href="/sites/${o.site.path}">${o.site.displayName}</a> › ${o.list.displayName}</p>
<h1>${o.list.displayName}</h1>
<nav aria-label="Views of ${o.list.displayName}"><ul class="tabs">${o.views.filter((v) => !v.Hidden && !v.PersonalView).map((v) => html`<li><a href="${v.ServerRelativeUrl}"${v.Id === o.view.Id ? html` aria-current="page"` : ""}>${v.Title}</a></li>`)}</ul></nav>
<h2>${o.view.Title}</h2>
${o.total === 0 ? html`<p>No items in this view.</p>` : html`<table class="items"><caption>${o.list.displayName}, ${o.view.Title}: ${o.shown < o.total ? `the first ${o.shown} of ${o.total}` : `${o.total}`} item${o.total === 1 ? "" : "s"}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
${body}
</table>`}`,
  });
}

/** The view's `<GroupBy>` columns (kept on the view for the page's group headings). */
export function groupColumns(view: SandboxView): string[] {
  return [...view.ViewQuery.matchAll(/<GroupBy[^>]*>(.*?)<\/GroupBy>/g)].flatMap((m) => [...(m[1] ?? "").matchAll(/Name="([^"]+)"/g)].map((x) => x[1] as string));
}

export function itemPage(o: {
  site: { path: string; displayName: string };
  list: ListInfo;
  item: ItemRecord;
  formatters: Record<string, FormatterElement>;
  notice?: string | undefined;
  caseRef?: string | undefined;
  now: Date;
}): SafeHtml {
  const base = `/sites/${o.site.path}/Lists/${o.list.name}`;
  const title = plain(o.list.columns.find((c) => c.name === "Title"), o.item.fields.Title) || `Item ${o.item.id}`;
  return layout({
    title: `${o.list.displayName}: ${title}`,
    site: o.site,
    current: "site",
    live: true,
    body: html`<p class="crumbs"><a href="/sites/${o.site.path}">${o.site.displayName}</a> › <a href="${base}">${o.list.displayName}</a></p>
<h1>${title}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
<p><a class="button" href="${base}/EditForm.aspx?ID=${o.item.id}">Edit this item</a>${o.caseRef ? html` · <a href="/_tenant/audit?case=${encodeURIComponent(o.caseRef)}">Audit trail of ${o.caseRef}</a>` : ""}</p>
<dl class="fields">${o.list.columns.map((c) => html`<dt>${c.displayName}</dt><dd>${cellValue(c, o.item.fields[c.name], o.item.fields, o.formatters[c.name], o.list.columns, o.now)}</dd>`)}</dl>
<p class="muted">Version ${o.item.version}.0 · created ${london(o.item.created, true)} by ${o.item.createdBy} · last modified ${london(o.item.modified, true)} by ${o.item.modifiedBy}</p>`,
  });
}

/** Columns the app keeps (its record of the workflow) and Title (the app's key): shown, not edited. */
export function readOnly(column: SandboxColumn): boolean {
  return column.name === "Title" || column.name.startsWith("Workflow") || column.readOnly === true;
}

export function editPage(o: {
  site: { path: string; displayName: string };
  list: ListInfo;
  item: ItemRecord;
  values: Record<string, string | string[]>;
  people: readonly Person[];
  editor: string;
  errors: string[];
}): SafeHtml {
  const base = `/sites/${o.site.path}/Lists/${o.list.name}`;
  const title = String(o.item.fields.Title ?? `Item ${o.item.id}`);
  const control = (c: SandboxColumn) => {
    const id = `f-${c.name}`;
    const value = o.values[c.name];
    const text = Array.isArray(value) ? value.join(", ") : (value ?? "");
    const hint = c.description ? html`<span class="hint" id="${id}-hint">${c.description}</span>` : "";
    const described = c.description ? html` aria-describedby="${id}-hint"` : "";
    const required = c.required ? html` required aria-required="true"` : "";
    if (readOnly(c)) return html`<div class="field"><span class="label" id="${id}-label">${c.displayName}</span> <output aria-labelledby="${id}-label">${text}</output> <span class="muted">(kept by the app)</span></div>`;
    if (c.choice && c.choice.displayAs === "checkBoxes") {
      const picked = new Set(Array.isArray(value) ? value : text ? [text] : []);
      return html`<fieldset class="field"><legend>${c.displayName}</legend>${c.choice.choices.map((ch, i) => html`<label><input type="checkbox" name="${c.name}" value="${ch}" id="${id}-${i}"${picked.has(ch) ? html` checked` : ""}> ${ch}</label>`)}</fieldset>`;
    }
    if (c.choice) {
      return html`<div class="field"><label for="${id}">${c.displayName}</label>${hint}<select id="${id}" name="${c.name}"${described}${required}>${c.required ? "" : html`<option value="">(none)</option>`}${[...new Set([...c.choice.choices, ...(text && !c.choice.choices.includes(text) ? [text] : [])])].map((ch) => html`<option${ch === text ? html` selected` : ""}>${ch}</option>`)}</select></div>`;
    }
    if (c.boolean) {
      return html`<div class="field"><label for="${id}">${c.displayName}</label><select id="${id}" name="${c.name}"${required}>${c.required ? "" : html`<option value="">(none)</option>`}<option value="Yes"${text === "Yes" ? html` selected` : ""}>Yes</option><option value="No"${text === "No" ? html` selected` : ""}>No</option></select></div>`;
    }
    if (c.text?.allowMultipleLines) return html`<div class="field"><label for="${id}">${c.displayName}</label>${hint}<textarea id="${id}" name="${c.name}" rows="4"${described}${required}>${text}</textarea></div>`;
    const type = c.number ? "number" : c.dateTime?.format === "dateOnly" ? "date" : "text";
    const extra = c.number ? html` step="any"${c.number.minimum !== undefined ? html` min="${c.number.minimum}"` : ""}${c.number.maximum !== undefined ? html` max="${c.number.maximum}"` : ""}` : c.dateTime && type === "text" ? html` placeholder="2026-12-03T14:00:00Z"` : c.text?.maxLength ? html` maxlength="${c.text.maxLength}"` : "";
    return html`<div class="field"><label for="${id}">${c.displayName}</label>${hint}<input id="${id}" name="${c.name}" type="${type}" value="${text}"${extra}${described}${required}></div>`;
  };
  return layout({
    title: `Edit ${title}`,
    site: o.site,
    current: "site",
    body: html`<p class="crumbs"><a href="/sites/${o.site.path}">${o.site.displayName}</a> › <a href="${base}">${o.list.displayName}</a> › <a href="${base}/DispForm.aspx?ID=${o.item.id}">${title}</a></p>
<h1>Edit ${title}</h1>
${o.errors.length ? html`<div class="errors" role="alert"><h2>The item was not saved</h2><ul>${o.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ""}
<form method="post" action="${base}/EditForm.aspx?ID=${o.item.id}">
<input type="hidden" name="__etag" value="${o.item.etag}">
<fieldset class="editor"><legend>Who is editing</legend>
<label for="editor">Save as</label>
<select id="editor" name="__editor">${o.people.map((p) => html`<option value="${p.email}"${p.email === o.editor ? html` selected` : ""}>${p.displayName} (${p.role}, ${p.email})</option>`)}</select>
<p class="hint">SharePoint records who made each version; the app reads it as the item's last editor.</p>
</fieldset>
${o.list.columns.map(control)}
<p><button type="submit">Save</button> <a href="${base}/DispForm.aspx?ID=${o.item.id}">Cancel</a></p>
</form>`,
  });
}

export function mailboxesPage(boxes: { address: string; displayName: string; internal: boolean; inbox: number; sent: number }[]): SafeHtml {
  const table = (rows: typeof boxes, caption: string) =>
    html`<table><caption>${caption}</caption><thead><tr><th scope="col">Mailbox</th><th scope="col">Address</th><th scope="col">Inbox</th><th scope="col">Sent items</th></tr></thead><tbody>
${rows.map((b) => html`<tr><th scope="row">${b.displayName}</th><td>${b.address}</td><td><a href="/_tenant/mail/${encodeURIComponent(b.address)}?folder=inbox">${b.inbox}<span class="sr"> in the inbox of ${b.address}</span></a></td><td><a href="/_tenant/mail/${encodeURIComponent(b.address)}?folder=sent">${b.sent}<span class="sr"> sent by ${b.address}</span></a></td></tr>`)}
</tbody></table>`;
  return layout({
    title: "Mailboxes",
    current: "mail",
    live: true,
    body: html`<h1>Mailboxes</h1>
${table(boxes.filter((b) => b.internal), "The tenant's mailboxes")}
${boxes.some((b) => !b.internal) ? table(boxes.filter((b) => !b.internal), "Other addresses the app wrote to") : ""}`,
  });
}

export function folderPage(o: { address: string; displayName: string; folder: "inbox" | "sent"; messages: StoredMessage[] }): SafeHtml {
  const other = o.folder === "inbox" ? "sent" : "inbox";
  const base = `/_tenant/mail/${encodeURIComponent(o.address)}`;
  const sorted = [...o.messages].sort((a, b) => b.sentDateTime.localeCompare(a.sentDateTime));
  return layout({
    title: `${o.displayName}: ${o.folder === "inbox" ? "Inbox" : "Sent items"}`,
    current: "mail",
    live: true,
    body: html`<p class="crumbs"><a href="/_tenant/mail">Mailboxes</a> › ${o.displayName}</p>
<h1>${o.displayName} <span class="muted">${o.address}</span></h1>
<nav aria-label="Folders"><ul class="tabs"><li><a href="${base}?folder=inbox"${o.folder === "inbox" ? html` aria-current="page"` : ""}>Inbox</a></li><li><a href="${base}?folder=sent"${o.folder === "sent" ? html` aria-current="page"` : ""}>Sent items</a></li></ul></nav>
<h2>${o.folder === "inbox" ? "Inbox" : "Sent items"}</h2>
${sorted.length === 0 ? html`<p>No messages. <a href="${base}?folder=${other}">${other === "sent" ? "Sent items" : "Inbox"}</a></p>` : html`<table class="mail"><caption>${sorted.length} message${sorted.length === 1 ? "" : "s"}, newest first</caption><thead><tr><th scope="col">${o.folder === "inbox" ? "From" : "To"}</th><th scope="col">Subject</th><th scope="col">${o.folder === "inbox" ? "Received" : "Sent"}</th><th scope="col">Attachments</th></tr></thead><tbody>
${sorted.map((m) => html`<tr><td>${o.folder === "inbox" ? m.from.emailAddress.address : m.toRecipients.map((r) => r.emailAddress.address).join(", ")}</td><th scope="row"><a href="${base}/messages/${m.id}">${m.subject || "(no subject)"}</a></th><td>${london(m.sentDateTime, true)}</td><td>${m.attachments.map((a) => a.name).join(", ")}</td></tr>`)}
</tbody></table>`}`,
  });
}

export function messagePage(o: { address: string; displayName: string; message: StoredMessage }): SafeHtml {
  const m = o.message;
  const base = `/_tenant/mail/${encodeURIComponent(o.address)}`;
  const people = (rs: { emailAddress: { address: string; name?: string | undefined } }[]) => rs.map((r) => (r.emailAddress.name ? `${r.emailAddress.name} <${r.emailAddress.address}>` : r.emailAddress.address)).join(", ");
  return layout({
    title: m.subject || "(no subject)",
    current: "mail",
    body: html`<p class="crumbs"><a href="/_tenant/mail">Mailboxes</a> › <a href="${base}?folder=${m.parentFolderId === "sentitems" ? "sent" : "inbox"}">${o.displayName}</a></p>
<h1>${m.subject || "(no subject)"}</h1>
<dl class="fields">
<dt>From</dt><dd>${people([m.from])}</dd>
<dt>To</dt><dd>${people(m.toRecipients)}</dd>
${m.ccRecipients.length ? html`<dt>Cc</dt><dd>${people(m.ccRecipients)}</dd>` : ""}
<dt>Sent</dt><dd>${london(m.sentDateTime, true)}</dd>
${m.attachments.length ? html`<dt>Attachments</dt><dd><ul>${m.attachments.map((a) => html`<li><a href="${base}/messages/${m.id}/attachments/${a.id}" download="${a.name}">${a.name}</a> (${a.contentType}, ${a.size} bytes)</li>`)}</ul></dd>` : ""}
</dl>
<h2>Message</h2>
<iframe class="mail-body" title="The message's body" sandbox src="${base}/messages/${m.id}/body"></iframe>`,
  });
}

/** An email's body as its own document, for a sandboxed frame: no script, nothing loaded from anywhere. */
export function messageBody(m: StoredMessage): string {
  let content = /html/i.test(m.body.contentType) ? m.body.content : html`<pre style="white-space:pre-wrap;font:inherit">${m.body.content}</pre>`.text;
  // As a mail client shows it: a picture sent inline (a chart) is drawn where the body's cid: reference is.
  for (const a of m.attachments) if (a.isInline && a.contentId && /^image\/(png|jpeg|gif)$/.test(a.contentType)) content = content.split(`cid:${a.contentId}`).join(`data:${a.contentType};base64,${a.contentBytes}`);
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Message</title><style>body{font-family:system-ui,sans-serif;margin:1rem;color:#1b1b1b}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>${content}</body></html>`;
}

export function calendarsPage(owners: { address: string; displayName: string; events: number }[]): SafeHtml {
  return layout({
    title: "Calendars",
    current: "calendar",
    live: true,
    body: html`<h1>Calendars</h1>
${owners.length === 0 ? html`<p>No events yet.</p>` : html`<table><caption>Calendars with events</caption><thead><tr><th scope="col">Calendar</th><th scope="col">Events</th></tr></thead><tbody>${owners.map((o) => html`<tr><th scope="row"><a href="/_tenant/calendar/${encodeURIComponent(o.address)}">${o.displayName}</a> <span class="muted">${o.address}</span></th><td>${o.events}</td></tr>`)}</tbody></table>`}`,
  });
}

export function calendarPage(o: { address: string; displayName: string; events: StoredEvent[] }): SafeHtml {
  const sorted = [...o.events].sort((a, b) => a.start.getTime() - b.start.getTime());
  return layout({
    title: `${o.displayName}: calendar`,
    current: "calendar",
    live: true,
    body: html`<p class="crumbs"><a href="/_tenant/calendar">Calendars</a> › ${o.displayName}</p>
<h1>${o.displayName} <span class="muted">${o.address}</span></h1>
<table class="events"><caption>${sorted.length} event${sorted.length === 1 ? "" : "s"}, earliest first (UK time)</caption>
<thead><tr><th scope="col">When</th><th scope="col">Subject</th><th scope="col">Attendees</th><th scope="col">Teams meeting</th></tr></thead><tbody>
${sorted.map((e) => html`<tr${e.isCancelled ? html` class="cancelled"` : ""}><td>${london(e.start.toISOString(), true)} – ${e.end.toLocaleTimeString("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit" })}</td><th scope="row">${e.isCancelled ? html`<span class="tag">Cancelled</span> ` : ""}${e.subject}</th><td><ul class="plain">${e.attendees.map((a) => html`<li>${a.emailAddress.name ? `${a.emailAddress.name} ` : ""}${a.emailAddress.address} <span class="muted">(${a.type}${a.status?.response && a.status.response !== "none" ? `, ${a.status.response}` : ""})</span></li>`)}</ul></td><td>${e.onlineMeeting ? "Yes" : "No"}</td></tr>`)}
</tbody></table>`,
  });
}

export function auditPage(o: { rows: AuditRow[] | undefined; caseRef?: string | undefined; error?: string | undefined }): SafeHtml {
  const rows = o.rows ?? [];
  return layout({
    title: o.caseRef ? `Audit trail: ${o.caseRef}` : "Audit trail",
    current: "audit",
    live: true,
    body: html`<h1>Audit trail${o.caseRef ? `: ${o.caseRef}` : ""}</h1>
<p>Every transition of a case the app recorded (Azure Table storage, <code>Audit</code>): who, what, when, from which source.${o.caseRef ? html` <a href="/_tenant/audit">All cases</a>` : ""}</p>
${o.error ? html`<p class="notice">${o.error}</p>` : rows.length === 0 ? html`<p>Nothing recorded yet.</p>` : html`<table class="audit"><caption>${rows.length} entr${rows.length === 1 ? "y" : "ies"}, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Case</th><th scope="col">What</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Source</th><th scope="col">Detail</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${london(r.at, true)}</td><th scope="row"><a href="/_tenant/audit?case=${encodeURIComponent(r.caseRef)}">${r.caseRef}</a></th><td>${r.action}</td><td>${r.from}</td><td>${r.to}</td><td>${r.by}</td><td>${r.source}</td><td>${r.detail}</td></tr>`)}
</tbody></table>`}`,
  });
}

export function notFoundPage(message: string): SafeHtml {
  return layout({ title: "Not found", body: html`<h1>Not found</h1><p>${message}</p><p><a href="/">Home</a></p>` });
}

export function refusedPage(message: string): SafeHtml {
  return layout({ title: "Refused", body: html`<h1>Refused</h1><p>${message}</p><p><a href="/">Home</a></p>` });
}
