import type { GraphSandbox } from "../graph/server";
import type { SitesArea } from "../graph/areas/sites";
import { referralInboxList, toListFields } from "../../src/domain/lists";
import { demoSite } from "./demoTenant";

/** The account the standard-licence Power Automate flow's SharePoint connection runs as, in the demo tenant. */
export const formsFlowAccount = "forms-flow@lncip.example";

/** A Forms response as the flow has it: the trigger's response id, and "Get response details" (its date, responder, answers). */
export interface FlowResponse {
  responseId: string;
  submittedAt: string;
  responder: string;
  answers: Record<string, string>;
}

/**
 * What the flow "When a new response is submitted → Get response details → SharePoint Create item" does in the sandbox:
 * creates an item in the ReferralInbox list as the flow's account, the response's id, time and responder in their
 * columns and the whole "Get response details" body (the answers by question id, with Forms' own responder and
 * submitDate keys) as JSON. The list notifies like any SharePoint change. Development only.
 *
 * @example
 * const itemId = submitThroughReferralInbox(graph, { responseId: "demo-1", submittedAt, responder, answers });
 */
export function submitThroughReferralInbox(graph: GraphSandbox, response: FlowResponse): string {
  const sites = graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const body = { responder: response.responder, submitDate: response.submittedAt, ...response.answers };
  const fields = toListFields(referralInboxList, { ResponseId: response.responseId, SubmittedAt: response.submittedAt, Responder: response.responder, Answers: JSON.stringify(body) });
  return sites.addItem(siteId, referralInboxList.name, fields, formsFlowAccount);
}
