import type { Client } from "@microsoft/microsoft-graph-client";
import type { z } from "zod";
import { schoolCalendarFor, shippedCalendars, type PartnershipCalendar, type SchoolCalendar } from "../domain/calendar";
import {
  attendanceList,
  casesList,
  coreGroupPanelList,
  decisionsList,
  peopleList,
  meetingsList,
  placementsList,
  providersList,
  referralInboxList,
  qualificationsList,
  reviewsList,
  schoolsList,
  visitsList,
  type AttendanceRow,
  type CasesRow,
  type CoreGroupPanelRow,
  type DecisionsRow,
  type ListDefinition,
  type MeetingsRow,
  type PeopleRow,
  type PlacementsRow,
  type ProvidersRow,
  type ReferralInboxRow,
  type QualificationsRow,
  type ReviewsRow,
  type SchoolsRow,
  type VisitsRow,
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
import { dailyCounts } from "../m365/tables/dailyCounts";
import { linkedSubmissions } from "../m365/tables/linkedSubmissions";
import { providerKeys } from "../m365/tables/providerKeys";
import { documentLibrary } from "../m365/sharepoint/documentLibrary";
import { appState, auditTrail, caseNumberAllocator, effectLedger, openCaseIndex, submissionStore, tableStore, type AppState, type AuditTrail, type CaseNumberAllocator, type EffectLedger, type OpenCaseIndex, type SubmissionStore } from "../m365/tables";
import type { Settings } from "../settings/settings";
import type { TeamsChannel } from "../teams/teamsChannel";
import { listAttendanceSource, schoolCalendars } from "../workflows/attendance/attendanceSource";
import { attendanceHandler } from "../workflows/attendance/attendanceHandler";
import type { AttendanceRoundPorts } from "../workflows/attendance/dailyAttendance";
import type { RecordMarksPorts } from "../workflows/attendance/recordMarks";
import { caseCommandPort, type CaseCommandPort } from "../workflows/cases/caseCommand";
import { carryOutCaseEffects, type CaseEffectPorts } from "../workflows/cases/caseEffects";
import { peopleDirectory, type PeopleDirectory } from "../workflows/people/peopleDirectory";
import { carryOutLeftovers, casesHandler, casesWatches, type CasesHandlerPorts } from "../workflows/cases/casesHandler";
import { caseHasEnded, findCaseItem } from "../workflows/cases/findCase";
import { claimPupil, releasePupil, type PupilIndexPorts } from "../workflows/cases/pupilIndex";
import { knownInclusionForumCase } from "../workflows/intake/inclusionForumCase";
import { writeReferralIntoCase } from "../workflows/intake/writeReferralIntoCase";
import { CASE_EFFECTS_QUEUE, caseEffectsMessageSchema } from "../workflows/cases/caseEffectsQueue";
import { coreGroupCardEffects, type CoreGroupPorts } from "../workflows/coreGroup";
import { CASE_INTAKE_QUEUE, intakeMessageSchema } from "../workflows/intake/intakeMessage";
import type { ReferralIntakePorts } from "../workflows/intake/referralRules";
import { referralInboxHandler, type ReferralInboxPorts } from "../workflows/intake/referralInbox";
import type { WriteCasePorts } from "../workflows/intake/writeCase";
import { rememberWrite } from "../workflows/listChanges/processListChanges";
import { watchedList, type ListWatchPorts, type WatchedListRound } from "../workflows/listChanges/watchedLists";
import type { HealthPorts } from "../workflows/operations/healthCheck";
import type { DegradedPorts } from "../workflows/operations/degradedParts";
import { parkUnconfirmedMail } from "../workflows/operations/parkedMail";
import { placementEffects } from "../workflows/placements/placementEffects";
import type { PlacementPorts } from "../workflows/placements/placementPorts";
import { caseContext, keyStagePlaces } from "../workflows/placements/places";
import { placementsHandler, placementsWatches } from "../workflows/placements/placementsHandler";
import { startProblems } from "../workflows/placements/providers";
import { reviewsHandler } from "../workflows/reviews/reviewOutcomes";
import { placementChargeLines } from "../workflows/reports/charges";
import { schoolsHandler, schoolsWatches } from "../workflows/reports/ofstedPackRequests";
import type { ReportPorts } from "../workflows/reports/reportPorts";
import { purchaseOrdersFromCases } from "../workflows/reports/purchaseOrders";
import { schoolDirectory, type SchoolDirectory } from "../workflows/schools/schoolDirectory";
import { loadFormDefinition } from "./formDefinition";
import { sendMailOnce } from "../m365/outlook/mailOnce";
import { itemKeepsFailing } from "../workflows/messages/coordinatorMessages";
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
  people: ListItems<PeopleRow>;
  providers: ListItems<ProvidersRow>;
  /** Where the standard-licence flow leaves Forms responses (locked down: the flow's account and the app). */
  referralInbox: ListItems<ReferralInboxRow>;
  qualifications: ListItems<QualificationsRow>;
  visits: ListItems<VisitsRow>;
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
  /** The partnership's roles (People and CoreGroupPanel lists): who may do what. */
  people: PeopleDirectory;
  /** The ports of each workflow. */
  ports: {
    intake: ReferralIntakePorts;
    writeCase: WriteCasePorts;
    /** The referral route on standard connectors: the Referral inbox list, taken through the same intake. */
    referralInbox: ReferralInboxPorts;
    /** Where parts working in a lesser way are recorded for the health check and told to the Coordinator once. */
    degraded: DegradedPorts;
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
    /** The Director's week, the Ofsted packs, the termly statements and the annual summary. */
    reports: ReportPorts;
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
    people: list(peopleList),
    providers: list(providersList),
    referralInbox: list(referralInboxList),
    qualifications: list(qualificationsList),
    visits: list(visitsList),
  };
  const table = (name: string) => tableStore(settings.AzureWebJobsStorage, name);
  const tables: AppTables = {
    state: appState(table("AppState")),
    ledger: effectLedger(table("Effects"), { report: log }),
    audit: auditTrail(table("Audit")),
    caseNumbers: caseNumberAllocator(table("CaseNumbers")),
    submissions: submissionStore(table("Submissions")),
    openCases: openCaseIndex(table("OpenCases"), settings.PUPIL_INDEX_KEY),
  };
  const source = shippedCalendars[settings.PARTNERSHIP_CALENDAR];
  if (!source) throw new Error(`PARTNERSHIP_CALENDAR "${settings.PARTNERSHIP_CALENDAR}" is not a shipped calendar (${Object.keys(shippedCalendars).join(", ")}).`);
  const partnershipCalendar = { source, calendar: schoolCalendarFor(source) };
  // An interrupted email the app cannot confirm (Sent Items refused) is parked for a person: see parkedMail.ts.
  const mailer: Mailer = { ...graphMailer(graph, settings.PARTNERSHIP_MAILBOX), park: (mail) => parkUnconfirmedMail({ ...degraded, mailbox: settings.PARTNERSHIP_MAILBOX }, mail) };
  // The same mailbox for work that can come back later (the intake, a transition's emails): it never waits out
  // Exchange's Retry-After inside an invocation, and once told to wait it does not ask Graph again until then.
  const mailerThatDefers: Mailer = { ...graphMailer(graph, settings.PARTNERSHIP_MAILBOX, { whenBusy: "defer", now: () => now().getTime() }), park: mailer.park };
  const degraded: DegradedPorts = { state: tables.state, ledger: tables.ledger, mailer, coordinatorEmail: settings.COORDINATOR_EMAIL, now, log };
  const schools = schoolDirectory(lists.schools, now, log);
  const intakeQueue = workQueue(settings.AzureWebJobsStorage, CASE_INTAKE_QUEUE, intakeMessageSchema);
  const caseEffectsQueue = workQueue(settings.AzureWebJobsStorage, CASE_EFFECTS_QUEUE, caseEffectsMessageSchema);
  const teams = options.teams;
  const places = { placements: lists.placements, cases: lists.cases, places: settings.placesPerKeyStage };
  const people = peopleDirectory({ people: lists.people, panel: lists.coreGroupPanel, meetings: lists.meetings, defaultChairId: settings.CORE_GROUP_CHAIR, log, now });

  // The case-command port and the ports that use it refer to each other (a decision's effects post the card; the
  // card's press records a decision): each is built once, the port late-bound to the Cases ports below.
  const caseCommand: CaseCommandPort = (caseRef, command, options) => byReference(caseRef, command, options);

  const placements: PlacementPorts = {
    settings,
    cases: lists.cases,
    placements: lists.placements,
    reviews: lists.reviews,
    meetings: lists.meetings,
    providers: lists.providers,
    state: tables.state,
    schools,
    mailer,
    calendar: outlookCalendar(graph, settings.PARTNERSHIP_MAILBOX),
    partnershipCalendar,
    ledger: tables.ledger,
    caseCommand,
    rememberWrite: (item) => rememberWrite(tables.state, { items: lists.placements, watches: placementsWatches }, item),
    now,
    log,
    degraded,
  };

  const [host, sitePath] = settings.SHAREPOINT_SITE.split(":");
  // The site's webUrl as Graph gives it (where its pages are: the tenant's SharePoint, or the local sandbox's).
  const caseUrl = async (itemId: string) => `${await site.webUrl().catch(() => `https://${host}${sitePath}`)}/Lists/Cases/DispForm.aspx?ID=${encodeURIComponent(itemId)}`;
  const pupils: PupilIndexPorts = { cases: lists.cases, openCases: tables.openCases, log };
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
    people,
    capacity: (keyStage) => keyStagePlaces(places, keyStage),
    quorumSchools: settings.CORE_GROUP_QUORUM,
    defaultChairId: settings.CORE_GROUP_CHAIR,
    calendar: partnershipCalendar.calendar,
    caseUrl,
    now,
    log,
  };

  const caseEffects: CaseEffectPorts = {
    ledger: tables.ledger,
    audit: tables.audit,
    mailer,
    effectsMailer: mailerThatDefers,
    schools,
    decisions: lists.decisions,
    state: tables.state,
    sencoEmail: settings.PARTNERSHIP_SENCO_EMAIL,
    coordinatorEmail: settings.COORDINATOR_EMAIL,
    directorEmail: settings.DIRECTOR_EMAIL,
    caseUrl: async (caseRef) => {
      const item = await findCaseItem(lists.cases, caseRef);
      return item && caseUrl(item.id);
    },
    log,
    coreGroupCards: coreGroup && coreGroupCardEffects(coreGroup),
    // A transition's placement work never waits out Retry-After either: an email it cannot send leaves the effect owed.
    placementWork: placementEffects({ ...placements, mailer: mailerThatDefers }),
    pupilWork: {
      releasePupil: (caseRef) => releasePupil(pupils, caseRef),
      claimPupil: (caseRef) => claimPupil(pupils, caseRef),
      writeReferralIntoCase: (caseRef, responseId) => writeReferralIntoCase({ submissions: tables.submissions, cases: lists.cases, rememberWrite: (item) => cases.rememberWrite(item) }, caseRef, responseId),
    },
  };

  const cases: CasesHandlerPorts = {
    cases: lists.cases,
    state: tables.state,
    capacity: (caseRef, command) => caseContext({ ...places, pupils, startProblems: (ref) => startProblems(placements, ref) }, caseRef, command),
    carryOut: (effects, row) => carryOutCaseEffects(caseEffects, effects, row),
    rememberWrite: (item) => rememberWrite(tables.state, { items: lists.cases, watches: casesWatches }, item),
    queueEffects: (itemId, delayMs) => caseEffectsQueue.send({ itemId }, delayMs ? { visibilityTimeoutSeconds: Math.ceil(delayMs / 1000) } : {}),
    log,
    access: {
      people,
      appId: settings.AZURE_CLIENT_ID,
      audit: (entry) => tables.audit.append(entry),
      now,
    },
  };
  const byReference = caseCommandPort(cases);

  const definition = options.formDefinition ?? loadFormDefinition(settings.REFERRAL_FORM_DEFINITION);
  const intake: ReferralIntakePorts = {
    definition,
    partnerUrns: () => schools.urns(),
    submissions: tables.submissions,
    openCases: tables.openCases,
    caseNumbers: tables.caseNumbers,
    inclusionForumCase: (caseRef, upn) => knownInclusionForumCase({ cases: lists.cases, openCases: tables.openCases }, caseRef, upn),
    caseHasEnded: (caseRef) => caseHasEnded(lists.cases, caseRef),
    enqueue: (m) => intakeQueue.send(m),
    partnership: settings.PARTNERSHIP_CODE,
    now,
    quota: { counts: dailyCounts(table("DailyCounts")), perResponder: settings.INTAKE_DAILY_LIMIT_PER_RESPONDER, perSchool: settings.INTAKE_DAILY_LIMIT_PER_SCHOOL },
  };
  const writeCase: WriteCasePorts = {
    submissions: tables.submissions,
    linked: linkedSubmissions(table("LinkedSubmissions")),
    cases: lists.cases,
    ledger: tables.ledger,
    audit: tables.audit,
    // Its emails never wait out Exchange's Retry-After inside the invocation: the submission is taken again after it.
    mailer: mailerThatDefers,
    takeAgainAfter: (responseId, delayMs) => intakeQueue.send({ responseId }, { visibilityTimeoutSeconds: Math.ceil(delayMs / 1000) }),
    schools,
    partnershipName: settings.PARTNERSHIP_NAME,
    sencoEmail: settings.PARTNERSHIP_SENCO_EMAIL,
    now,
    rememberWrite: cases.rememberWrite,
    openCases: tables.openCases,
    caseCommand,
    carryOut: cases.carryOut,
    state: tables.state,
  };
  const referralInbox: ReferralInboxPorts = { inbox: lists.referralInbox, intake, writeCase, ledger: tables.ledger, mailer, partnershipName: settings.PARTNERSHIP_NAME, now, log };
  const reports: ReportPorts = {
    lists: { cases: lists.cases, schools: lists.schools, decisions: lists.decisions, placements: lists.placements, reviews: lists.reviews, attendance: lists.attendance, qualifications: lists.qualifications, visits: lists.visits },
    calendar: partnershipCalendar.calendar,
    places: settings.placesPerKeyStage,
    // The reports charge each placement the pro rata average pupil cost of its key stage (issue 13's charge rates);
    // the pupil premium and SEND top-ups each purchase order adds are not in these figures yet.
    ratePencePerYear: settings.chargeRates.averagePupilCostPencePerYear,
    chargeLines: placementChargeLines,
    // Each case's PO number and its value (the form's PO value, or the Coordinator's), "not recorded" when none is given.
    purchaseOrders: () => purchaseOrdersFromCases(lists.cases),
    partnershipName: settings.PARTNERSHIP_NAME,
    directorEmail: settings.DIRECTOR_EMAIL,
    time: settings.REPORTS_TIME,
    caseUrl: async (itemId) => `${await site.webUrl().catch(() => `https://${host}${sitePath}`)}/Lists/Cases/DispForm.aspx?ID=${encodeURIComponent(itemId)}`,
    mailer,
    ledger: tables.ledger,
    state: tables.state,
    audit: tables.audit,
    library: documentLibrary(site, settings.REPORTS_LIBRARY),
    now,
    log,
  };

  const watched = [
    watchedList(casesHandler(cases)),
    watchedList(placementsHandler(placements)),
    watchedList(reviewsHandler(placements)),
    watchedList(attendanceHandler({ attendance: lists.attendance, audit: tables.audit, log })),
    watchedList(referralInboxHandler(referralInbox)),
    watchedList(
      schoolsHandler(reports, (item) => rememberWrite(tables.state, { items: lists.schools, watches: schoolsWatches }, item), {
        state: tables.state,
        ledger: tables.ledger,
        mailer,
        coordinatorEmail: settings.COORDINATOR_EMAIL,
        partnershipName: settings.PARTNERSHIP_NAME,
        log,
      }),
    ),
  ];

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
    people,
    watched,
    ports: {
      intake,
      writeCase,
      referralInbox,
      degraded,
      cases,
      caseEffects,
      placements,
      coreGroup,
      recordMarks: { attendance: lists.attendance, placements: lists.placements, ledger: tables.ledger, providers: providerKeys(table("ProviderKeys")), now },
      attendanceRounds: () => ({
        source: listAttendanceSource({ cases: lists.cases, placements: lists.placements, attendance: lists.attendance, schools }),
        mailer: pacedMailSender(graph, settings.PARTNERSHIP_MAILBOX),
        ledger: tables.ledger,
        wasSent: (subject) => sentWithSubject(graph, settings.PARTNERSHIP_MAILBOX, subject),
        park: mailer.park,
        calendarFor: schoolCalendars(source),
        partnershipName: settings.PARTNERSHIP_NAME,
        coordinatorEmail: settings.COORDINATOR_EMAIL,
        state: tables.state,
        log,
      }),
      listWatch: {
        subscriptions: { subscriptions: graphSubscriptions(graph), state: tables.state, now, notificationUrl: settings.NOTIFICATION_URL, clientState: settings.NOTIFICATION_CLIENT_STATE },
        lists: watched,
        changes: {
          state: tables.state,
          now,
          log,
          parked: async (p) => {
            const message = itemKeepsFailing(p.list, p.itemId, p.error, p.attempts);
            await sendMailOnce(tables.ledger, mailer, `mail:parked:${p.list}:${p.itemId}:${p.since}`, [settings.COORDINATOR_EMAIL], message.subject, message.html);
          },
        },
        carryOutLeftovers: () => carryOutLeftovers(cases),
        log,
        pollMinutes: settings.LIST_POLL_MINUTES,
        degraded,
      },
      health: healthPorts(settings, credential),
      reports,
    },
  };
}
