import { z } from "zod";
import { caseStatusLabels, caseStatuses } from "../case/caseStatus";
import { coreGroupOutcomeLabels, coreGroupOutcomes, inclusionForumOutcomeLabels, inclusionForumOutcomes } from "../case/outcomes";
import { exitRouteLabels, type ExitRoute } from "../case/commandWords";
import { sessionHappenedLabels, sessionHappenedValues } from "../attendance/session";
import { attendanceCodeSchema } from "../attendance/codes";
import { attendanceBasisSchema } from "../placement/attendanceBasis";
import { field, type FormColumns } from "../fields/fieldMeta";
import { fieldLeaves } from "../fields/fieldLeaves";
import { referralFormSchema } from "../referral/referralForm";
import { keyStageSchema } from "../referral/keyStage";
import { peopleRoles } from "../access/roles";
import type { ListDefinition } from "./columns";
import { placementOutcomeColumns, qualificationsList, reviewProgressColumns, visitsList } from "./outcomeLists";
import { referralInboxList } from "./referralInbox";

const caseRef = (title = "Case") => field(z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/).max(30), { column: "CaseRef", columnTitle: title, indexed: true });
const text = (max: number) => z.string().max(max);
const when = () => z.iso.datetime({ offset: true });
const day = () => z.iso.date();
const optional = <T extends z.ZodType>(s: T) => s.optional();

/**
 * The Referral Form's fields as Cases columns: every form field with a column, optional (an anonymous case has
 * no identity, an Inclusion Forum case no referral evidence). Declared on the form schema, not here.
 */
const referralColumns: FormColumns<typeof referralFormSchema> = Object.fromEntries(
  fieldLeaves(referralFormSchema).map((leaf) => [leaf.meta.column ?? leaf.path, field(leaf.schema.optional(), { ...leaf.meta })]),
) as FormColumns<typeof referralFormSchema>; // what fieldLeaves finds at run time is what FormColumns derives in types (test/domain/lists)

