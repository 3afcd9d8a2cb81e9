import { odataString, SharePointRestError, type SharePointRest } from "../../m365/sharepoint/sharePointRest";

/**
 * Least privilege on the partnership's site: the lists the app keeps (every one holds pupil data, or the roles and
 * addresses that decide who is told what) are read and changed by partnership staff only — a SharePoint group of the
 * site — and administered by the site's owners. Panel members see cards in Teams, never these lists; schools get
 * emails. A team site's members (everyone in the team, panel members included) lose the Edit they would inherit.
 *
 * Through SharePoint's REST API (Graph cannot set permissions on a list):
 * - `GET /_api/web/sitegroups/getbyname('…')`, or `POST /_api/web/sitegroups` (`SP.Group`) to create the staff group;
 * - `GET /_api/web/associatedownergroup`; `GET /_api/web/roledefinitions` (Contribute: RoleTypeKind 3; Full Control: 5);
 * - per list: `GET …/lists/GetByTitle('…')?$select=HasUniqueRoleAssignments`,
 *   `GET …/roleassignments?$expand=Member,RoleDefinitionBindings`,
 *   `POST …/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)` (only the caller — the app — keeps access),
 *   `POST …/roleassignments/addroleassignment(principalid=…,roledefid=…)` and `…/removeroleassignment(…)`.
 */
export interface ListPermissionsOptions {
  /** The SharePoint group of the partnership's staff (created when missing). */
  staffGroup: string;
  /** The app's client id: its own principal (added by SharePoint when it breaks inheritance) may stay. */
  appClientId: string;
  dryRun?: boolean;
}

export interface ListPermissionsReport {
  changed: string[];
  problems: string[];
}

/** What a list's permissions are broader than "partnership staff only" by, in words (empty: as it should be). */
export interface ListPermissionFinding {
  list: string;
  broader: string[];
}

interface Principal {
  Id: number;
  Title: string;
  LoginName: string;
  PrincipalType: number;
}
interface RoleDefinition {
  Id: number;
  Name: string;
  RoleTypeKind: number;
}
interface Assignment {
  PrincipalId: number;
  Member?: Principal;
  RoleDefinitionBindings?: RoleDefinition[];
}

const CONTRIBUTE = 3;
const FULL_CONTROL = 5;
const list = (title: string) => `/_api/web/lists/GetByTitle(${odataString(title)})`;

/**
 * Gives each list its own permissions: the staff group Contribute, the site's owners Full Control, nobody else (the
 * app's own principal aside). Creates the staff group if the site has none. A second run changes nothing. A list
 * missing or refused is reported and the others carry on.
 *
 * @example
 * const report = await provisionListPermissions(rest, ["Cases", "Schools"], { staffGroup: "Partnership staff", appClientId });
 * report.changed // ['created the SharePoint group "Partnership staff" …', 'Cases: its own permissions now (no longer the site\'s) …', …]
 */
