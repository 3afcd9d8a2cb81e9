import type { Client } from "@microsoft/microsoft-graph-client";
import type { z } from "zod";
import { schoolCalendarFor, shippedCalendars, type PartnershipCalendar, type SchoolCalendar } from "../domain/calendar";
import {
  attendanceList,
  casesList,
  coreGroupPanelList,
  decisionsList,
  meetingsList,
  placementsList,
  reviewsList,
  schoolsList,
  type AttendanceRow,
  type CasesRow,
  type CoreGroupPanelRow,
  type DecisionsRow,
  type ListDefinition,
  type MeetingsRow,
  type PlacementsRow,
  type ReviewsRow,
  type SchoolsRow,
} from "../domain/lists";
import type { FormDefinition } from "../domain/referral/formDefinition";
import { graphClient, graphCredential } from "../m365/graph/graphClient";
import { graphSubscriptions } from "../m365/graph/subscriptions";
import { outlookCalendar } from "../m365/outlook/calendar";
import { graphMailer, type Mailer } from "../m365/outlook/mail";
import { pacedMailSender, sentWithSubject } from "../m365/outlook/pacedMailSender";
import { workQueue } from "../m365/queues/workQueue";
import { listItems, type ListItems, type UnreadableItem } from "../m365/sharepoint/items";
import { sharePointList } from "../m365/sharepoint/list";
import { sharePointSite } from "../m365/sharepoint/site";
import { appState, auditTrail, caseNumberAllocator, effectLedger, openCaseIndex, submissionStore, tableStore, type AppState, type AuditTrail, type CaseNumberAllocator, type EffectLedger, type OpenCaseIndex, type SubmissionStore } from "../m365/tables";
import type { Settings } from "../settings/settings";
import type { TeamsChannel } from "../teams/teamsChannel";
import { listAttendanceSource, schoolCalendars } from "../workflows/attendance/attendanceSource";
import { attendanceHandler } from "../workflows/attendance/attendanceHandler";
import type { AttendanceRoundPorts } from "../workflows/attendance/dailyAttendance";
import type { RecordMarksPorts } from "../workflows/attendance/recordMarks";
import { caseCommandPort, type CaseCommandPort } from "../workflows/cases/caseCommand";
import { carryOutCaseEffects, tellCoordinatorRefused, type CaseEffectPorts } from "../workflows/cases/caseEffects";
import { carryOutLeftovers, casesHandler, casesWatches, type CasesHandlerPorts } from "../workflows/cases/casesHandler";
import { CASE_EFFECTS_QUEUE, caseEffectsMessageSchema } from "../workflows/cases/caseEffectsQueue";
import { coreGroupCardEffects, type CoreGroupPorts } from "../workflows/coreGroup";
import { CASE_INTAKE_QUEUE, intakeMessageSchema } from "../workflows/intake/intakeMessage";
import type { ReferralIntakePorts } from "../workflows/intake/referralRules";
import type { WriteCasePorts } from "../workflows/intake/writeCase";
import { rememberWrite } from "../workflows/listChanges/processListChanges";
import { watchedList, type ListWatchPorts, type WatchedListRound } from "../workflows/listChanges/watchedLists";
import type { HealthPorts } from "../workflows/operations/healthCheck";
import { placementEffects } from "../workflows/placements/placementEffects";
import type { PlacementPorts } from "../workflows/placements/placementPorts";
import { caseContext, keyStagePlaces } from "../workflows/placements/places";
import { placementsHandler, placementsWatches } from "../workflows/placements/placementsHandler";
import { reviewsHandler } from "../workflows/reviews/reviewOutcomes";
import { schoolDirectory, type SchoolDirectory } from "../workflows/schools/schoolDirectory";
import { loadFormDefinition } from "./formDefinition";
import { currentLog } from "./log/invocationLog";
import { healthPorts } from "./operations";

/** One typed `ListItems` per list of the partnership's site. */
export interface AppLists {
  cases: ListItems<CasesRow>;
  schools: ListItems<SchoolsRow>;
  decisions: ListItems<DecisionsRow>;
  placements: ListItems<PlacementsRow>;
  reviews: ListItems<ReviewsRow>;
  attendance: ListItems<AttendanceRow>;
  meetings: ListItems<MeetingsRow>;
  coreGroupPanel: ListItems<CoreGroupPanelRow>;
}

/** The app's own tables (Azure Table storage). */
export interface AppTables {
  state: AppState;
  ledger: EffectLedger;
  audit: AuditTrail;
  caseNumbers: CaseNumberAllocator;
  submissions: SubmissionStore;
  openCases: OpenCaseIndex;
}

/**
 * The whole app, wired once per process from the settings: each list once (typed), the tables, the partnership
 * mailbox's mail and calendar, the term dates, the Teams channel, the one way to change a case, and the ports each
 * workflow takes. Functions take what they need from it and make one workflow call; tests compose their own (with
 * their clock, and a Teams channel of their own or none).
 */