export const casesRow = z.object({
  CaseRef: caseRef("Case reference"),
  Status: field(z.enum(caseStatuses), { column: "Status", columnTitle: "Status", labels: caseStatusLabels, indexed: true }),
  /** The status the workflow last recorded: a coordinator's edit to Status is told apart from the app's by it. */
  WorkflowStatus: field(z.enum(caseStatuses), { column: "WorkflowStatus", columnTitle: "Status recorded by the workflow", labels: caseStatusLabels }),
  Named: field(z.boolean(), { column: "Named", columnTitle: "Named (consent given)" }),
  KeyStage: field(keyStageSchema, { column: "KeyStage", columnTitle: "Key stage", indexed: true }),
  ResponseId: field(optional(text(200)), { column: "ResponseId", columnTitle: "Forms response", indexed: true }),
  ReceivedAt: field(when(), { column: "ReceivedAt", columnTitle: "Received" }),
  LinkedSubmissions: field(optional(text(4000)), { column: "LinkedSubmissions", columnTitle: "Later submissions" }),
  IfOverrideReason: field(optional(text(255)), { column: "IfOverrideReason", columnTitle: "Inclusion Forum override reason", personal: "freeText" }),
  IfOverrideBy: field(optional(text(255)), { column: "IfOverrideBy", columnTitle: "Override recorded by" }),
  IfOverrideAt: field(optional(when()), { column: "IfOverrideAt", columnTitle: "Override recorded at" }),
  /** The pupil's case before this one (closed, withdrawn or its placement ended). */
  PreviousCaseRef: field(optional(z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/).max(30)), { column: "PreviousCaseRef", columnTitle: "Pupil's previous case" }),
  /** The Forms response of the named referral that continued this Inclusion Forum case (written with the transition). */
  ReferralResponseId: field(optional(text(200)), { column: "ReferralResponseId", columnTitle: "Referral's Forms response" }),
  /** The Director types the reason to refuse an exception to "Inclusion Forum first"; the workflow records who and when. */
  ExceptionRefusedReason: field(optional(text(255)), { column: "ExceptionRefusedReason", columnTitle: "Exception refused: Director's reason", personal: "freeText" }),
  ExceptionRefusedBy: field(optional(text(255)), { column: "ExceptionRefusedBy", columnTitle: "Exception refused by" }),
  ExceptionRefusedAt: field(optional(when()), { column: "ExceptionRefusedAt", columnTitle: "Exception refused at" }),
  /** The Director types the reason to approve one place more than the key stage's number; the workflow records who and when. */
  ExtraPlaceReason: field(optional(text(255)), { column: "ExtraPlaceReason", columnTitle: "Extra place: Director's reason", personal: "freeText" }),
  ExtraPlaceBy: field(optional(text(255)), { column: "ExtraPlaceBy", columnTitle: "Extra place approved by" }),
  ExtraPlaceAt: field(optional(when()), { column: "ExtraPlaceAt", columnTitle: "Extra place approved at" }),
  ReopenReason: field(optional(text(255)), { column: "ReopenReason", columnTitle: "Reason for reopening", personal: "freeText" }),
  CoreGroupOutcome: field(optional(z.enum(coreGroupOutcomes)), { column: "CoreGroupOutcome", columnTitle: "Core Group outcome", labels: coreGroupOutcomeLabels }),
  DecidedBy: field(optional(text(255)), { column: "DecidedBy", columnTitle: "Decided by" }),
  DecidedAt: field(optional(when()), { column: "DecidedAt", columnTitle: "Decided at" }),
  InclusionForumOutcome: field(optional(z.enum(inclusionForumOutcomes)), { column: "InclusionForumOutcome", columnTitle: "Inclusion Forum outcome", labels: inclusionForumOutcomeLabels }),
  MeetingId: field(optional(text(50)), { column: "MeetingId", columnTitle: "Meeting" }),
  WaitingSince: field(optional(when()), { column: "WaitingSince", columnTitle: "On waiting list since" }),
  WorkflowVersion: field(z.number().int().min(0), { column: "WorkflowVersion", columnTitle: "Workflow version" }),
  /** Which attempt's transition was written last: its stashed effects are the ones to carry out (see casesHandler). */
  WorkflowTransition: field(optional(text(100)), { column: "WorkflowTransition", columnTitle: "Workflow transition" }),
  ...referralColumns,
});

