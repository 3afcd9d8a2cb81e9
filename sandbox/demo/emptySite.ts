import type { GraphArea, SandboxContext } from "../graph/routing";
import type { MailArea } from "../graph/areas/mail";
import type { SitesArea } from "../graph/areas/sites";
import { demoSite, demoStaff } from "./demoTenant";

/**
 * Seeds the sandbox with the demo partnership's site and mailboxes but NO lists: what an administrator has before
 * provisioning (a new SharePoint site). `npm run provision` against it creates every list; run again, it changes
 * nothing.
 *
 * @example
 * await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedEmptySite });
 */
export function seedEmptySite(_ctx: SandboxContext, areas: readonly GraphArea[]): void {
  const sites = areas.find((a) => a.name === "sites") as SitesArea;
  const mail = areas.find((a) => a.name === "mail") as MailArea | undefined;
  sites.createSite(demoSite.hostname, demoSite.path, demoSite.displayName);
  mail?.addMailbox(demoStaff.partnership, "Lakeside North Inclusion Partnership");
}
