import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type SandboxRequest, type SandboxResponse, type WebContext, type WebRequest } from "../routing";
import type { SitesArea } from "./sites";

/** A file as the sandbox keeps it. */
export interface StoredFile {
  id: string;
  name: string;
  bytes: Buffer;
  contentType: string;
  created: string;
  modified: string;
  createdBy: string;
  modifiedBy: string;
  version: number;
  /** The secret in the file's pre-authenticated download URL (Graph's `@microsoft.graph.downloadUrl`). */
  downloadToken: string;
}

interface Drive {
  id: string;
  siteId: string;
  listId: string;
  files: Map<string, StoredFile>;
}

/** SharePoint caps a file or folder name's length; these characters are refused in a name. */
const BAD_NAME = /["*:<>?/\\|]/;
const MAX_SIMPLE_UPLOAD = 250 * 1024 * 1024;

/**
 * SharePoint document libraries as Graph's drives (Microsoft's Graph v1.0 reference: drive, driveItem, "Upload or
 * replace the contents of a driveItem"): each document library (a list made from the `documentLibrary` template in
 * the sites area) is a drive; files live in its root. What the app uses, with Graph's URLs, shapes and status codes:
 *
 * - `GET /sites/{site-id}/drives`, `GET /sites/{site-id}/drive` (the library called Documents), `GET
 *   /sites/{site-id}/lists/{list-id}/drive`, `GET /drives/{drive-id}`;
 * - `PUT /drives/{drive-id}/items/root:/{filename}:/content` (and `/drives/{drive-id}/root:/…`, `/sites/{site-id}/drive/…`):
 *   201 with the new driveItem, 200 when it replaces a file of that name (a new version); `PUT
 *   /drives/{drive-id}/items/{item-id}/content` replaces by id;
 * - `GET …/items/{item-id}` (with `@microsoft.graph.downloadUrl`), `GET …/root:/{filename}`, `GET …/root/children`,
 *   `GET …/items/{item-id}/content` (302 to the pre-authenticated download URL, which needs no token), `DELETE
 *   …/items/{item-id}` (204).
 *
 * Only the library's root folder is modelled (no subfolders: a parent other than root is 404). A person opens the
 * files in the browser at the driveItem's webUrl (`/sites/{path}/{library}/{name}`), which this area serves, with a
 * page listing each library's files.
 */
export class DrivesArea implements GraphArea {
  readonly name = "drives";
  private drives = new Map<string, Drive>();
  private ctx: SandboxContext | undefined;

  readonly routes: GraphRoute[] = [
    { method: "GET", pattern: "/sites/:site/drives", handle: (r) => ok({ value: this.sites().libraries(r.params.site ?? "").map((l) => this.driveView(this.driveOfList(l.siteId, l.id))) }) },
    { method: "GET", pattern: "/sites/:site/drive", handle: (r) => ok(this.driveView(this.defaultDrive(r.params.site ?? ""))) },
    { method: "GET", pattern: "/sites/:site/lists/:list/drive", handle: (r) => ok(this.driveView(this.libraryDrive(r.params.site ?? "", r.params.list ?? ""))) },
    { method: "GET", pattern: "/drives/:drive", handle: (r) => ok(this.driveView(this.drive(r.params.drive ?? ""))) },
    { method: "GET", pattern: "/drives/:drive/root", handle: (r) => ok(this.rootView(this.drive(r.params.drive ?? ""))) },
    { method: "GET", pattern: "/drives/:drive/root/children", handle: (r) => this.childrenRoute(this.drive(r.params.drive ?? "")) },
    { method: "GET", pattern: "/drives/:drive/items/root/children", handle: (r) => this.childrenRoute(this.drive(r.params.drive ?? "")) },
    { method: "GET", pattern: "/drives/:drive/root:/:name", handle: (r) => ok(this.fileView(this.drive(r.params.drive ?? ""), this.fileNamed(this.drive(r.params.drive ?? ""), r.params.name ?? "", true), true)) },
    { method: "GET", pattern: "/drives/:drive/items/:item", handle: (r) => this.getItemRoute(r) },
    { method: "GET", pattern: "/drives/:drive/items/:item/content", handle: (r) => this.downloadRoute(r) },
    { method: "DELETE", pattern: "/drives/:drive/items/:item", handle: (r) => this.deleteRoute(r) },
    { method: "PUT", pattern: "/drives/:drive/items/:parent:/:name:/content", handle: (r, ctx) => this.uploadRoute(r, ctx, this.drive(r.params.drive ?? ""), r.params.parent ?? "") },
    { method: "PUT", pattern: "/drives/:drive/root:/:name:/content", handle: (r, ctx) => this.uploadRoute(r, ctx, this.drive(r.params.drive ?? ""), "root") },
    { method: "PUT", pattern: "/drives/:drive/items/:item/content", handle: (r, ctx) => this.replaceRoute(r, ctx) },
    { method: "PUT", pattern: "/sites/:site/drive/items/:parent:/:name:/content", handle: (r, ctx) => this.uploadRoute(r, ctx, this.defaultDrive(r.params.site ?? ""), r.params.parent ?? "") },
    { method: "PUT", pattern: "/sites/:site/drive/root:/:name:/content", handle: (r, ctx) => this.uploadRoute(r, ctx, this.defaultDrive(r.params.site ?? ""), "root") },
  ];

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
  }
  reset(): void {
    this.drives.clear();
  }
  dump(): unknown {
    return [...this.drives.values()].map((d) => ({ id: d.id, library: this.sites().listInfo(d.siteId, d.listId).displayName, files: [...d.files.values()].map((f) => ({ id: f.id, name: f.name, size: f.bytes.length, contentType: f.contentType, modified: f.modified })) }));
  }

  // ---- programmatic API for seeding and tests ----

  /** The files in a site's library (by the library's name), newest version of each. */
  files(siteId: string, library: string): StoredFile[] {
    return [...this.libraryDrive(siteId, library).files.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One file's bytes, by name. */
  file(siteId: string, library: string, name: string): StoredFile | undefined {
    return [...this.libraryDrive(siteId, library).files.values()].find((f) => f.name.toLowerCase() === name.toLowerCase());
  }

  // ---- routes ----

  private uploadRoute(r: SandboxRequest, ctx: SandboxContext, drive: Drive, parent: string): SandboxResponse {
    if (parent.toLowerCase() !== "root") throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    const name = r.params.name ?? "";
    if (!name || BAD_NAME.test(name) || name.length > 400 || name.endsWith(".") || name.startsWith(" ")) throw new GraphError(400, "invalidRequest", "The provided name contains invalid characters or is not a valid file name.");
    const bytes = r.raw ?? Buffer.alloc(0);
    if (bytes.length > MAX_SIMPLE_UPLOAD) throw new GraphError(413, "requestEntityTooLarge", "The file is too large for a simple upload; use an upload session.");
    const conflict = r.query.get("@microsoft.graph.conflictBehavior") ?? "replace";
    const existing = this.fileNamed(drive, name, false);
    if (existing && conflict === "fail") throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
    const now = ctx.now().toISOString();
    const contentType = (r.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim() || "application/octet-stream";
    if (existing && conflict !== "rename") {
      Object.assign(existing, { bytes, contentType, modified: now, modifiedBy: r.appId, version: existing.version + 1 });
      return ok(this.fileView(drive, existing, false));
    }
    const file: StoredFile = { id: itemId(), name: existing ? renamed(drive, name) : name, bytes, contentType, created: now, modified: now, createdBy: r.appId, modifiedBy: r.appId, version: 1, downloadToken: randomBytes(18).toString("base64url") };
    drive.files.set(file.id, file);
    return { status: 201, body: this.fileView(drive, file, false) };
  }

  private replaceRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const drive = this.drive(r.params.drive ?? "");
    const file = this.fileById(drive, r.params.item ?? "");
    const contentType = (r.headers["content-type"] ?? file.contentType).split(";")[0]!.trim();
    Object.assign(file, { bytes: r.raw ?? Buffer.alloc(0), contentType, modified: ctx.now().toISOString(), modifiedBy: r.appId, version: file.version + 1 });
    return ok(this.fileView(drive, file, false));
  }

  private getItemRoute(r: SandboxRequest): SandboxResponse {
    const drive = this.drive(r.params.drive ?? "");
    if ((r.params.item ?? "").toLowerCase() === "root") return ok(this.rootView(drive));
    return ok(this.fileView(drive, this.fileById(drive, r.params.item ?? ""), true));
  }

  private downloadRoute(r: SandboxRequest): SandboxResponse {
    const drive = this.drive(r.params.drive ?? "");
    const file = this.fileById(drive, r.params.item ?? "");
    return { status: 302, headers: { location: this.downloadUrl(drive, file) } };
  }

  private deleteRoute(r: SandboxRequest): SandboxResponse {
    const drive = this.drive(r.params.drive ?? "");
    const file = this.fileById(drive, r.params.item ?? "");
    drive.files.delete(file.id);
    return { status: 204 };
  }

  private childrenRoute(drive: Drive): SandboxResponse {
    return ok({ value: [...drive.files.values()].sort((a, b) => a.name.localeCompare(b.name)).map((f) => this.fileView(drive, f, true)) });
  }

  // ---- what a person opens in the browser: the library's page and its files ----

  async handleWeb(request: WebRequest, res: ServerResponse, web: WebContext): Promise<boolean> {
    if (request.method !== "GET") return false;
    const download = /^\/sites\/([^/]+)\/_layouts\/15\/download\.aspx$/.exec(request.url.pathname);
    if (download) {
      const found = this.byDownloadToken(request.url.searchParams.get("UniqueId") ?? "", request.url.searchParams.get("tempauth") ?? "");
      web.log({ method: request.method, path: request.url.pathname, status: found ? 200 : 401 });
      if (!found) return sendText(res, 401, "The download link is not valid.");
      res.writeHead(200, { "content-type": found.contentType, "content-length": String(found.bytes.length), "content-disposition": `attachment; filename="${found.name.replace(/[^\w.-]/g, "_")}"`, "x-content-type-options": "nosniff" });
      res.end(found.bytes);
      return true;
    }
    const m = /^\/sites\/([^/]+)\/([^/_][^/]*)(?:\/(Forms\/AllItems\.aspx|[^/]+))?\/?$/.exec(request.url.pathname);
    if (!m) return false;
    const site = this.sites().siteAt(decodeURIComponent(m[1] as string));
    const libraryName = decodeURIComponent(m[2] as string);
    if (!site || /^Lists$/i.test(libraryName)) return false;
    const library = this.sites().libraries(site.id).find((l) => l.name.toLowerCase() === libraryName.toLowerCase());
    if (!library) return false;
    const drive = this.driveOfList(site.id, library.id);
    const tail = m[3] ? decodeURIComponent(m[3]) : undefined;
    if (!tail || tail === "Forms/AllItems.aspx") {
      const rows = [...drive.files.values()]
        .sort((a, b) => b.modified.localeCompare(a.modified))
        .map((f) => `<tr><th scope="row"><a href="${esc(this.fileWebUrl(drive, f))}">${esc(f.name)}</a></th><td>${esc(f.contentType)}</td><td>${f.bytes.length}</td><td>${esc(new Date(f.modified).toLocaleString("en-GB", { timeZone: "Europe/London" }))}</td><td>${f.version}.0</td></tr>`)
        .join("\n");
      return sendHtml(
        res,
        `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${esc(library.displayName)} · ${esc(site.displayName)}</title><link rel="stylesheet" href="/_tenant/static/tenant.css"></head><body><main id="main"><p class="crumbs"><a href="/">Local tenant</a> › <a href="/sites/${esc(site.path)}">${esc(site.displayName)}</a></p><h1>${esc(library.displayName)} <span class="muted">(document library)</span></h1>${rows ? `<table><caption>${drive.files.size} file(s), newest first</caption><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Bytes</th><th scope="col">Modified</th><th scope="col">Version</th></tr></thead><tbody>${rows}</tbody></table>` : "<p>No files yet.</p>"}</main></body></html>`,
      );
    }
    const file = this.fileNamed(drive, tail, false);
    if (!file) return false;
    // A document opened from the library: shown as it is, but nothing in it may run or load anything.
    const inline = /^text\/html$|^image\/|^application\/json$|^text\/csv$/.test(file.contentType);
    res.writeHead(200, {
      "content-type": /^text\/|json/.test(file.contentType) ? `${file.contentType}; charset=utf-8` : file.contentType,
      "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      "x-content-type-options": "nosniff",
      ...(inline ? {} : { "content-disposition": `attachment; filename="${file.name.replace(/[^\w.-]/g, "_")}"` }),
    });
    res.end(file.bytes);
    return true;
  }

  // ---- state ----

  private sites(): SitesArea {
    if (!this.ctx) throw new Error("The drives area has not started");
    return this.ctx.area<SitesArea>("sites");
  }

  private driveOfList(siteId: string, listId: string): Drive {
    const existing = [...this.drives.values()].find((d) => d.listId === listId);
    if (existing) return existing;
    const drive: Drive = { id: `b!${Buffer.from(`${siteId}|${listId}`).toString("base64url").slice(0, 64)}`, siteId, listId, files: new Map() };
    this.drives.set(drive.id, drive);
    return drive;
  }

  private libraryDrive(siteId: string, listIdOrName: string): Drive {
    const info = this.sites().listInfo(siteId, listIdOrName);
    if (info.template !== "documentLibrary") throw new GraphError(404, "itemNotFound", "The list is not a document library, so it has no drive.");
    return this.driveOfList(info.siteId, info.id);
  }

  private defaultDrive(siteId: string): Drive {
    const library = this.sites().libraries(siteId).find((l) => l.displayName.toLowerCase() === "documents" || l.name.toLowerCase() === "shared documents");
    if (!library) throw new GraphError(404, "itemNotFound", "The site has no default document library (Documents).");
    return this.driveOfList(library.siteId, library.id);
  }

  private drive(id: string): Drive {
    const drive = this.drives.get(id);
    if (drive) return drive;
    // A library whose drive nobody has asked for yet: its id is derived from the site and list.
    for (const s of this.sites().siteIds()) for (const l of this.sites().libraries(s.id)) if (this.driveOfList(s.id, l.id).id === id) return this.driveOfList(s.id, l.id);
    throw new GraphError(404, "itemNotFound", "The drive could not be found.");
  }

  private fileById(drive: Drive, id: string): StoredFile {
    const file = drive.files.get(id);
    if (!file) throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    return file;
  }

  private fileNamed(drive: Drive, name: string, required: true): StoredFile;
  private fileNamed(drive: Drive, name: string, required?: false): StoredFile | undefined;
  private fileNamed(drive: Drive, name: string, required = true): StoredFile | undefined {
    // SharePoint's names are case-insensitive: report.html and Report.html are one file.
    const file = [...drive.files.values()].find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!file && required) throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    return file;
  }

  private byDownloadToken(uniqueId: string, token: string): StoredFile | undefined {
    for (const d of this.drives.values()) {
      const f = d.files.get(uniqueId);
      if (f && f.downloadToken === token) return f;
    }
    return undefined;
  }

  private libraryUrl(drive: Drive): string {
    return this.sites().listInfo(drive.siteId, drive.listId).webUrl;
  }

  private fileWebUrl(drive: Drive, f: StoredFile): string {
    return `${this.libraryUrl(drive)}/${encodeURIComponent(f.name)}`;
  }

  private downloadUrl(drive: Drive, f: StoredFile): string {
    const info = this.sites().listInfo(drive.siteId, drive.listId);
    return `${info.siteWebUrl}/_layouts/15/download.aspx?UniqueId=${encodeURIComponent(f.id)}&Translate=false&tempauth=${f.downloadToken}&ApiVersion=2.0`;
  }

  private driveView(drive: Drive) {
    const info = this.sites().listInfo(drive.siteId, drive.listId);
    return {
      id: drive.id,
      name: info.displayName,
      description: "",
      driveType: "documentLibrary",
      createdDateTime: info.created,
      lastModifiedDateTime: [...drive.files.values()].map((f) => f.modified).sort().at(-1) ?? info.created,
      webUrl: info.webUrl,
      createdBy: { user: { displayName: "System Account" } },
      owner: { group: { displayName: `${this.sites().siteInfo(drive.siteId).displayName} Owners` } },
      quota: { deleted: 0, remaining: 27487790694400 - used(drive), state: "normal", total: 27487790694400, used: used(drive) },
    };
  }

  private rootView(drive: Drive) {
    const info = this.sites().listInfo(drive.siteId, drive.listId);
    return {
      id: rootId(drive),
      name: "root",
      webUrl: info.webUrl,
      createdDateTime: info.created,
      lastModifiedDateTime: info.created,
      size: used(drive),
      root: {},
      folder: { childCount: drive.files.size },
      parentReference: { driveId: drive.id, driveType: "documentLibrary" },
    };
  }

  private fileView(drive: Drive, f: StoredFile, withDownloadUrl: boolean) {
    const hash = createHash("sha256").update(f.bytes).digest("hex").toUpperCase();
    return {
      ...(withDownloadUrl ? { "@microsoft.graph.downloadUrl": this.downloadUrl(drive, f) } : {}),
      id: f.id,
      name: f.name,
      eTag: `"{${f.id}},${f.version}"`,
      cTag: `"c:{${f.id}},${f.version}"`,
      size: f.bytes.length,
      createdDateTime: f.created,
      lastModifiedDateTime: f.modified,
      webUrl: this.fileWebUrl(drive, f),
      createdBy: identity(f.createdBy),
      lastModifiedBy: identity(f.modifiedBy),
      parentReference: { driveType: "documentLibrary", driveId: drive.id, id: rootId(drive), name: this.sites().listInfo(drive.siteId, drive.listId).displayName, path: `/drives/${drive.id}/root:`, siteId: drive.siteId },
      file: { mimeType: f.contentType, hashes: { quickXorHash: Buffer.from(hash.slice(0, 40), "hex").toString("base64") } },
      fileSystemInfo: { createdDateTime: f.created, lastModifiedDateTime: f.modified },
      shared: { scope: "users" },
    };
  }
}

function identity(by: string) {
  return by.includes("@") ? { user: { email: by, displayName: by } } : { application: { id: by, displayName: "Inclusion Flow" }, user: { displayName: "SharePoint App" } };
}

/** A file name SharePoint gives an upload with `conflictBehavior=rename`: "report 1.html", "report 2.html", … */
function renamed(drive: Drive, name: string): string {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 1; ; n++) {
    const candidate = `${stem} ${n}${ext}`;
    if (![...drive.files.values()].some((f) => f.name.toLowerCase() === candidate.toLowerCase())) return candidate;
  }
}

function itemId(): string {
  // SharePoint drive item ids are 34 characters, base32-like: "01" then 32 of A–Z and 2–7.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return `01${[...randomBytes(32)].map((b) => alphabet[b % 32]).join("")}`;
}

function rootId(drive: Drive): string {
  return `01${createHash("sha256").update(drive.id).digest("hex").toUpperCase().replace(/[^A-Z2-7]/g, "Q").slice(0, 32)}`;
}

function used(drive: Drive): number {
  return [...drive.files.values()].reduce((n, f) => n + f.bytes.length, 0);
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function sendHtml(res: ServerResponse, body: string): boolean {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; base-uri 'none'; frame-ancestors 'self'", "x-content-type-options": "nosniff" });
  res.end(body);
  return true;
}

function sendText(res: ServerResponse, status: number, body: string): boolean {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
  return true;
}