export const schoolsRow = z.object({
  Urn: field(z.string().regex(/^\d{6}$/), { column: "Urn", columnTitle: "URN", indexed: true }),
  SchoolName: field(text(120), { column: "SchoolName", columnTitle: "School" }),
  AttendanceLeadEmail: field(z.email(), { column: "AttendanceLeadEmail", columnTitle: "Attendance lead email" }),
  SencoEmail: field(z.email(), { column: "SencoEmail", columnTitle: "SENCO email" }),
  DslEmail: field(z.email(), { column: "DslEmail", columnTitle: "DSL email" }),
  FinanceEmail: field(z.email(), { column: "FinanceEmail", columnTitle: "Finance email" }),
  /** The school's email domain (e.g. oakfield.sch.uk): every role address must be in it (see schoolAddressProblems). */
  EmailDomain: field(optional(z.string().trim().toLowerCase().regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a domain such as oakfield.sch.uk").max(253)), { column: "EmailDomain", columnTitle: "Email domain" }),
  CalendarOverride: field(optional(text(50)), { column: "CalendarOverride", columnTitle: "Calendar override" }),
  /** A Coordinator ticks it to send the school's Ofsted pack to its SENCO; the app sends it and clears the tick. */
  OfstedPackRequested: field(z.boolean().optional(), { column: "OfstedPackRequested", columnTitle: "Send Ofsted pack to the SENCO" }),
  /** When the app last sent the school's Ofsted pack (written by the app). */
  OfstedPackSentAt: field(optional(when()), { column: "OfstedPackSentAt", columnTitle: "Ofsted pack last sent" }),
});

export const decisionsRow = z.object({
  DecisionKey: field(text(100), { column: "DecisionKey", columnTitle: "Decision", indexed: true }),
  CaseRef: caseRef(),
  Outcome: field(z.enum(coreGroupOutcomes), { column: "Outcome", columnTitle: "Outcome", labels: coreGroupOutcomeLabels }),
  DecidedBy: field(text(255), { column: "DecidedBy", columnTitle: "Decided by" }),
  DecidedAt: field(when(), { column: "DecidedAt", columnTitle: "Decided at" }),
  Source: field(z.enum(["teams", "sharepoint"]), { column: "Source", columnTitle: "Recorded in", labels: { teams: "Teams", sharepoint: "SharePoint" } }),
  Comment: field(optional(text(2000)), { column: "Comment", columnTitle: "Comment", personal: "freeText" }),
  MeetingId: field(optional(text(50)), { column: "MeetingId", columnTitle: "Meeting" }),
  Votes: field(optional(text(1000)), { column: "Votes", columnTitle: "Views given" }),
});

export const placementsRow = z.object({
  CaseRef: caseRef(),
  KeyStage: field(keyStageSchema, { column: "KeyStage", columnTitle: "Key stage", indexed: true }),
  Pattern: field(text(4000), { column: "Pattern", columnTitle: "Weekly pattern (JSON)" }),
  StartDate: field(day(), { column: "StartDate", columnTitle: "Start date" }),
  EndDate: field(optional(day()), { column: "EndDate", columnTitle: "End date" }),
  AttendanceBasis: field(attendanceBasisSchema, { column: "AttendanceBasis", columnTitle: "Attendance basis", labels: { B: "B", K: "K", D: "D" } }),
  PurchaseOrderNumber: field(text(50), { column: "PurchaseOrderNumber", columnTitle: "PO number" }),
  PlacementStatus: field(z.enum(["settingUp", "active", "ended"]), { column: "PlacementStatus", columnTitle: "Status", labels: { settingUp: "Setting up", active: "Active", ended: "Ended" }, indexed: true }),
  UnregisteredProviderWarning: field(optional(text(1000)), { column: "UnregisteredProviderWarning", columnTitle: "Unregistered provider warning" }),
  /** The pupil's home school (URN): whose calendar the reviews follow, who is told and charged. */
  SchoolUrn: field(optional(z.string().regex(/^\d{6}$/)), { column: "SchoolUrn", columnTitle: "Home school URN", indexed: true }),
  /** What the placement has cost so far (pence, pro rata), as of ChargeUpdatedOn; kept up to date by the daily timer. */
  ChargeToDatePence: field(optional(z.number().int().min(0)), { column: "ChargeToDatePence", columnTitle: "Charge to date (pence)" }),
  ChargeUpdatedOn: field(optional(day()), { column: "ChargeUpdatedOn", columnTitle: "Charge as of" }),
  /** The home school's last visit to the pupil (schools visit at least termly); a coordinator records it. */
  LastSchoolVisit: field(optional(day()), { column: "LastSchoolVisit", columnTitle: "Last school visit" }),
  /** Each provider the placement names and the pupil's hours a week there, from its pattern (e.g. "riverside: 13"). */
  ProviderHours: field(optional(text(255)), { column: "ProviderHours", columnTitle: "Hours a week at each provider" }),
  ExitRoute: field(optional(z.enum(Object.keys(exitRouteLabels) as [ExitRoute, ...ExitRoute[]])), { column: "ExitRoute", columnTitle: "Exit route", labels: exitRouteLabels }),
  ...placementOutcomeColumns,
});

export const reviewsRow = z.object({
  ReviewKey: field(text(100), { column: "ReviewKey", columnTitle: "Review", indexed: true }),
  CaseRef: caseRef(),
  Number: field(z.number().int().min(1), { column: "Number", columnTitle: "Review number" }),
  /** Indexed: the coordinator's "due" and "overdue" views filter on it. */
  DueDate: field(day(), { column: "DueDate", columnTitle: "Due", indexed: true }),
  EventId: field(optional(text(255)), { column: "EventId", columnTitle: "Calendar event" }),
  AttendeesConfirmed: field(z.boolean(), { column: "AttendeesConfirmed", columnTitle: "Attendees confirmed" }),
  ReturnToMainstream: field(optional(z.enum(["yes", "partly", "notYet"])), {
    column: "ReturnToMainstream",
    columnTitle: "Able to return to mainstream?",
    labels: { yes: "Yes", partly: "Partly", notYet: "Not yet" },
  }),
  NextSteps: field(optional(text(4000)), { column: "NextSteps", columnTitle: "Next steps", personal: "freeText" }),
  /** Scheduled (the default) or cancelled (placement ended or rescheduled); its event is cancelled with it. */
  ReviewStatus: field(optional(z.enum(["scheduled", "cancelled"])), { column: "ReviewStatus", columnTitle: "Review status", labels: { scheduled: "Scheduled", cancelled: "Cancelled" } }),
  StartsAt: field(optional(when()), { column: "StartsAt", columnTitle: "Starts at" }),
  /** Times this review number was re-created after a cancellation: part of its event's transactionId. */
  Revision: field(optional(z.number().int().min(0)), { column: "Revision", columnTitle: "Revision" }),
  ...reviewProgressColumns,
});

export const attendanceRow = z.object({
  MarkKey: field(text(100), { column: "MarkKey", columnTitle: "Mark", indexed: true }),
  CaseRef: caseRef(),
  Date: field(day(), { column: "Date", columnTitle: "Date", indexed: true }),
  Session: field(z.enum(["AM", "PM"]), { column: "Session", columnTitle: "Session", labels: { AM: "AM", PM: "PM" } }),
  Happened: field(z.enum(sessionHappenedValues), { column: "Happened", columnTitle: "What happened", labels: sessionHappenedLabels }),
  LateMinutes: field(optional(z.number().int().min(0).max(300)), { column: "LateMinutes", columnTitle: "Minutes late" }),
  AbsenceReason: field(optional(text(255)), { column: "AbsenceReason", columnTitle: "Reason given", personal: "freeText" }),
  RecordedBy: field(text(255), { column: "RecordedBy", columnTitle: "Recorded by" }),
  RecordedAt: field(when(), { column: "RecordedAt", columnTitle: "Recorded at" }),
  CorrectionOf: field(optional(text(50)), { column: "CorrectionOf", columnTitle: "Corrects item" }),
  /** The provider's own register code for the session, when it gave one (must agree with Happened). */
  ProviderCode: field(optional(attendanceCodeSchema), { column: "ProviderCode", columnTitle: "Provider's code" }),
  /** 1 for the first mark of a session, 2 for its first correction, …: the highest counts. */
  Version: field(optional(z.number().int().min(1).max(1000)), { column: "Version", columnTitle: "Version" }),
});

export const meetingsRow = z.object({
  MeetingKey: field(text(50), { column: "MeetingKey", columnTitle: "Meeting", indexed: true }),
  Kind: field(z.enum(["coreGroup", "inclusionForum"]), { column: "Kind", columnTitle: "Kind", labels: { coreGroup: "Core Group", inclusionForum: "Inclusion Forum" } }),
  Date: field(day(), { column: "Date", columnTitle: "Date", indexed: true }),
  StartTime: field(z.string().regex(/^\d{2}:\d{2}$/).max(5), { column: "StartTime", columnTitle: "Start time (UK)" }),
  AgendaSize: field(z.number().int().min(1).max(50), { column: "AgendaSize", columnTitle: "Agenda size" }),
  EventId: field(optional(text(255)), { column: "EventId", columnTitle: "Calendar event" }),
  Chair: field(optional(text(255)), { column: "Chair", columnTitle: "Chair" }),
});

/**
 * Who sits on the Core Group panel: one row per member (with their school), per named deputy (for one member at
 * one meeting) and for the default chair (a meeting's own Chair column overrides it). MemberId is the person's
 * Teams user id (Entra object id; user-id-N in the local Agents Playground).
 */
export const coreGroupPanelRow = z.object({
  PanelKey: field(text(120), { column: "PanelKey", columnTitle: "Panel entry", indexed: true }),
  MemberId: field(text(255), { column: "MemberId", columnTitle: "Teams user id", indexed: true }),
  MemberName: field(text(120), { column: "MemberName", columnTitle: "Name" }),
  Role: field(z.enum(["member", "deputy", "chair"]), { column: "Role", columnTitle: "Role", labels: { member: "Member", deputy: "Deputy", chair: "Chair" } }),
  SchoolUrn: field(optional(z.string().regex(/^\d{6}$/)), { column: "SchoolUrn", columnTitle: "School URN" }),
  DeputyFor: field(optional(text(255)), { column: "DeputyFor", columnTitle: "Deputy for (member's Teams user id)" }),
  MeetingKey: field(optional(text(50)), { column: "MeetingKey", columnTitle: "For meeting" }),
});

/**
 * The partnership's people and their roles: one row per person per role (the Director, the partnership SENCO, each
 * Coordinator, each Inclusion Forum member), editable by partnership staff only. Identity is the person's Entra
 * object id (what SharePoint records as an item version's editor and Teams sends as `aadObjectId`), never a typed
 * name; the email is where they are told things and what identifies them only when a record carries no object id.
 * Core Group seats (a school's member, a meeting's deputy, the default chair) are in the CoreGroupPanel list.
 */
export const peopleRow = z.object({
  PersonKey: field(text(120), { column: "PersonKey", columnTitle: "Person and role", indexed: true }),
  EntraObjectId: field(z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12,13}$/, "an Entra object id (a GUID)"), {
    column: "EntraObjectId",
    columnTitle: "Entra object id",
    indexed: true,
  }),
  /** The person's Teams user id (29:…), when known; the bot also learns it from any activity they send. */
  TeamsUserId: field(optional(text(255)), { column: "TeamsUserId", columnTitle: "Teams user id" }),
  Email: field(z.email(), { column: "Email", columnTitle: "Email" }),
  Name: field(text(120), { column: "Name", columnTitle: "Name" }),
  Role: field(z.enum(peopleRoles), {
    column: "Role",
    columnTitle: "Role",
    labels: { director: "Director", partnershipSenco: "Partnership SENCO", coordinator: "Coordinator", inclusionForumMember: "Inclusion Forum member" },
  }),
});