export interface App {
  settings: Settings;
  now(): Date;
  /** Writes to the log of the invocation being served (see `inInvocation`). */
  log(message: string): void;
  graph: Client;
  lists: AppLists;
  tables: AppTables;
  mailer: Mailer;
  schools: SchoolDirectory;
  /** The term dates the centre follows (PARTNERSHIP_CALENDAR), resolved once. */
  partnershipCalendar: { source: PartnershipCalendar; calendar: SchoolCalendar };
  /** The Teams channel the cards go through; undefined when the app runs without one (card effects are kept). */
  teams: TeamsChannel | undefined;
  /** The one way to change a case from outside the Cases list. */
  caseCommand: CaseCommandPort;
  /** The ports of each workflow. */
  ports: {
    intake: ReferralIntakePorts;
    writeCase: WriteCasePorts;
    cases: CasesHandlerPorts;
    caseEffects: CaseEffectPorts;
    placements: PlacementPorts;
    /** Undefined without a Teams channel. */
    coreGroup: CoreGroupPorts | undefined;
    recordMarks: RecordMarksPorts;
    /** Fresh for each run: its paced sender starts afresh (Exchange's per-minute window has long passed). */
    attendanceRounds(): AttendanceRoundPorts & { state: AppState };
    listWatch: ListWatchPorts;
    health: HealthPorts;
  };
  /** The watched lists, each with its change handler. */
  watched: readonly WatchedListRound[];
}

export interface ComposeOptions {
  /** The clock (tests set their own). */
  now?: () => Date;
  /** The Teams channel (the bot's in the app; a test's own; none at all). */
  teams?: TeamsChannel | undefined;
  /** The Referral Form definition (the app loads REFERRAL_FORM_DEFINITION or the shipped one). */
  formDefinition?: FormDefinition;
  /** Where the workflows log (the invocation's structured log in the app; a test may keep quiet). */
  log?: (message: string) => void;
}

/**
 * Builds the app from its settings. The process builds it once (`theApp()` in src/app/theApp.ts); tests build their own.
 *
 * @example
 * const app = composeApp(loadSettings(process.env), { now: () => clock, teams: fakeTeams });
 * await app.caseCommand("LNCIP-2026-0042", { kind: "startPlacement", by: "system", at: clock.toISOString() })
 */
