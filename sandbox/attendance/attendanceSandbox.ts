import { startAzuriteOnFreePorts, type AzuriteProcess } from "../azurite";
import { startGraphSandbox, type GraphSandbox } from "../graph/server";
import { defaultAreas, type MailArea, type SitesArea } from "../graph/areas";
import { defaultApp } from "../graph/auth";
import { demoSite, demoStaff, seedDemoTenant } from "../demo/demoTenant";
import { graphClient } from "../../src/m365/graph/graphClient";
import { sharePointSite } from "../../src/m365/sharepoint/site";
import { sharePointList } from "../../src/m365/sharepoint/list";
import { listItems, type ListItems } from "../../src/m365/sharepoint/items";
import { attendanceList, casesList, placementsList, schoolsList, type AttendanceRow, type CasesRow, type ListDefinition, type PlacementsRow } from "../../src/domain/lists";
import type { z } from "zod";
import { effectLedger, tableStore } from "../../src/m365/tables";
import { schoolDirectory } from "../../src/workflows/schools/schoolDirectory";
import { listAttendanceSource, schoolCalendars } from "../../src/workflows/attendance/attendanceSource";
import type { AttendanceRoundPorts } from "../../src/workflows/attendance/dailyAttendance";
import { pacedMailSender, sentWithSubject, type PacingClock, type PacedMailSender } from "../../src/m365/outlook/pacedMailSender";
import { shippedCalendars } from "../../src/domain/calendar";
import type { Client } from "@microsoft/microsoft-graph-client";

/**
 * Azurite and the Graph sandbox in this process, with the app's attendance ports built over them: what the
 * attendance end-to-end tests and the benchmark (issue 8) drive directly, with an injectable clock for pacing.
 */
export interface AttendanceSandbox {
  azurite: AzuriteProcess;
  graph: GraphSandbox;
  sites: SitesArea;
  mail: MailArea;
  client: Client;
  lists: { attendance: ListItems<AttendanceRow>; placements: ListItems<PlacementsRow>; cases: ListItems<CasesRow> };
  /** Fresh round ports (a new sender each time, as each timer run has). `ledgerNow` moves the ledger's clock. */
  roundPorts(options?: { clock?: PacingClock; ledgerNow?: () => Date; wrapMailer?: (m: PacedMailSender) => AttendanceRoundPorts["mailer"]; log?: (m: string) => void }): AttendanceRoundPorts & { sender: PacedMailSender };
  stop(): Promise<void>;
}

export async function startAttendanceSandbox(options: { clock?: () => Date } = {}): Promise<AttendanceSandbox> {
  const azurite = await startAzuriteOnFreePorts();
  const graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant, ...(options.clock ? { clock: options.clock } : {}) });
  const client = graphClient({ GRAPH_BASE_URL: graph.graphUrl, AZURE_AUTHORITY_HOST: graph.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
  const site = sharePointSite(client, `${demoSite.hostname}:/sites/${demoSite.path}`);
  const list = <S extends z.ZodObject>(definition: ListDefinition<S>) => listItems(sharePointList(site, definition.name), definition);
  const lists = { attendance: list(attendanceList), placements: list(placementsList), cases: list(casesList) };
  const table = `Effects${Math.floor(Math.random() * 1e6)}`;
  const calendarFor = schoolCalendars(shippedCalendars.leicestershire!);
  return {
    azurite,
    graph,
    sites: graph.area<SitesArea>("sites"),
    mail: graph.area<MailArea>("mail"),
    client,
    lists,
    roundPorts(o = {}) {
      const sender = pacedMailSender(client, demoStaff.partnership, o.clock ? { clock: o.clock } : {});
      return {
        sender,
        source: listAttendanceSource({ ...lists, schools: schoolDirectory(list(schoolsList), () => new Date()) }),
        mailer: o.wrapMailer ? o.wrapMailer(sender) : sender,
        ledger: effectLedger(tableStore(azurite.connectionString, table), o.ledgerNow ? { now: o.ledgerNow } : {}),
        wasSent: (subject) => sentWithSubject(client, demoStaff.partnership, subject),
        calendarFor,
        partnershipName: "Lakeside North Inclusion Partnership",
        coordinatorEmail: demoStaff.coordinator,
        log: o.log ?? (() => undefined),
      };
    },
    async stop() {
      await graph.close();
      await azurite.stop();
    },
  };
}