/**
 * The partnership's alternative providers (the offer points schools to "our database of APs"): who they are, whether
 * they are registered schools (the unregistered-school rule), when the partnership last visited to quality-assure
 * them and when their safeguarding checks were last confirmed in writing (DfE's AP guidance, February 2025), and
 * every site a pupil may be taught at.
 */
export const providersRow = z.object({
  Name: field(text(120), { column: "Name", columnTitle: "Provider" }),
  /** The short id a placement's pattern names the provider by (letters, digits and dashes). */
  ProviderId: field(z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, "a short id: lower-case letters, digits and dashes"), { column: "ProviderId", columnTitle: "Provider id", indexed: true }),
  /** A registered school's unique reference number (Get Information about Schools). */
  Urn: field(optional(z.string().regex(/^\d{6}$/)), { column: "Urn", columnTitle: "URN" }),
  /** UK Register of Learning Providers number, for a provider that is not a school. */
  Ukprn: field(optional(z.string().regex(/^1\d{7}$/)), { column: "Ukprn", columnTitle: "UKPRN" }),
  RegisteredSchool: field(z.boolean(), { column: "RegisteredSchool", columnTitle: "Registered as a school" }),
  LastQaVisit: field(optional(day()), { column: "LastQaVisit", columnTitle: "Last quality-assurance visit" }),
  SafeguardingConfirmedOn: field(optional(day()), { column: "SafeguardingConfirmedOn", columnTitle: "Safeguarding checks confirmed on" }),
  /** Every site a pupil may be taught at, one address per line. */
  Sites: field(optional(text(2000)), { column: "Sites", columnTitle: "Sites (one per line)" }),
  ContactName: field(optional(text(120)), { column: "ContactName", columnTitle: "Contact" }),
  /** Where unrecorded session marks are chased. */
  ContactEmail: field(optional(z.email()), { column: "ContactEmail", columnTitle: "Contact email" }),
  ContactPhone: field(optional(text(30)), { column: "ContactPhone", columnTitle: "Contact phone" }),
});