export function composeApp(settings: Settings, options: ComposeOptions = {}): App {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((message: string) => currentLog().info(message));
  const credential = graphCredential(settings);
  const graph = graphClient(settings, credential);
  const site = sharePointSite(graph, settings.SHAREPOINT_SITE);
  const onUnreadable = (item: UnreadableItem, list: string) => log(`${list} item ${item.id} cannot be read (${item.problems.length} problem(s)); a coordinator must correct it`);
  const list = <S extends z.ZodObject>(definition: ListDefinition<S>, uniqueTitle = false) => listItems(sharePointList(site, definition.name), definition, { onUnreadable, uniqueTitle });
  const lists: AppLists = {
    // A case's reference and a meeting's key are each one item's Title: a look-up by them is kept within an invocation.
    cases: list(casesList, true),
    schools: list(schoolsList),
    decisions: list(decisionsList),
    placements: list(placementsList),
    reviews: list(reviewsList),
    attendance: list(attendanceList),
    meetings: list(meetingsList, true),
    coreGroupPanel: list(coreGroupPanelList),
  };
  const table = (name: string) => tableStore(settings.AzureWebJobsStorage, name);
  const tables: AppTables = {
    state: appState(table("AppState")),
    ledger: effectLedger(table("Effects")),
    audit: auditTrail(table("Audit")),
    caseNumbers: caseNumberAllocator(table("CaseNumbers")),
    submissions: submissionStore(table("Submissions")),
    openCases: openCaseIndex(table("OpenCases"), settings.PUPIL_INDEX_KEY),
  };
  const source = shippedCalendars[settings.PARTNERSHIP_CALENDAR];
  if (!source) throw new Error(`PARTNERSHIP_CALENDAR "${settings.PARTNERSHIP_CALENDAR}" is not a shipped calendar (${Object.keys(shippedCalendars).join(", ")}).`);
  const partnershipCalendar = { source, calendar: schoolCalendarFor(source) };
  const mailer = graphMailer(graph, settings.PARTNERSHIP_MAILBOX);
  const schools = schoolDirectory(lists.schools, now);
  const intakeQueue = workQueue(settings.AzureWebJobsStorage, CASE_INTAKE_QUEUE, intakeMessageSchema);
  const caseEffectsQueue = workQueue(settings.AzureWebJobsStorage, CASE_EFFECTS_QUEUE, caseEffectsMessageSchema);
  const teams = options.teams;
  const places = { placements: lists.placements, cases: lists.cases, places: settings.placesPerKeyStage };

  // The case-command port and the ports that use it refer to each other (a decision's effects post the card; the
  // card's press records a decision): each is built once, the port late-bound to the Cases ports below.
  const caseCommand: CaseCommandPort = (caseRef, command, options) => byReference(caseRef, command, options);

  const placements: PlacementPorts = {
    settings,
    cases: lists.cases,
    placements: lists.placements,
    reviews: lists.reviews,
    meetings: lists.meetings,
    schools,
    mailer,
    calendar: outlookCalendar(graph, settings.PARTNERSHIP_MAILBOX),
    partnershipCalendar,
    ledger: tables.ledger,
    caseCommand,
    rememberWrite: (item) => rememberWrite(tables.state, { items: lists.placements, watches: placementsWatches }, item),
    now,
    log,
  };

  const [host, sitePath] = settings.SHAREPOINT_SITE.split(":");
  const coreGroup: CoreGroupPorts | undefined = teams && {
    cases: lists.cases,
    meetings: lists.meetings,
    panel: lists.coreGroupPanel,
    decisions: lists.decisions,
    schools,
    state: tables.state,
    ledger: tables.ledger,
    teams,
    caseCommand,
    capacity: (keyStage) => keyStagePlaces(places, keyStage),
    quorumSchools: settings.CORE_GROUP_QUORUM,
    defaultChairId: settings.CORE_GROUP_CHAIR,
    calendar: partnershipCalendar.calendar,
    // The site's webUrl as Graph gives it (where its pages are: the tenant's SharePoint, or the local sandbox's).
    caseUrl: async (itemId) => `${await site.webUrl().catch(() => `https://${host}${sitePath}`)}/Lists/Cases/DispForm.aspx?ID=${encodeURIComponent(itemId)}`,
    now,
    log,
  };

  const caseEffects: CaseEffectPorts = {
    ledger: tables.ledger,
    audit: tables.audit,
    mailer,
    schools,
    decisions: lists.decisions,
    state: tables.state,
    sencoEmail: settings.PARTNERSHIP_SENCO_EMAIL,
    coordinatorEmail: settings.COORDINATOR_EMAIL,
    log,
    coreGroupCards: coreGroup && coreGroupCardEffects(coreGroup),
    placementWork: placementEffects(placements),
  };

  const cases: CasesHandlerPorts = {
    cases: lists.cases,
    state: tables.state,
    capacity: (caseRef, command) => caseContext(places, caseRef, command),
    carryOut: (effects, row) => carryOutCaseEffects(caseEffects, effects, row),
    refused: (row, message, editKey) => tellCoordinatorRefused(caseEffects, row, message, `mail:refused:${row.CaseRef}:${editKey}`),
    rememberWrite: (item) => rememberWrite(tables.state, { items: lists.cases, watches: casesWatches }, item),
    queueEffects: (itemId) => caseEffectsQueue.send({ itemId }),
    log,
  };
  const byReference = caseCommandPort(cases);

  const watched = [
    watchedList(casesHandler(cases)),
    watchedList(placementsHandler(placements)),
    watchedList(reviewsHandler(placements)),
    watchedList(attendanceHandler({ attendance: lists.attendance, audit: tables.audit, log })),
  ];
  const definition = options.formDefinition ?? loadFormDefinition(settings.REFERRAL_FORM_DEFINITION);

  return {
    settings,
    now,
    log,
    graph,
    lists,
    tables,
    mailer,
    schools,
    partnershipCalendar,
    teams,
    caseCommand,
    watched,
    ports: {
      intake: {
        definition,
        partnerUrns: () => schools.urns(),
        submissions: tables.submissions,
        openCases: tables.openCases,
        caseNumbers: tables.caseNumbers,
        enqueue: (m) => intakeQueue.send(m),
        partnership: settings.PARTNERSHIP_CODE,
        now,
      },
      writeCase: {
        submissions: tables.submissions,
        cases: lists.cases,
        ledger: tables.ledger,
        audit: tables.audit,
        mailer,
        schools,
        partnershipName: settings.PARTNERSHIP_NAME,
        sencoEmail: settings.PARTNERSHIP_SENCO_EMAIL,
        now,
        rememberWrite: cases.rememberWrite,
      },
      cases,
      caseEffects,
      placements,
      coreGroup,
      recordMarks: { attendance: lists.attendance, placements: lists.placements, ledger: tables.ledger, now },
      attendanceRounds: () => ({
        source: listAttendanceSource({ cases: lists.cases, placements: lists.placements, attendance: lists.attendance, schools }),
        mailer: pacedMailSender(graph, settings.PARTNERSHIP_MAILBOX),
        ledger: tables.ledger,
        wasSent: (subject) => sentWithSubject(graph, settings.PARTNERSHIP_MAILBOX, subject),
        calendarFor: schoolCalendars(source),
        partnershipName: settings.PARTNERSHIP_NAME,
        coordinatorEmail: settings.COORDINATOR_EMAIL,
        state: tables.state,
        log,
      }),
      listWatch: {
        subscriptions: { subscriptions: graphSubscriptions(graph), state: tables.state, now, notificationUrl: settings.NOTIFICATION_URL, clientState: settings.NOTIFICATION_CLIENT_STATE },
        lists: watched,
        changes: { state: tables.state, now },
        carryOutLeftovers: () => carryOutLeftovers(cases),
        log,
      },
      health: healthPorts(settings, credential),
    },
  };
}
