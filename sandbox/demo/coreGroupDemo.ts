import type { GraphSandbox } from "../graph/server";
import type { SitesArea } from "../graph/areas/sites";
import { demoSite, demoStaff } from "./demoTenant";
import { submitThroughReferralInbox } from "./referralInboxFlow";
import demoForumDiscussion from "./forumDiscussion.json";
import demoReferral from "./referral.json";

/**
 * The demo `npm start` sets up so a person sees the Core Group at work, through the app's real entry points only
 * (each Forms response by the standard route: the Power Automate flow leaves it in the Referral inbox list and the
 * app takes it through the intake; in a strict tenant the app finds it by polling, within a minute or so):
 * Oakfield Academy asks for an anonymous Inclusion Forum discussion of a pupil (no consent yet, so no identity:
 * case LNCIP-2026-0001) and the Coordinator puts it on the next forum ("Awaiting Inclusion Forum" in the Cases list);
 * with the parents' consent the school then sends its Partnership referral, giving LNCIP-2026-0001 as the pupil's
 * Inclusion Forum case (a new, named case: LNCIP-2026-0002), and the Coordinator takes it through triage to "Ready
 * for Core Group". No Teams channel is chosen yet, so the app keeps the case's card; when the person, in the Agents
 * Playground's General channel, types "use this channel for Core Group", the bot posts it there. The Playground's
 * user (Alex Wilber, user-id-0) is, on the demo panel, the Head of Oakfield Academy, who chairs.
 *
 * @example
 * const caseRef = await primeCoreGroupDemo({ appUrl, functionKey, graph }); // "LNCIP-2026-0002"
 */
export async function primeCoreGroupDemo(o: { appUrl: string; functionKey: string; graph: GraphSandbox }): Promise<string> {
  const demo = demoSteps(o);
  const forumCase = await demo.submitThroughInbox(demoForumDiscussion);
  await demo.editCase(forumCase, { Status: "Awaiting Inclusion Forum" }, "the forum discussion to be put on the next forum", undefined, 150_000);
  // The referral names the forum's case, which must be on a forum's agenda by then: the agenda is the transition's
  // effect, carried out just after the status is recorded.
  await demo.waitFor("the forum discussion on a forum's agenda", () => !!demo.caseFields(forumCase)?.MeetingId, 150_000);
  const caseRef = await demo.submitThroughInbox({ ...demoReferral, answers: { ...demoReferral.answers, previousInclusionForumCase: forumCase } });
  await demo.editCase(caseRef, { Status: "In triage" }, "triage", undefined, 150_000);
  await demo.editCase(caseRef, { Status: "Ready for Core Group" }, "Ready for Core Group", undefined, 150_000);
  return caseRef;
}

/** What the demos do through the app's entry points: a Forms submission, a person's edit in a list, and waiting. */
export interface DemoSteps {
  /** Posts a Forms response to the intake, as the Power Automate flow does; the case reference it answers. */
  submit(envelope: { responseId: string; answers: Record<string, string> } & Record<string, unknown>): Promise<string>;
  /** Leaves a Forms response in the Referral inbox list, as the standard-licence flow does; the case it became. */
  submitThroughInbox(envelope: { responseId: string; submittedAt: string; responder: string; answers: Record<string, string> }): Promise<string>;
  /** A case's item, as SharePoint holds it. */
  caseFields(caseRef: string): Record<string, unknown> | undefined;
  /** Edits a case's item as a member of staff (the Coordinator unless told), then waits for the app to act on it. */
  editCase(caseRef: string, fields: Record<string, unknown>, what: string, by?: string, timeoutMs?: number): Promise<void>;
  /** Edits any item as a member of staff (the local tenant's edit form does the same). */
  edit(list: string, itemId: string, fields: Record<string, unknown>, by?: string): void;
  /** Adds an item as a member of staff. */
  add(list: string, fields: Record<string, unknown>, by?: string): string;
  items(list: string): { id: string; fields: Record<string, unknown> }[];
  waitFor<T>(what: string, done: () => T | undefined | false, timeoutMs?: number): Promise<T>;
}

/**
 * The demo's hands: the Forms intake over HTTP, and a person's edits in the sandbox's SharePoint lists (each saved
 * as that person, so the app sees who did it, as it does in a tenant).
 *
 * @example
 * const demo = demoSteps({ appUrl, functionKey, graph });
 * await demo.editCase("LNCIP-2026-0001", { Status: "In triage" }, "triage");
 */
export function demoSteps(o: { appUrl: string; functionKey: string; graph: GraphSandbox }): DemoSteps {
  const sites = o.graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const items = (list: string) => sites.items(siteId, list);
  const caseItem = (caseRef: string) => items("Cases").find((i) => i.fields.Title === caseRef);
  const waitFor = async <T>(what: string, done: () => T | undefined | false, timeoutMs = 60_000): Promise<T> => {
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 200))) {
      const value = done();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`The demo waited too long for ${what}`);
    }
  };
  return {
    async submit(envelope) {
      const res = await fetch(`${o.appUrl}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": o.functionKey }, body: JSON.stringify(envelope) });
      if (!res.ok) throw new Error(`The demo's Forms response ${envelope.responseId} was not accepted: HTTP ${res.status} ${await res.text()}`);
      const { caseRef } = (await res.json()) as { caseRef: string };
      await waitFor(`case ${caseRef} to be written`, () => caseItem(caseRef));
      return caseRef;
    },
    async submitThroughInbox(envelope) {
      submitThroughReferralInbox(o.graph, envelope);
      const item = await waitFor(`the Forms response ${envelope.responseId} to be taken from the Referral inbox`, () => items("Cases").find((i) => i.fields.ResponseId === envelope.responseId), 150_000);
      return String(item.fields.Title);
    },
    caseFields: (caseRef) => caseItem(caseRef)?.fields,
    async editCase(caseRef, fields, what, by = demoStaff.coordinator, timeoutMs) {
      const item = await waitFor(`case ${caseRef}`, () => caseItem(caseRef), timeoutMs);
      const version = Number(item.fields.WorkflowVersion ?? 0);
      sites.patchAsPerson(siteId, "Cases", item.id, fields, by);
      await waitFor(what, () => Number(caseItem(caseRef)?.fields.WorkflowVersion ?? 0) > version, timeoutMs);
    },
    edit: (list, itemId, fields, by = demoStaff.coordinator) => sites.patchAsPerson(siteId, list, itemId, fields, by),
    add: (list, fields, by = demoStaff.coordinator) => sites.addItem(siteId, list, fields, by),
    items,
    waitFor,
  };
}