export async function provisionListPermissions(rest: SharePointRest, lists: readonly string[], options: ListPermissionsOptions): Promise<ListPermissionsReport> {
  const changed: string[] = [];
  const problems: string[] = [];
  const write = async (path: string, body?: Record<string, unknown>) => (options.dryRun ? undefined : rest.post(path, body));

  let staff = await findGroup(rest, options.staffGroup);
  if (!staff) {
    changed.push(`created the SharePoint group "${options.staffGroup}": add the Director, the partnership SENCO and the Coordinators to it (docs/deploying-to-a-tenant.md)`);
    if (!options.dryRun) staff = await rest.post<Principal>("/_api/web/sitegroups", { __metadata: { type: "SP.Group" }, Title: options.staffGroup, Description: "Partnership staff: the only people who read and change the Inclusion Flow lists." });
  }
  const owners = await rest.get<Principal>("/_api/web/associatedownergroup");
  const roles = (await rest.get<{ value: RoleDefinition[] }>("/_api/web/roledefinitions")).value;
  const contribute = roles.find((r) => r.RoleTypeKind === CONTRIBUTE);
  const fullControl = roles.find((r) => r.RoleTypeKind === FULL_CONTROL);
  if (!contribute || !fullControl) throw new Error("The site has no Contribute or Full Control permission level.");

  for (const title of lists) {
    try {
      const look = await lookAt(rest, title);
      if (!look.unique) {
        changed.push(`${title}: its own permissions now (no longer the site's, which give the team's members Edit)`);
        await write(`${list(title)}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`);
      }
      // After a break only the caller (the app) holds a role: the assignments to keep are the staff's and the owners'.
      const current = look.unique ? look.assignments : [];
      const holds = (principalId: number | undefined, roleId: number) => current.some((a) => a.PrincipalId === principalId && (a.RoleDefinitionBindings ?? []).some((r) => r.Id === roleId));
      const wanted: [Principal | undefined, RoleDefinition, string][] = [
        [staff, contribute, `the staff group "${options.staffGroup}" may read and change it (Contribute)`],
        [owners, fullControl, `the site's owners administer it (Full Control)`],
      ];
      for (const [principal, role, words] of wanted) {
        if (holds(principal?.Id, role.Id)) continue;
        changed.push(`${title}: ${words}`);
        if (principal) await write(`${list(title)}/roleassignments/addroleassignment(principalid=${principal.Id},roledefid=${role.Id})`);
      }
      for (const a of current) {
        for (const role of a.RoleDefinitionBindings ?? []) {
          if (allowed(a, role, { staff, owners, appClientId: options.appClientId, contribute, fullControl })) continue;
          changed.push(`${title}: ${a.Member?.Title ?? `principal ${a.PrincipalId}`} no longer has ${role.Name} (only partnership staff may)`);
          await write(`${list(title)}/roleassignments/removeroleassignment(principalid=${a.PrincipalId},roledefid=${role.Id})`);
        }
      }
    } catch (e) {
      problems.push(`${title}: ${e instanceof SharePointRestError ? `${e.message} (HTTP ${e.status})` : e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { changed, problems };
}

/**
 * Reports each list whose permissions are broader than partnership staff only: one that inherits the site's (a team
 * site's members have Edit), or one that gives anyone but the staff group, the site's owners and the app a role.
 *
 * @example
 * await checkListPermissions(rest, ["Cases"], { staffGroup: "Partnership staff", appClientId })
 * // [{ list: "Cases", broader: ['inherits the site\'s permissions: everyone in the team can open it …'] }]
 */
export async function checkListPermissions(rest: SharePointRest, lists: readonly string[], options: Omit<ListPermissionsOptions, "dryRun">): Promise<ListPermissionFinding[]> {
  const staff = await findGroup(rest, options.staffGroup);
  const owners = await rest.get<Principal>("/_api/web/associatedownergroup");
  const roles = (await rest.get<{ value: RoleDefinition[] }>("/_api/web/roledefinitions")).value;
  const contribute = roles.find((r) => r.RoleTypeKind === CONTRIBUTE);
  const fullControl = roles.find((r) => r.RoleTypeKind === FULL_CONTROL);
  const findings: ListPermissionFinding[] = [];
  for (const title of lists) {
    const broader: string[] = [];
    try {
      const look = await lookAt(rest, title);
      if (!look.unique) broader.push("inherits the site's permissions: everyone with access to the site (a team site's members: the whole team) can open it");
      for (const a of look.assignments) {
        for (const role of a.RoleDefinitionBindings ?? []) {
          if (look.unique && allowed(a, role, { staff, owners, appClientId: options.appClientId, contribute, fullControl })) continue;
          if (!look.unique && a.PrincipalId === owners.Id) continue;
          broader.push(`${a.Member?.Title ?? `principal ${a.PrincipalId}`} has ${role.Name}`);
        }
      }
      if (!staff) broader.push(`the site has no "${options.staffGroup}" group: run npm run provision`);
    } catch (e) {
      broader.push(`its permissions could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    findings.push({ list: title, broader });
  }
  return findings;
}

async function findGroup(rest: SharePointRest, title: string): Promise<Principal | undefined> {
  try {
    return await rest.get<Principal>(`/_api/web/sitegroups/getbyname(${odataString(title)})`);
  } catch (e) {
    if (e instanceof SharePointRestError && e.status === 404) return undefined;
    throw e;
  }
}

async function lookAt(rest: SharePointRest, title: string): Promise<{ unique: boolean; assignments: Assignment[] }> {
  const info = await rest.get<{ HasUniqueRoleAssignments?: boolean }>(`${list(title)}?$select=HasUniqueRoleAssignments`);
  const assignments = (await rest.get<{ value: Assignment[] }>(`${list(title)}/roleassignments?$expand=Member,RoleDefinitionBindings`)).value;
  return { unique: info.HasUniqueRoleAssignments === true, assignments };
}

/** The staff group with Contribute (or less), the owners with Full Control, the app itself: nobody else. */
function allowed(a: Assignment, role: RoleDefinition, who: { staff: Principal | undefined; owners: Principal; appClientId: string; contribute: RoleDefinition | undefined; fullControl: RoleDefinition | undefined }): boolean {
  if (who.staff && a.PrincipalId === who.staff.Id) return role.Id === who.contribute?.Id || role.RoleTypeKind === 2;
  if (a.PrincipalId === who.owners.Id) return role.Id === who.fullControl?.Id;
  const login = (a.Member?.LoginName ?? "").toLowerCase();
  return login.includes(`|${who.appClientId.toLowerCase()}@`) || login.endsWith(`|${who.appClientId.toLowerCase()}`);
}
