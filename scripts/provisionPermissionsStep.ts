import type { SharePointSite } from "../src/m365/sharepoint/site";
import { sharePointCredential, sharePointRest } from "../src/m365/sharepoint/sharePointRest";
import { listDefinitions } from "../src/domain/lists/lists";
import { checkListPermissions, provisionListPermissions } from "../src/workflows/provisioning/listPermissions";

interface Settings {
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET?: string | undefined;
  AZURE_CLIENT_CERTIFICATE_PATH?: string | undefined;
}

/** The SharePoint group of the partnership's staff unless `--staff-group` names another. */
export const DEFAULT_STAFF_GROUP = "Partnership staff";

/**
 * `npm run provision`'s permissions step: every list the app keeps gets its own permissions — the staff group
 * Contribute, the site's owners Full Control, nobody else — then each list is checked, and a list whose permissions
 * are broader than that is reported (the run then fails). With --dry-run nothing is written: the run is the check. SharePoint's REST API, with the credential the views step
 * uses (a certificate or the managed identity; a client secret's app-only token is refused).
 */
export async function runPermissionsStep(settings: Settings, site: SharePointSite, o: { dryRun: boolean; skip: boolean; staffGroup: string; out: (line?: string) => void }): Promise<boolean> {
  const { out } = o;
  out();
  if (o.skip) {
    out("Site permissions — skipped (--skip-permissions).");
    return true;
  }
  const credential = sharePointCredential(settings, { managedIdentity: !settings.AZURE_CLIENT_SECRET });
  if (!credential) {
    out("Site permissions — not set: SharePoint's REST API refuses app-only tokens obtained with a client secret (AZURE_CLIENT_CERTIFICATE_PATH, or the managed identity).");
    return false;
  }
  const lists = listDefinitions.map((d) => d.displayName);
  try {
    const rest = sharePointRest(await site.webUrl(), credential);
    const report = await provisionListPermissions(rest, lists, { staffGroup: o.staffGroup, appClientId: settings.AZURE_CLIENT_ID, dryRun: o.dryRun });
    out(report.changed.length ? `Site permissions — ${o.dryRun ? "would change" : "changed"}:` : `Site permissions — nothing to change: every list is for "${o.staffGroup}" only.`);
    for (const c of report.changed) out(`  ${c}`);
    for (const p of report.problems) out(`  ✗ ${p}`);
    const findings = await checkListPermissions(rest, lists, { staffGroup: o.staffGroup, appClientId: settings.AZURE_CLIENT_ID });
    const broader = findings.filter((f) => f.broader.length);
    out(broader.length ? "Site permissions — broader than partnership staff only:" : `Site permissions — checked: every list is read and changed by "${o.staffGroup}" only (and administered by the site's owners).`);
    for (const f of broader) for (const b of f.broader) out(`  ✗ ${f.list}: ${b}`);
    return report.problems.length === 0 && broader.length === 0;
  } catch (e) {
    out(`Site permissions — stopped: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}