export const casesList: ListDefinition<typeof casesRow> = { name: "Cases", displayName: "Cases", description: "Every Inclusion Forum case and Partnership referral, one item per case.", row: casesRow, titleColumn: "CaseRef" };
export const schoolsList: ListDefinition<typeof schoolsRow> = { name: "Schools", displayName: "Schools", description: "Partner schools and their role mailboxes.", row: schoolsRow, titleColumn: "SchoolName" };
export const decisionsList: ListDefinition<typeof decisionsRow> = { name: "Decisions", displayName: "Decisions", description: "Every Core Group decision: who, what, when.", row: decisionsRow, titleColumn: "DecisionKey" };
export const placementsList: ListDefinition<typeof placementsRow> = { name: "Placements", displayName: "Placements", description: "Programme Management placements and their weekly patterns.", row: placementsRow, titleColumn: "CaseRef" };
export const reviewsList: ListDefinition<typeof reviewsRow> = { name: "Reviews", displayName: "Reviews", description: "Placement reviews, linked to their Outlook events.", row: reviewsRow, titleColumn: "ReviewKey" };
export const attendanceList: ListDefinition<typeof attendanceRow> = {
  name: "Attendance",
  displayName: "Attendance",
  description: "AM and PM session marks from the centre and providers.",
  row: attendanceRow,
  titleColumn: "MarkKey",
  // A mark typed straight into SharePoint may lack its time or author: it counts as recorded by whoever last changed
  // the item, when they did, until the list's change handler numbers it.
  standIns: { RecordedAt: { from: "lastModified" }, RecordedBy: { from: "lastModifiedBy", otherwise: "SharePoint" } },
};
export const meetingsList: ListDefinition<typeof meetingsRow> = { name: "Meetings", displayName: "Meetings", description: "Core Group meetings and Inclusion Forums.", row: meetingsRow, titleColumn: "MeetingKey" };

