import type { GraphSandbox } from "../graph/server";
import type { SitesArea } from "../graph/areas/sites";
import { demoSite } from "./demoTenant";
import demoReferral from "./referral.json";

/**
 * The demo `npm start` sets up so a person sees the Core Group at work: the demo school's referral comes in through
 * the Forms intake and a coordinator moves it to "Ready for Core Group" in the Cases list, through the app's real
 * entry points. No Teams channel is chosen yet, so the app keeps the case's card; when the person, in the Agents
 * Playground's General channel, types "use this channel for Core Group", the bot posts it there (the Playground's
 * page shows only what arrives while it is open). Alex Wilber, the Playground's user, is a panel member and chairs.
 *
 * @example
 * const caseRef = await primeCoreGroupDemo({ appUrl, functionKey, graph }); // "LNCIP-2026-0001"
 */
export async function primeCoreGroupDemo(o: { appUrl: string; functionKey: string; graph: GraphSandbox }): Promise<string> {
  const res = await fetch(`${o.appUrl}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": o.functionKey }, body: JSON.stringify(demoReferral) });
  if (!res.ok) throw new Error(`The demo referral was not accepted: HTTP ${res.status} ${await res.text()}`);
  const { caseRef } = (await res.json()) as { caseRef: string };

  const sites = o.graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const item = () => sites.items(siteId, "Cases").find((i) => i.fields.Title === caseRef);
  const until = async (what: string, done: () => boolean) => {
    for (const deadline = Date.now() + 60_000; !done(); await new Promise((r) => setTimeout(r, 200))) if (Date.now() > deadline) throw new Error(`The demo waited too long for ${what}`);
  };
  await until("the demo case to be written", () => !!item());
  sites.patchAsPerson(siteId, "Cases", item()!.id, { Status: "In triage" });
  await until("triage", () => item()?.fields.WorkflowVersion === 1);
  sites.patchAsPerson(siteId, "Cases", item()!.id, { Status: "Ready for Core Group" });
  await until("Ready for Core Group", () => item()?.fields.WorkflowVersion === 2);
  return caseRef;
}
