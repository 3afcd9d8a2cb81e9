import type { Client } from "@microsoft/microsoft-graph-client";
import { graphClient } from "../m365/graph/graphClient";
import { graphSubscriptions, type GraphSubscriptions } from "../m365/graph/subscriptions";
import { graphMailer, type Mailer } from "../m365/outlook/mail";
import { sharePointList, type SharePointList } from "../m365/sharepoint/list";
import { sharePointSite, type SharePointSite } from "../m365/sharepoint/site";
import {
  appState,
  auditTrail,
  caseNumberAllocator,
  effectLedger,
  openCaseIndex,
  submissionStore,
  tableStore,
  type AppState,
  type AuditTrail,
  type CaseNumberAllocator,
  type EffectLedger,
  type OpenCaseIndex,
  type SubmissionStore,
} from "../m365/tables";
import type { Settings } from "../settings/settings";
import { listItems, type ListItems } from "../m365/sharepoint/items";
import { schoolDirectory, type SchoolDirectory } from "../workflows/schools/schoolDirectory";
import { workQueue, type WorkQueue } from "../m365/queues/workQueue";
import { CASE_INTAKE_QUEUE, intakeMessageSchema, type IntakeMessage } from "../workflows/intake/intakeMessage";

/**
 * Everything the workflows need, built once per process from the settings: the Graph client and credential,
 * the partnership's site and lists, the app's tables. Functions ask for it; tests build their own ports.
 */
export interface AppPorts {
  settings: Settings;
  graph: Client;
  site: SharePointSite;
  list(name: string): SharePointList;
  mailer: Mailer;
  subscriptions: GraphSubscriptions;
  state: AppState;
  ledger: EffectLedger;
  audit: AuditTrail;
  caseNumbers: CaseNumberAllocator;
  submissions: SubmissionStore;
  openCases: OpenCaseIndex;
  cases: ListItems;
  schools: SchoolDirectory;
  intakeQueue: WorkQueue<IntakeMessage>;
  now: () => Date;
}

let built: AppPorts | undefined;

export function appPorts(settings: Settings): AppPorts {
  built ??= compose(settings);
  return built;
}

function compose(settings: Settings): AppPorts {
  const graph = graphClient(settings);
  const site = sharePointSite(graph, settings.SHAREPOINT_SITE);
  const lists = new Map<string, SharePointList>();
  const table = (name: string) => tableStore(settings.AzureWebJobsStorage, name);
  const now = () => new Date();
  return {
    settings,
    graph,
    site,
    list(name) {
      let list = lists.get(name);
      if (!list) lists.set(name, (list = sharePointList(site, name)));
      return list;
    },
    mailer: graphMailer(graph, settings.PARTNERSHIP_MAILBOX),
    subscriptions: graphSubscriptions(graph),
    state: appState(table("AppState")),
    ledger: effectLedger(table("Effects")),
    audit: auditTrail(table("Audit")),
    caseNumbers: caseNumberAllocator(table("CaseNumbers")),
    submissions: submissionStore(table("Submissions")),
    openCases: openCaseIndex(table("OpenCases"), settings.PUPIL_INDEX_KEY),
    cases: listItems(sharePointList(site, "Cases")),
    schools: schoolDirectory(listItems(sharePointList(site, "Schools")), now),
    intakeQueue: workQueue(settings.AzureWebJobsStorage, CASE_INTAKE_QUEUE, intakeMessageSchema),
    now,
  };
}
