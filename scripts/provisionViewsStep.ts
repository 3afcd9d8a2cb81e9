import type { TokenCredential } from "@azure/identity";
import { graphCredential } from "../src/m365/graph/graphClient";
import type { SharePointSite } from "../src/m365/sharepoint/site";
import { sharePointCredential, sharePointRest } from "../src/m365/sharepoint/sharePointRest";
import { columnFormatting, listViews } from "../src/domain/lists/views";
import { schoolCalendarFor, shippedCalendars } from "../src/domain/calendar";
import { provisionViews } from "../src/workflows/provisioning/provisionViews";

interface Settings {
  GRAPH_BASE_URL: string;
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET?: string | undefined;
  AZURE_CLIENT_CERTIFICATE_PATH?: string | undefined;
  PARTNERSHIP_CALENDAR: string;
}

/**
 * `npm run provision`'s views-and-formatting step: SharePoint's REST API at the site's own address (its webUrl from
 * Graph), with a certificate credential — which then serves Graph too — or, with neither a certificate nor a
 * secret, the managed identity. A client secret alone cannot do it (SharePoint refuses those app-only tokens): the
 * step says so and the run fails unless `--skip-views`.
 */
export function provisionViewsStep(settings: Settings): {
  credential: TokenCredential;
  run(site: SharePointSite, o: { dryRun: boolean; skip: boolean; out: (line?: string) => void }): Promise<boolean>;
} {
  const forSharePoint = sharePointCredential(settings, { managedIdentity: !settings.AZURE_CLIENT_SECRET });
  const credential = settings.AZURE_CLIENT_CERTIFICATE_PATH && forSharePoint ? forSharePoint : graphCredential(settings);
  return {
    credential,
    async run(site, { dryRun, skip, out }) {
      out();
      if (skip) {
        out("Views and formatting — skipped (--skip-views).");
        return true;
      }
      if (!forSharePoint) {
        out("Views and formatting — not provisioned: SharePoint's REST API refuses app-only tokens obtained with a client secret.");
        out("  Give the provisioning app a certificate and set AZURE_CLIENT_CERTIFICATE_PATH to its PEM (certificate and private key),");
        out("  or run provisioning as the managed identity; --skip-views provisions the lists alone.");
        return false;
      }
      const partnership = shippedCalendars[settings.PARTNERSHIP_CALENDAR];
      if (!partnership) {
        out(`Views and formatting — stopped: PARTNERSHIP_CALENDAR "${settings.PARTNERSHIP_CALENDAR}" is not a shipped calendar (${Object.keys(shippedCalendars).join(", ")}).`);
        return false;
      }
      try {
        const report = await provisionViews(sharePointRest(await site.webUrl(), forSharePoint), listViews, columnFormatting(schoolCalendarFor(partnership)), { dryRun });
        out(report.changed.length ? `Views and formatting — ${dryRun ? "would change" : "changed"}:` : "Views and formatting — nothing to change: every view and formatted column is in place.");
        for (const c of report.changed) out(`  ${c}`);
        for (const p of report.problems) out(`  ✗ ${p}`);
        return report.problems.length === 0;
      } catch (e) {
        out(`Views and formatting — stopped: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    },
  };
}
