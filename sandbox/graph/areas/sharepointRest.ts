import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { viewPageName } from "../../../src/domain/lists/views";
import { parseViewQuery } from "../caml";
import type { GraphArea, GraphRoute, SandboxContext, WebContext, WebRequest } from "../routing";
import type { SandboxColumn, SitesArea } from "./sites";

/** A list view as SharePoint keeps it (`SP.View`). */
export interface SandboxView {
  Id: string;
  Title: string;
  ViewQuery: string;
  RowLimit: number;
  DefaultView: boolean;
  PersonalView: boolean;
  Hidden: boolean;
  Paged: boolean;
  ServerRelativeUrl: string;
  ViewFields: string[];
}

/** The properties a client may set on a view (create or MERGE); anything else is refused as SharePoint refuses it. */
const VIEW_PROPERTIES = new Set(["Title", "ViewQuery", "RowLimit", "DefaultView", "PersonalView", "Hidden", "Paged", "JSLink", "Scope", "TabularView", "MobileView", "MobileDefaultView", "IncludeRootFolder", "ViewData", "ViewType2", "CustomFormatter"]);
/** Field properties a MERGE may set here (the ones this project changes, and a few neighbours). */
const FIELD_PROPERTIES = new Set(["CustomFormatter", "Title", "Description", "Hidden", "Indexed", "Required", "EnforceUniqueValues", "ClientSideComponentId", "ClientSideComponentProperties"]);
const SHAREPOINT_APP_ID = "00000003-0000-0ff1-ce00-000000000000";

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFoundList = (title: string, web: string) => new RestError(404, "-1, System.ArgumentException", `List '${title}' does not exist at site with URL '${web}'.`);
// 400, as SharePoint answers it (seen through Power Automate's "Send an HTTP request to SharePoint").
const noSuchView = () => new RestError(400, "-2147024809, System.ArgumentException", "The specified view is invalid.");
const noSuchColumn = (name: string, web: string) => new RestError(400, "-2147024809, System.ArgumentException", `Column '${name}' does not exist. It may have been deleted by another user.  ${web}`);
const badQuery = (message: string) => new RestError(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", message);

interface Segment {
  name: string;
  arg?: string | undefined;
}

/**
 * SharePoint's REST API for a site's lists, views and fields, on the site's own path (`/sites/{path}/_api/...`) as
 * SharePoint serves it — the part Microsoft Graph does not offer: list views (`ViewQuery` CAML, view fields, row
 * limit, default view) and column formatting (a field's `CustomFormatter`). Lists and columns are the sites area's.
 *
 * Requests as SharePoint takes them: a bearer token for the site's host (the sandbox's origin) — a Graph token is
 * refused (invalid audience), and so is an app-only token obtained with a client secret ("Unsupported app only
 * token.": SharePoint wants a certificate or a managed identity); `Accept: application/json;odata=nometadata`,
 * `minimalmetadata` or `verbose`; writes as POST, updates as POST with `X-HTTP-Method: MERGE`; a verbose body
 * names its `__metadata.type`; errors in SharePoint's `odata.error` (or verbose `error`) shape. Injected faults
 * apply by path, as for Graph, and every request goes to the request log with the headers that shape it.
 */
export class SharePointRestArea implements GraphArea {
  readonly name = "sharepointRest";
  readonly routes: readonly GraphRoute[] = [];
  private views = new Map<string, SandboxView[]>();
  private formatters = new Map<string, string>();
  /** Each site's principals (its groups, and the apps that have called it) and the site's own role assignments. */
  private webs = new Map<string, SandboxWebSecurity>();
  /** Lists with unique permissions (inheritance broken): their own role assignments. */
  private listSecurity = new Map<string, RoleAssignment[]>();
  private ctx: SandboxContext | undefined;

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
  }
  /** For a seed, which runs before the areas start: the context to find the sites area by. */
  useContext(ctx: SandboxContext): void {
    this.ctx ??= ctx;
  }
  reset(): void {
    this.views.clear();
    this.formatters.clear();
    this.webs.clear();
    this.listSecurity.clear();
  }
  dump(): unknown {
    return { views: Object.fromEntries(this.views), formatters: Object.fromEntries(this.formatters), webs: Object.fromEntries(this.webs), listSecurity: Object.fromEntries(this.listSecurity) };
  }

  /**
   * Who may do what on a list, as SharePoint's permissions page shows it: whether it has its own permissions (else it
   * inherits the site's), and each principal's permission levels.
   */
  permissionsOf(siteId: string, listIdOrName: string): { unique: boolean; assignments: { principal: string; principalType: "group" | "user"; roles: string[] }[] } {
    const list = this.list(siteId, listIdOrName);
    const web = this.web(siteId);
    const own = this.listSecurity.get(list.id);
    return {
      unique: own !== undefined,
      assignments: (own ?? web.assignments).map((a) => {
        const p = web.principals.find((x) => x.Id === a.principalId);
        return { principal: p?.Title ?? String(a.principalId), principalType: p?.PrincipalType === 8 ? "group" : "user", roles: a.roleIds.map((id) => ROLE_DEFINITIONS.find((r) => r.Id === id)?.Name ?? String(id)) };
      }),
    };
  }

  /** A site owner's change on the permissions page: gives a group of the site (e.g. its Members) a level on a list. */
  grant(siteId: string, listIdOrName: string, principalTitle: string, roleName: string): void {
    const list = this.list(siteId, listIdOrName);
    const web = this.web(siteId);
    const principal = web.principals.find((p) => p.Title === principalTitle);
    const role = ROLE_DEFINITIONS.find((r) => r.Name === roleName);
    if (!principal || !role) throw new Error(`No principal ${principalTitle} or permission level ${roleName}`);
    const own = this.listSecurity.get(list.id) ?? structuredClone(web.assignments);
    this.listSecurity.set(list.id, own);
    addRole(own, principal.Id, role.Id);
  }

  private web(siteId: string): SandboxWebSecurity {
    let web = this.webs.get(siteId);
    if (!web) {
      const title = this.siteTitle(siteId);
      const group = (Id: number, suffix: string, Description: string): SandboxPrincipal => ({ Id, Title: `${title} ${suffix}`, LoginName: `${title} ${suffix}`, PrincipalType: 8, Description });
      web = {
        principals: [group(3, "Owners", "Use this group to grant people full control permissions to the SharePoint site"), group(4, "Visitors", "Use this group to grant people read permissions to the SharePoint site"), group(5, "Members", "Use this group to grant people contribute permissions to the SharePoint site")],
        // A team site: its owners have Full Control, its members (the team's members) Edit, its visitors Read.
        assignments: [
          { principalId: 3, roleIds: [FULL_CONTROL] },
          { principalId: 4, roleIds: [READ] },
          { principalId: 5, roleIds: [EDIT] },
        ],
        nextId: 12,
      };
      this.webs.set(siteId, web);
    }
    return web;
  }

  /** The principal of the app a token is for (SharePoint adds it to the site's users on its first call). */
  private appPrincipal(siteId: string, appId: string): SandboxPrincipal {
    const web = this.web(siteId);
    const login = `i:0i.t|ms.sp.ext|${appId}@${this.ctx?.tenantId ?? ""}`;
    let app = web.principals.find((p) => p.LoginName === login);
    if (!app) {
      app = { Id: web.nextId++, Title: "SharePoint App", LoginName: login, PrincipalType: 1, Description: "" };
      web.principals.push(app);
    }
    return app;
  }

  // ---- programmatic API: seeding, the local tenant's pages, tests ----

  /** A list's views; every list has "All Items" (its default view until another is made default). */
  viewsOf(siteId: string, listIdOrName: string): SandboxView[] {
    const list = this.list(siteId, listIdOrName);
    let views = this.views.get(list.id);
    if (!views) {
      const site = this.sites().siteAt(this.sitePathOf(siteId));
      views = [
        {
          Id: randomUUID(),
          Title: "All Items",
          ViewQuery: "",
          RowLimit: 30,
          DefaultView: true,
          PersonalView: false,
          Hidden: false,
          Paged: true,
          ServerRelativeUrl: `/sites/${site?.path ?? ""}/Lists/${list.name}/AllItems.aspx`,
          // Columns made through Graph are added to the default view: every column, Title as a link.
          ViewFields: ["LinkTitle", ...list.columns.filter((c) => c.name !== "Title" && !c.hidden).map((c) => c.name)],
        },
      ];
      this.views.set(list.id, views);
    }
    return views;
  }

  /** Adds a view as `POST .../views` does (view fields as `addviewfield` adds them). */
  addView(siteId: string, listIdOrName: string, view: { Title: string; ViewQuery?: string; RowLimit?: number; DefaultView?: boolean; PersonalView?: boolean; Paged?: boolean; Hidden?: boolean }, fields: readonly string[] = []): SandboxView {
    const list = this.list(siteId, listIdOrName);
    const views = this.viewsOf(siteId, listIdOrName);
    if (view.ViewQuery) this.checkQuery(view.ViewQuery);
    const site = this.sites().siteAt(this.sitePathOf(siteId));
    const base = `/sites/${site?.path ?? ""}/Lists/${list.name}/`;
    let page = viewPageName(view.Title);
    for (let n = 1; views.some((v) => v.ServerRelativeUrl.toLowerCase() === `${base}${page}`.toLowerCase()); n++) page = viewPageName(`${view.Title}${n}`);
    const created: SandboxView = {
      Id: randomUUID(),
      Title: view.Title,
      ViewQuery: view.ViewQuery ?? "",
      RowLimit: view.RowLimit ?? 30,
      DefaultView: false,
      PersonalView: view.PersonalView ?? false,
      Hidden: view.Hidden ?? false,
      Paged: view.Paged ?? true,
      ServerRelativeUrl: `${base}${page}`,
      ViewFields: [],
    };
    views.push(created);
    if (view.DefaultView) this.makeDefault(views, created);
    for (const f of fields) this.addViewField(siteId, list, created, f);
    return created;
  }

  /** The `CustomFormatter` of a list's column (undefined when it has none). */
  formatterOf(siteId: string, listIdOrName: string, column: string): string | undefined {
    return this.formatters.get(`${this.list(siteId, listIdOrName).id}:${column}`);
  }

  setFormatter(siteId: string, listIdOrName: string, column: string, formatter: string): void {
    const list = this.list(siteId, listIdOrName);
    if (!list.columns.some((c) => c.name === column)) throw noSuchColumn(column, "");
    this.formatters.set(`${list.id}:${column}`, formatter);
  }

  // ---- the REST surface ----

  async handleWeb(request: WebRequest, res: ServerResponse, web: WebContext): Promise<boolean> {
    const m = /^\/sites\/([^/]+)\/_api(\/.*)?$/i.exec(request.url.pathname);
    if (!m) return false;
    const started = { method: request.method, path: `${request.url.pathname}${request.url.search}` };
    const headers = pick(request.headers, ["accept", "content-type", "x-http-method", "if-match", "x-requestdigest"]);
    let body: unknown;
    const verbose = /odata=verbose/i.test(request.headers.accept ?? "");
    const answer = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      web.log({ ...started, status, requestHeaders: headers, ...(body !== undefined ? { requestBody: body } : {}) });
      res.writeHead(status, { ...(payload === undefined ? {} : { "content-type": `application/json;odata=${verbose ? "verbose" : /nometadata/i.test(request.headers.accept ?? "") ? "nometadata" : "minimalmetadata"};streaming=true;charset=utf-8` }), ...extra });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
      return true;
    };
    const error = (e: RestError) => answer(e.status, verbose ? { error: { code: e.code, message: { lang: "en-US", value: e.message } } } : { "odata.error": { code: e.code, message: { lang: "en-US", value: e.message } } });

    const fault = web.fault(request.method, request.url.pathname);
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 4000));
    if (fault && fault.kind !== "slow") {
      if (fault.kind === "reset") {
        web.log({ ...started, status: 0, requestHeaders: headers });
        res.socket?.destroy();
        return true;
      }
      const status = Number(fault.kind) || 500;
      return answer(status, { "odata.error": { code: "-2147024860, Microsoft.SharePoint.SPQueryThrottledException", message: { lang: "en-US", value: `Injected ${fault.kind}.` } } }, fault.kind === "429" || fault.kind === "503" ? { "retry-after": String(fault.retryAfterSeconds ?? 1) } : {});
    }

    // SharePoint's own audience: tokens for the site's host, obtained with a certificate (or a managed identity).
    const origin = this.ctx?.baseUrl ?? `https://${request.headers.host ?? "127.0.0.1"}`;
    const token = web.verifyToken(request.headers.authorization, origin);
    const challenge = { "www-authenticate": `Bearer realm="${this.ctx?.tenantId ?? ""}",client_id="${SHAREPOINT_APP_ID}",trusted_issuers="${SHAREPOINT_APP_ID}@*,https://sts.windows.net/*/",authorization_uri="https://login.windows.net/common/oauth2/authorize"` };
    if (!token.ok) {
      const description = !request.headers.authorization ? "Invalid JWT token. No token was found in the request." : /audience/i.test(token.message) ? `Invalid audience Uri: the token is not for ${origin}.` : "Invalid issuer or signature.";
      return answer(401, { error_description: description }, { ...challenge, "x-ms-diagnostics": `3000003;reason="${description}";category="invalid_client"` });
    }
    if (token.appidacr === "1") return answer(401, { error_description: "Unsupported app only token." }, { ...challenge, "x-ms-diagnostics": '3001000;reason="There has been an error authenticating the request.";category="invalid_client"' });

    try {
      if (!/application\/json/i.test(request.headers.accept ?? "")) {
        throw new RestError(406, "-1, Microsoft.SharePoint.Client.ClientServiceException", "The sandbox answers SharePoint REST in JSON only: send Accept: application/json;odata=nometadata (or minimalmetadata, or verbose).");
      }
      if (request.raw) {
        if (!/application\/json/i.test(request.headers["content-type"] ?? "")) throw badQuery("The request body must be JSON (Content-Type: application/json;odata=verbose or nometadata).");
        try {
          body = JSON.parse(request.raw);
        } catch {
          throw badQuery("Invalid JSON. A token was not recognized in the JSON content.");
        }
      }
      const site = this.sites().siteAt(decodeURIComponent(m[1] as string));
      if (!site) throw new RestError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.");
      const webUrl = `${origin}/sites/${site.path}`;
      const result = this.route(request, parseSegments(m[2] ?? ""), site.id, webUrl, body, token.appId);
      if (result.status === 204) return answer(204);
      return answer(result.status, shape(result.value, result.type, verbose, `${webUrl}/_api`, request.url.searchParams));
    } catch (e) {
      if (e instanceof RestError) return error(e);
      throw e;
    }
  }

  private route(request: WebRequest, segments: Segment[], siteId: string, webUrl: string, body: unknown, appId: string): { status: number; value?: unknown; type?: string } {
    const method = request.method;
    const override = (request.headers["x-http-method"] ?? "").toUpperCase();
    const seg = (i: number) => segments[i]?.name.toLowerCase();
    if (seg(0) !== "web") throw badQuery(`The sandbox's SharePoint REST API serves /_api/web/...; not ${segments.map((s) => s.name).join("/")}.`);
    if (segments.length === 1 && method === "GET") return { status: 200, value: { Title: this.siteTitle(siteId), Url: webUrl, ServerRelativeUrl: new URL(webUrl).pathname, HasUniqueRoleAssignments: true }, type: "SP.Web" };
    const caller = this.appPrincipal(siteId, appId);
    const web = this.web(siteId);
    const expand = new Set((request.url.searchParams.get("$expand") ?? "").split(",").map((x) => x.trim().toLowerCase()));

    // ---- the site's groups, permission levels and role assignments ----
    if (seg(1) === "sitegroups") {
      const groups = web.principals.filter((p) => p.PrincipalType === 8);
      if (segments.length === 2 && method === "GET") return { status: 200, value: groups.map(principalValue), type: "SP.Group" };
      if (segments.length === 2 && method === "POST" && !override) {
        const props = entityBody(request, body, "SP.Group", new Set(["Title", "Description", "OnlyAllowMembersViewMembership", "AllowMembersEditMembership", "AllowRequestToJoinLeave", "AutoAcceptRequestToJoinLeave"]));
        const title = typeof props.Title === "string" ? props.Title.trim() : "";
        if (!title) throw new RestError(400, "-2147024809, System.ArgumentException", "Value does not fall within the expected range.");
        if (web.principals.some((p) => p.Title.toLowerCase() === title.toLowerCase())) {
          throw new RestError(400, "-2130575293, Microsoft.SharePoint.SPException", `The specified name is already in use.\n\nPlease try again with a new name.`);
        }
        const group: SandboxPrincipal = { Id: web.nextId++, Title: title, LoginName: title, PrincipalType: 8, Description: typeof props.Description === "string" ? props.Description : "" };
        web.principals.push(group);
        return { status: 201, value: principalValue(group), type: "SP.Group" };
      }
      if (segments.length === 3 && method === "GET" && (seg(2) === "getbyname" || seg(2) === "getbyid")) {
        const key = segments[2]?.arg ?? "";
        const group = seg(2) === "getbyname" ? groups.find((g) => g.Title.toLowerCase() === key.toLowerCase()) : groups.find((g) => String(g.Id) === key);
        if (!group) throw new RestError(404, "-2146232832, Microsoft.SharePoint.SPException", "Group cannot be found.");
        return { status: 200, value: principalValue(group), type: "SP.Group" };
      }
      throw badQuery(`The sandbox does not serve ${method} ${segments.map((x) => x.name).join("/")}.`);
    }
    if (segments.length === 2 && method === "GET" && ["associatedownergroup", "associatedmembergroup", "associatedvisitorgroup"].includes(seg(1) ?? "")) {
      const id = { associatedownergroup: 3, associatedvisitorgroup: 4, associatedmembergroup: 5 }[seg(1) as "associatedownergroup"];
      return { status: 200, value: principalValue(web.principals.find((p) => p.Id === id)!), type: "SP.Group" };
    }
    if (seg(1) === "roledefinitions" && method === "GET") {
      if (segments.length === 2) return { status: 200, value: ROLE_DEFINITIONS.map(roleValue), type: "SP.RoleDefinition" };
      const key = segments[2]?.arg ?? "";
      const role = seg(2) === "getbytype" ? ROLE_DEFINITIONS.find((r) => String(r.RoleTypeKind) === key) : seg(2) === "getbyname" ? ROLE_DEFINITIONS.find((r) => r.Name.toLowerCase() === key.toLowerCase()) : seg(2) === "getbyid" ? ROLE_DEFINITIONS.find((r) => String(r.Id) === key) : undefined;
      if (!role) throw new RestError(400, "-2146232832, Microsoft.SharePoint.SPException", "Cannot find the permission level.");
      return { status: 200, value: roleValue(role), type: "SP.RoleDefinition" };
    }
    if (seg(1) === "roleassignments" && segments.length === 2 && method === "GET") {
      return { status: 200, value: web.assignments.map((a) => assignmentValue(a, web, expand)), type: "SP.RoleAssignment" };
    }

    if (seg(1) !== "lists" || seg(2) !== "getbytitle" || segments[2]?.arg === undefined) throw badQuery("Address a list as /_api/web/lists/GetByTitle('Title').");
    const title = segments[2].arg;
    const list = this.sites().listsOf(siteId).find((l) => l.displayName.toLowerCase() === title.toLowerCase());
    if (!list) throw notFoundList(title, webUrl);
    const rest = segments.slice(3);
    const r = (i: number) => rest[i]?.name.toLowerCase();

    if (rest.length === 0 && method === "GET") return { status: 200, value: { Id: list.id, Title: list.displayName, Description: list.description, ItemCount: list.itemCount, BaseTemplate: 100, Hidden: false, HasUniqueRoleAssignments: this.listSecurity.has(list.id) }, type: "SP.List" };

    // ---- the list's permissions ----
    if (rest.length === 1 && method === "POST" && r(0) === "breakroleinheritance") {
      const args = namedArgs(rest[0]?.arg, ["copyroleassignments", "clearsubscopes"]);
      if (!this.listSecurity.has(list.id)) {
        // copyRoleAssignments=false: only the caller keeps access, with Full Control (SharePoint's rule for a break).
        const own: RoleAssignment[] = args.copyroleassignments === "true" ? structuredClone(web.assignments) : [];
        addRole(own, caller.Id, FULL_CONTROL);
        this.listSecurity.set(list.id, own);
      }
      return { status: 200, value: null };
    }
    if (rest.length === 1 && method === "POST" && r(0) === "resetroleinheritance") {
      this.listSecurity.delete(list.id);
      return { status: 200, value: null };
    }
    if (r(0) === "roleassignments") {
      const own = this.listSecurity.get(list.id);
      if (rest.length === 1 && method === "GET") return { status: 200, value: (own ?? web.assignments).map((a) => assignmentValue(a, web, expand)), type: "SP.RoleAssignment" };
      if (rest.length === 2 && method === "POST" && (r(1) === "addroleassignment" || r(1) === "removeroleassignment")) {
        const args = namedArgs(rest[1]?.arg, ["principalid", "roledefid"]);
        const principal = web.principals.find((p) => String(p.Id) === args.principalid);
        const role = ROLE_DEFINITIONS.find((x) => String(x.Id) === args.roledefid);
        if (!principal) throw new RestError(400, "-2146232832, Microsoft.SharePoint.SPException", "Can not find the principal with id: " + (args.principalid ?? "") + ".");
        if (!role) throw new RestError(400, "-2146232832, Microsoft.SharePoint.SPException", "Cannot find the permission level.");
        // SharePoint refuses to change the role assignments of an object that inherits them.
        if (!own) throw new RestError(400, "-2146232832, Microsoft.SharePoint.SPException", "This operation is not allowed on an object that inherits permissions.");
        if (r(1) === "addroleassignment") addRole(own, principal.Id, role.Id);
        else removeRole(own, principal.Id, role.Id);
        return { status: 200, value: null };
      }
      throw badQuery(`The sandbox does not serve ${method} .../roleassignments/${rest.slice(1).map((x) => x.name).join("/")}.`);
    }

    if (r(0) === "views") {
      const views = this.viewsOf(siteId, list.id);
      if (rest.length === 1 && rest[0]?.arg === undefined) {
        if (method === "GET") return { status: 200, value: views.map(viewValue), type: "SP.View" };
        if (method === "POST" && !override) {
          const props = entityBody(request, body, "SP.View", VIEW_PROPERTIES);
          if (typeof props.Title !== "string" || !props.Title.trim()) throw new RestError(400, "-2147024809, System.ArgumentException", "Value does not fall within the expected range.");
          const created = this.addView(siteId, list.id, props as { Title: string });
          return { status: 201, value: viewValue(created), type: "SP.View" };
        }
      }
      const view = r(1) === "getbytitle" || r(1) === "getbyid" ? findView(views, rest[1]?.arg ?? "", r(1) === "getbytitle") : rest[0]?.arg !== undefined ? findView(views, rest[0].arg, false) : undefined;
      const after = r(1) === "getbytitle" || r(1) === "getbyid" ? rest.slice(2) : rest.slice(1);
      if (!view) throw noSuchView();
      const a = (i: number) => after[i]?.name.toLowerCase();
      if (after.length === 0) {
        if (method === "GET") return { status: 200, value: viewValue(view), type: "SP.View" };
        if (method === "POST" && override === "MERGE") {
          const props = entityBody(request, body, "SP.View", VIEW_PROPERTIES);
          if (typeof props.ViewQuery === "string") this.checkQuery(props.ViewQuery);
          for (const k of ["Title", "ViewQuery", "RowLimit", "Hidden", "Paged", "PersonalView"] as const) if (props[k] !== undefined) (view as unknown as Record<string, unknown>)[k] = props[k];
          if (props.DefaultView === true) this.makeDefault(views, view);
          return { status: 204 };
        }
        if (method === "POST" && override === "DELETE") {
          if (view.DefaultView) throw new RestError(400, "-2146232832, Microsoft.SharePoint.SPException", "You cannot delete the default view of a list.");
          views.splice(views.indexOf(view), 1);
          return { status: 200, value: null };
        }
        if (method === "POST") throw new RestError(405, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "A view is changed with POST and X-HTTP-Method: MERGE (and IF-MATCH: *), or deleted with X-HTTP-Method: DELETE.");
      }
      if (a(0) === "viewfields") {
        if (after.length === 1 && method === "GET") return { status: 200, value: { Items: [...view.ViewFields], SchemaXml: viewFieldsXml(view) }, type: "SP.ViewFieldCollection" };
        if (method === "POST" && a(1) === "addviewfield" && after[1]?.arg !== undefined) {
          this.addViewField(siteId, this.sites().listsOf(siteId).find((l) => l.id === list.id)!, view, after[1].arg, webUrl);
          return { status: 200, value: null };
        }
        if (method === "POST" && a(1) === "removeviewfield" && after[1]?.arg !== undefined) {
          const i = view.ViewFields.indexOf(after[1].arg);
          if (i >= 0) view.ViewFields.splice(i, 1);
          return { status: 200, value: null };
        }
        if (method === "POST" && a(1) === "removeallviewfields") {
          view.ViewFields.length = 0;
          return { status: 200, value: null };
        }
        if (method === "POST" && a(1) === "moveviewfieldto") {
          const b = (body ?? {}) as { field?: unknown; index?: unknown };
          const from = view.ViewFields.indexOf(String(b.field));
          if (from < 0 || typeof b.index !== "number") throw new RestError(400, "-2147024809, System.ArgumentException", "Value does not fall within the expected range.");
          view.ViewFields.splice(from, 1);
          view.ViewFields.splice(Math.max(0, Math.min(b.index, view.ViewFields.length)), 0, String(b.field));
          return { status: 200, value: null };
        }
      }
      throw badQuery(`The sandbox does not serve ${method} .../views/${after.map((s) => s.name).join("/")}.`);
    }

    if (r(0) === "fields") {
      const field = r(1) === "getbyinternalnameortitle" || r(1) === "getbytitle" ? rest[1]?.arg : undefined;
      if (rest.length === 1 && method === "GET") return { status: 200, value: list.columns.map((c) => fieldValue(c, this.formatters.get(`${list.id}:${c.name}`))), type: "SP.Field" };
      if (field === undefined || rest.length !== 2) throw badQuery("Address a column as .../fields/getbyinternalnameortitle('InternalName').");
      const column = list.columns.find((c) => c.name === field) ?? list.columns.find((c) => c.displayName.toLowerCase() === field.toLowerCase() && r(1) !== "getbyinternalname");
      if (!column) throw noSuchColumn(field, webUrl);
      if (method === "GET") return { status: 200, value: fieldValue(column, this.formatters.get(`${list.id}:${column.name}`)), type: fieldType(column) };
      if (method === "POST" && override === "MERGE") {
        const props = entityBody(request, body, "SP.Field", FIELD_PROPERTIES, fieldType(column));
        if (props.CustomFormatter !== undefined) {
          if (props.CustomFormatter === null || props.CustomFormatter === "") this.formatters.delete(`${list.id}:${column.name}`);
          else if (typeof props.CustomFormatter !== "string") throw badQuery("CustomFormatter is a string: the formatter's JSON, serialised.");
          else {
            try {
              JSON.parse(props.CustomFormatter);
            } catch {
              throw new RestError(400, "-2147024809, System.ArgumentException", "The column formatter is not valid JSON.");
            }
            this.formatters.set(`${list.id}:${column.name}`, props.CustomFormatter);
          }
        }
        return { status: 204 };
      }
      if (method === "POST") throw new RestError(405, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", "A field is changed with POST and X-HTTP-Method: MERGE (and IF-MATCH: *).");
    }
    throw badQuery(`The sandbox does not serve ${method} ${segments.map((s) => s.name).join("/")}.`);
  }

  private addViewField(siteId: string, list: { id: string; columns: SandboxColumn[] }, view: SandboxView, name: string, webUrl = ""): void {
    const known = ["LinkTitle", "LinkTitleNoMenu", "Title", "ID", "Created", "Modified", "Author", "Editor", "Attachments"].includes(name) || list.columns.some((c) => c.name === name);
    if (!known) throw noSuchColumn(name, webUrl || siteId);
    if (!view.ViewFields.includes(name)) view.ViewFields.push(name);
  }

  private makeDefault(views: SandboxView[], view: SandboxView): void {
    for (const v of views) v.DefaultView = v === view;
  }

  private checkQuery(query: string): void {
    try {
      parseViewQuery(query);
    } catch (e) {
      throw new RestError(400, "-2130575305, Microsoft.SharePoint.SPException", `Cannot complete this action. Please try again. (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  private sites(): SitesArea {
    if (!this.ctx) throw new Error("The SharePoint REST area has not started");
    return this.ctx.area<SitesArea>("sites");
  }

  private list(siteId: string, listIdOrName: string) {
    const key = listIdOrName.toLowerCase();
    const list = this.sites().listsOf(siteId).find((l) => l.id === listIdOrName || l.name.toLowerCase() === key || l.displayName.toLowerCase() === key);
    if (!list) throw notFoundList(listIdOrName, "");
    return list;
  }

  private sitePathOf(siteId: string): string {
    return this.sites().siteInfo(siteId).path;
  }

  private siteTitle(siteId: string): string {
    return this.sites().siteInfo(siteId).displayName;
  }
}

/** A principal of a site: a SharePoint group (PrincipalType 8) or a user or app (1). */
export interface SandboxPrincipal {
  Id: number;
  Title: string;
  LoginName: string;
  PrincipalType: 1 | 8;
  Description: string;
}

interface RoleAssignment {
  principalId: number;
  roleIds: number[];
}

interface SandboxWebSecurity {
  principals: SandboxPrincipal[];
  assignments: RoleAssignment[];
  nextId: number;
}

/** SharePoint Online's standard permission levels (`SP.RoleDefinition`: ids and RoleTypeKind as SharePoint has them). */
const FULL_CONTROL = 1073741829;
const EDIT = 1073741830;
const READ = 1073741826;
const ROLE_DEFINITIONS = [
  { Id: FULL_CONTROL, Name: "Full Control", RoleTypeKind: 5, Hidden: false, Order: 1 },
  { Id: 1073741828, Name: "Design", RoleTypeKind: 4, Hidden: false, Order: 32 },
  { Id: EDIT, Name: "Edit", RoleTypeKind: 6, Hidden: false, Order: 48 },
  { Id: 1073741827, Name: "Contribute", RoleTypeKind: 3, Hidden: false, Order: 64 },
  { Id: READ, Name: "Read", RoleTypeKind: 2, Hidden: false, Order: 128 },
  { Id: 1073741825, Name: "Limited Access", RoleTypeKind: 1, Hidden: true, Order: 160 },
] as const;

function roleValue(r: (typeof ROLE_DEFINITIONS)[number]): Record<string, unknown> {
  return { Id: r.Id, Name: r.Name, RoleTypeKind: r.RoleTypeKind, Hidden: r.Hidden, Order: r.Order, Description: "" };
}

function principalValue(p: SandboxPrincipal): Record<string, unknown> {
  return { Id: p.Id, Title: p.Title, LoginName: p.LoginName, PrincipalType: p.PrincipalType, Description: p.Description };
}

function assignmentValue(a: RoleAssignment, web: SandboxWebSecurity, expand: ReadonlySet<string>): Record<string, unknown> {
  const member = web.principals.find((p) => p.Id === a.principalId);
  return {
    PrincipalId: a.principalId,
    ...(expand.has("member") && member ? { Member: principalValue(member) } : {}),
    ...(expand.has("roledefinitionbindings") ? { RoleDefinitionBindings: a.roleIds.map((id) => ROLE_DEFINITIONS.find((r) => r.Id === id)).filter((r) => r !== undefined).map(roleValue) } : {}),
  };
}

function addRole(assignments: RoleAssignment[], principalId: number, roleId: number): void {
  const a = assignments.find((x) => x.principalId === principalId);
  if (!a) assignments.push({ principalId, roleIds: [roleId] });
  else if (!a.roleIds.includes(roleId)) a.roleIds.push(roleId);
}

function removeRole(assignments: RoleAssignment[], principalId: number, roleId: number): void {
  const i = assignments.findIndex((x) => x.principalId === principalId);
  if (i < 0) return;
  const a = assignments[i] as RoleAssignment;
  a.roleIds = a.roleIds.filter((r) => r !== roleId);
  if (a.roleIds.length === 0) assignments.splice(i, 1);
}

/** `copyRoleAssignments=false,clearSubscopes=true` → { copyroleassignments: "false", clearsubscopes: "true" }; every name required. */
function namedArgs(arg: string | undefined, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (arg ?? "").split(",")) {
    const [k, v] = part.split("=").map((x) => x.trim());
    if (k && v !== undefined) out[k.toLowerCase()] = v.toLowerCase();
  }
  for (const n of names) if (out[n] === undefined) throw badQuery(`The parameter ${n} is missing: name each one, e.g. (${names.map((x) => `${x}=…`).join(",")}).`);
  return out;
}

function viewValue(v: SandboxView): Record<string, unknown> {
  return { Id: v.Id, Title: v.Title, ViewQuery: v.ViewQuery, RowLimit: v.RowLimit, DefaultView: v.DefaultView, PersonalView: v.PersonalView, Hidden: v.Hidden, Paged: v.Paged, ServerRelativeUrl: v.ServerRelativeUrl, ViewFields: { Items: [...v.ViewFields], SchemaXml: viewFieldsXml(v) } };
}

function viewFieldsXml(v: SandboxView): string {
  return `<FieldRefs>${v.ViewFields.map((f) => `<FieldRef Name="${f}" />`).join("")}</FieldRefs>`;
}

function fieldType(c: SandboxColumn): string {
  if (c.choice) return c.choice.displayAs === "checkBoxes" ? "SP.FieldMultiChoice" : "SP.FieldChoice";
  if (c.dateTime) return "SP.FieldDateTime";
  if (c.number) return "SP.FieldNumber";
  if (c.boolean) return "SP.Field";
  if (c.text?.allowMultipleLines) return "SP.FieldMultiLineText";
  return "SP.FieldText";
}

function fieldValue(c: SandboxColumn, formatter: string | undefined): Record<string, unknown> {
  const typeAsString = c.choice ? (c.choice.displayAs === "checkBoxes" ? "MultiChoice" : "Choice") : c.dateTime ? "DateTime" : c.number ? "Number" : c.boolean ? "Boolean" : c.text?.allowMultipleLines ? "Note" : "Text";
  return { Id: c.id, InternalName: c.name, StaticName: c.name, Title: c.displayName, TypeAsString: typeAsString, Hidden: c.hidden ?? false, Indexed: c.indexed ?? false, Required: c.required ?? false, CustomFormatter: formatter ?? null, ...(c.choice ? { Choices: [...c.choice.choices] } : {}) };
}

function findView(views: SandboxView[], key: string, byTitle: boolean): SandboxView | undefined {
  const id = key.replace(/^guid'|'$/g, "").replace(/^\{|\}$/g, "").toLowerCase();
  return byTitle ? views.find((v) => v.Title === key) : views.find((v) => v.Id.toLowerCase() === id);
}

/**
 * A write's body: with `Content-Type: ...odata=verbose` it must name its type in `__metadata`, as SharePoint
 * requires; a property the type does not have is refused with SharePoint's words.
 */
function entityBody(request: WebRequest, body: unknown, type: string, allowed: ReadonlySet<string>, exactType?: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badQuery("The request body must be a JSON object with the properties to set.");
  const props = { ...(body as Record<string, unknown>) };
  const metadata = props.__metadata as { type?: unknown } | undefined;
  delete props.__metadata;
  if (/odata=verbose/i.test(request.headers["content-type"] ?? "")) {
    const named = typeof metadata?.type === "string" ? metadata.type : undefined;
    if (!named) throw badQuery(`A body sent as odata=verbose names its entity type: "__metadata": { "type": "${exactType ?? type}" }.`);
    if (named !== type && named !== exactType) throw badQuery(`A type named '${named}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
  }
  for (const k of Object.keys(props)) {
    if (!allowed.has(k)) throw badQuery(`The property '${k}' does not exist on type '${exactType ?? type}'. Make sure to only use property names that are defined by the type.`);
  }
  return props;
}

/** The answer in the shape the Accept header asked for: bare (nometadata), with odata annotations, or verbose `d`. */
function shape(value: unknown, type: string | undefined, verbose: boolean, api: string, query: URLSearchParams): unknown {
  const select = (query.get("$select") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const expand = new Set((query.get("$expand") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
  const trim = (o: unknown): unknown => {
    if (typeof o !== "object" || o === null) return o;
    const entry = o as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (k === "ViewFields" && !expand.has("viewfields")) continue;
      if (select.length && !select.includes(k) && !(k === "ViewFields" && expand.has("viewfields"))) continue;
      out[k] = v;
    }
    return out;
  };
  if (value === null || value === undefined) return verbose ? { d: { [type ?? "result"]: null } } : { "odata.null": true };
  if (Array.isArray(value)) {
    const items = value.map(trim);
    return verbose ? { d: { results: items.map((i) => ({ __metadata: { type }, ...(i as object) })) } } : { value: items };
  }
  const one = trim(value) as Record<string, unknown>;
  if (verbose) {
    if (one.ViewFields) one.ViewFields = { __metadata: { type: "SP.ViewFieldCollection" }, Items: { __metadata: { type: "Collection(Edm.String)" }, results: (one.ViewFields as { Items: string[] }).Items }, SchemaXml: (one.ViewFields as { SchemaXml: string }).SchemaXml };
    return { d: { __metadata: { id: api, uri: api, type }, ...one } };
  }
  return one;
}

/** `web/lists/GetByTitle('A/B')/views('x')` → segments, quotes respected ('' is a quote inside a string). */
export function parseSegments(path: string): Segment[] {
  const out: Segment[] = [];
  const s = safeDecode(path).replace(/^\/+/, "");
  let i = 0;
  while (i < s.length) {
    let name = "";
    while (i < s.length && s[i] !== "/" && s[i] !== "(") name += s[i++];
    let arg: string | undefined;
    if (s[i] === "(") {
      i++;
      let raw = "";
      let quoted = false;
      while (i < s.length) {
        const ch = s[i] as string;
        if (ch === "'") {
          if (quoted && s[i + 1] === "'") {
            raw += "'";
            i += 2;
            continue;
          }
          // guid'…' : the unquoted "guid" before the quote is a type prefix, not part of the value.
          if (!quoted && raw.toLowerCase() === "guid") raw = "";
          quoted = !quoted;
          i++;
          continue;
        }
        if (ch === ")" && !quoted) break;
        raw += ch;
        i++;
      }
      i++; // ")"
      arg = raw;
    }
    if (name) out.push({ name, arg });
    while (s[i] === "/") i++;
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function pick(h: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (h[n] !== undefined) out[n] = h[n] as string;
  return out;
}