export const coreGroupPanelList: ListDefinition<typeof coreGroupPanelRow> = { name: "CoreGroupPanel", displayName: "CoreGroupPanel", description: "Core Group members, their deputies per meeting, and the default chair.", row: coreGroupPanelRow, titleColumn: "PanelKey" };

export const peopleList: ListDefinition<typeof peopleRow> = { name: "People", displayName: "People", description: "The partnership's people and their roles (Director, SENCO, Coordinators, Inclusion Forum members), by Entra object id. Partnership staff only.", row: peopleRow, titleColumn: "PersonKey" };

export const providersList: ListDefinition<typeof providersRow> = { name: "Providers", displayName: "Providers", description: "Alternative providers: registration, quality-assurance visits, safeguarding confirmation, sites and contacts.", row: providersRow, titleColumn: "Name" };

export const listDefinitions = [casesList, schoolsList, decisionsList, placementsList, reviewsList, attendanceList, meetingsList, coreGroupPanelList, peopleList, providersList, qualificationsList, visitsList, referralInboxList] as const;
export type CasesRow = z.output<typeof casesRow>;
export type SchoolsRow = z.output<typeof schoolsRow>;
export type DecisionsRow = z.output<typeof decisionsRow>;
export type PlacementsRow = z.output<typeof placementsRow>;
export type ReviewsRow = z.output<typeof reviewsRow>;
export type AttendanceRow = z.output<typeof attendanceRow>;
export type MeetingsRow = z.output<typeof meetingsRow>;
export type CoreGroupPanelRow = z.output<typeof coreGroupPanelRow>;
export type ProvidersRow = z.output<typeof providersRow>;
export type PeopleRow = z.output<typeof peopleRow>;
