import type { GraphSandbox } from "../graph/server";
import type { SitesArea } from "../graph/areas/sites";
import { demoSite } from "./demoTenant";
import { submitThroughReferralInbox } from "./referralInboxFlow";
import demoReferral from "./referral.json";

/**
 * The demo `npm start` sets up so a person sees the Core Group at work: the demo school's referral comes in by the
 * standard route (the Power Automate flow leaves it in the Referral inbox list; the app takes it through the intake)
 * and a coordinator moves it to "Ready for Core Group" in the Cases list, through the app's real entry points. In a
 * strict tenant (GRAPH_SANDBOX_TENANT=strict) the app finds both by polling, within a minute or so. No Teams channel is chosen yet, so the app keeps the case's card; when the person, in the Agents
 * Playground's General channel, types "use this channel for Core Group", the bot posts it there (the Playground's
 * page shows only what arrives while it is open). Alex Wilber, the Playground's user, is a panel member and chairs.
 *
 * @example
 * const caseRef = await primeCoreGroupDemo({ appUrl, functionKey, graph }); // "LNCIP-2026-0001"
 */
export async function primeCoreGroupDemo(o: { appUrl: string; functionKey: string; graph: GraphSandbox }): Promise<string> {
  const sites = o.graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const until = async (what: string, done: () => boolean) => {
    for (const deadline = Date.now() + 150_000; !done(); await new Promise((r) => setTimeout(r, 200))) if (Date.now() > deadline) throw new Error(`The demo waited too long for ${what}`);
  };
  submitThroughReferralInbox(o.graph, demoReferral);
  await until("the demo case to be written", () => sites.items(siteId, "Cases").some((i) => i.fields.ResponseId === demoReferral.responseId));
  const caseRef = String(sites.items(siteId, "Cases").find((i) => i.fields.ResponseId === demoReferral.responseId)!.fields.Title);
  const item = () => sites.items(siteId, "Cases").find((i) => i.fields.Title === caseRef);
  sites.patchAsPerson(siteId, "Cases", item()!.id, { Status: "In triage" });
  await until("triage", () => item()?.fields.WorkflowVersion === 1);
  sites.patchAsPerson(siteId, "Cases", item()!.id, { Status: "Ready for Core Group" });
  await until("Ready for Core Group", () => item()?.fields.WorkflowVersion === 2);
  return caseRef;
}
