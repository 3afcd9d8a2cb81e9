import { coreGroupOutcomeLabels, coreGroupOutcomes, inclusionForumOutcomeLabels, type CoreGroupOutcome, type InclusionForumOutcome } from "../case/outcomes";
import type { CasesRow } from "../lists/lists";
import { caseStatusLabel, type CaseStatus } from "../case/caseStatus";
import type { KeyStage } from "../referral/keyStage";
import { supportRequestedLabels, yearGroupLabels } from "../referral/referralForm";
import { tally, type Panel, type VotingState } from "./voting";
import { escapeMarkdown, markdownLinkTarget } from "../text/escapeMarkdown";

/**
 * The facts a Core Group card may show about a case, picked column by column from its Cases row. Nothing here
 * can hold a name, date of birth, UPN or free text: every field is a code, a number, a flag or a case reference,
 * so a card built from it cannot leak identity whatever the row holds.
 */
export interface CaseCardFacts {
  caseRef: string;
  status: CaseStatus;
  keyStage: KeyStage;
  yearGroup?: number | undefined;
  sendStatus?: "none" | "senSupport" | "ehcpAssessment" | "ehcp" | undefined;
  pupilPremium?: boolean | undefined;
  lookedAfter?: boolean | undefined;
  attendancePercent?: number | undefined;
  suspensionsThisYear?: number | undefined;
  supportRequested?: keyof typeof supportRequestedLabels | undefined;
  purchaseOrderReceived: boolean;
  previousInclusionForumCase?: string | undefined;
  decision?: { outcome: CoreGroupOutcome; by: string; at: string } | undefined;
}

/**
 * Picks the card's facts from a Cases row, column by column: the row's identity and free-text columns are never
 * read, so nothing a card shows can name a pupil.
 *
 * @example
 * const facts = caseCardFacts({ CaseRef: "LNCIP-2026-0042", WorkflowStatus: "readyForCoreGroup", KeyStage: "KS3", YearGroup: 9,
 *   SendStatus: "senSupport", PupilFirstName: "Jayden", Upn: "F801200100001" });
 * facts // { caseRef: "LNCIP-2026-0042", status: "readyForCoreGroup", keyStage: "KS3", yearGroup: 9, sendStatus: "senSupport", purchaseOrderReceived: false }
 * JSON.stringify(facts).includes("Jayden") // false: no name, whatever the row holds
 */
export function caseCardFacts(row: Pick<CasesRow, "CaseRef" | "WorkflowStatus" | "KeyStage"> & Partial<CasesRow>): CaseCardFacts {
  // An outcome typed into the item counts once the workflow has moved the case on from "Ready for Core Group".
  const decided = !["received", "triage", "readyForCoreGroup"].includes(row.WorkflowStatus);
  return {
    caseRef: row.CaseRef,
    status: row.WorkflowStatus,
    keyStage: row.KeyStage,
    yearGroup: row.YearGroup,
    sendStatus: row.SendStatus,
    pupilPremium: row.PupilPremium,
    lookedAfter: row.LookedAfter,
    attendancePercent: row.AttendancePercent,
    suspensionsThisYear: row.SuspensionsThisYear,
    supportRequested: row.SupportRequested,
    purchaseOrderReceived: row.PurchaseOrderNumber !== undefined && (row.FundingSources?.length ?? 0) > 0,
    previousInclusionForumCase: row.PreviousIfCase,
    decision:
      row.CoreGroupOutcome && decided && row.DecidedBy !== undefined && row.DecidedAt !== undefined ? { outcome: row.CoreGroupOutcome, by: row.DecidedBy, at: row.DecidedAt } : undefined,
  };
}

/**
 * A line for the person who pressed, at the top of their copy of a card, with its tone: `good` (green) for what was
 * done, `warning` (amber) for what they must do or know, `attention` (red) for what went wrong.
 */
export interface CardNotice {
  text: string;
  tone: "good" | "warning" | "attention";
}

/** The Adaptive Card TextBlock colour of a notice's tone. */
export const noticeColors = { good: "Good", warning: "Warning", attention: "Attention" } as const satisfies Record<CardNotice["tone"], string>;

/** The data bound into `cards/postedAgain.json`: an earlier copy of a card that was posted again. */
export interface PostedAgainView {
  title: string;
  text: string;
}

/** A meeting as the card names it: when, and its key (the Meetings list's MeetingKey). */
export interface MeetingOnCard {
  key: string;
  /** yyyy-MM-dd, UK. */
  date: string;
  /** HH:mm, UK. */
  startTime: string;
}

/** Everything the Core Group card is built from. */
export interface CoreGroupCardInput {
  facts: CaseCardFacts;
  schoolName: string;
  /** The posting this card belongs to (a reopened case is posted again, with a new round). */
  round: string;
  votes: VotingState;
  panel: Panel;
  meeting?: MeetingOnCard | undefined;
  /** The meeting the card was first posted for, when the case has since rolled to another. */
  rolledFrom?: MeetingOnCard | undefined;
  placesLeft: number;
  waitingList: number;
  /** The earlier Inclusion Forum case and its outcome, when the referral names one. */
  inclusionForumHistory: readonly { caseRef: string; outcome?: InclusionForumOutcome | undefined }[];
  caseUrl: string;
  /** Shows who recorded the decision by name, when the panel knows the person. */
  nameOf(personId: string): string;
  /** The person this copy of the card is for (their own view); the shared card has none. */
  viewerId?: string | undefined;
  /** A message for the viewer at the top of the card ("Your view was recorded", "Please choose an outcome"). */
  notice?: CardNotice | undefined;
  /**
   * The Teams user id (MRI) for a panel id (an Entra object id), for `refresh.userIds`, which Teams matches against
   * Teams user ids; ids without one are listed as they are.
   */
  teamsUserIdOf?: ((panelId: string) => string) | undefined;
}

/**
 * The data bound into `cards/coreGroup.json`: strings, numbers and flags only. Text that comes from a list (the
 * school's name, who recorded the decision) or a message is Markdown-escaped: Teams renders card text as Markdown,
 * and a school named `[Your session expired](https://…)` must show as those words, not as a link.
 */
export interface CoreGroupCardView {
  caseRef: string;
  round: string;
  school: string;
  yearGroup: string;
  keyStage: KeyStage;
  send: string;
  flags: string;
  attendanceBand: string;
  suspensions: string;
  supportRequested: string;
  poStatus: string;
  placesLeft: string;
  waitingList: string;
  meeting: string;
  isRolled: boolean;
  rolled: string;
  hasIfHistory: boolean;
  ifHistory: { caseRef: string; outcome: string }[];
  tallyLine: string;
  hasTally: boolean;
  tally: { title: string; value: string }[];
  hasViewer: boolean;
  viewerLine: string;
  viewerOutcome: string;
  open: boolean;
  canRecord: boolean;
  leadingOutcome: string;
  decided: boolean;
  decisionTitle: string;
  decisionDetail: string;
  outcomeChoices: { title: string; value: string }[];
  caseUrl: string;
  hasRefresh: boolean;
  refreshUserIds: string[];
  hasNotice: boolean;
  notice: string;
  /** The notice's colour: Good, Warning or Attention. */
  noticeColor: string;
}

/** Teams asks the bot for a user-specific view for at most this many users. */
export const MAX_REFRESH_USERS = 60;
const NOT_RECORDED = "not recorded";

/**
 * Builds the Core Group card's data for everyone (no `viewerId`) or for one person (their own view). Carries no
 * identity by construction: see `CaseCardFacts`. The members' comments are never shown (they may name people).
 *
 * @example
 * // (illustrative)
 * coreGroupCardView({ facts, schoolName: "Oakfield Academy", round: "r1", votes, panel, placesLeft: 2, waitingList: 0,
 *   inclusionForumHistory: [], caseUrl, nameOf: (id) => id })
 * // { caseRef: "LNCIP-2026-0042", send: "SEND: yes", tallyLine: "Views from 1 of 3 schools needed", open: true, ... }
 */
export function coreGroupCardView(input: CoreGroupCardInput): CoreGroupCardView {
  const { facts, panel, votes } = input;
  const counted = tally(votes);
  const decision = facts.decision ?? votes.decision;
  const decided = decision !== undefined || facts.status !== "readyForCoreGroup";
  const quorumMet = counted.schools >= panel.quorumSchools;
  const byOutcome = coreGroupOutcomes.filter((o) => (counted.byOutcome[o] ?? 0) > 0).sort((a, b) => (counted.byOutcome[b] ?? 0) - (counted.byOutcome[a] ?? 0));
  const viewer = input.viewerId;
  const viewerSeat = viewer ? panel.members.find((m) => m.id === viewer) ?? panel.members.find((m) => panel.deputies.some((d) => d.deputy.id === viewer && d.for === m.id)) : undefined;
  const ownView = viewerSeat ? votes.views[viewerSeat.id] : undefined;
  const flags = [facts.pupilPremium ? "Pupil premium" : undefined, facts.lookedAfter ? "Looked after" : undefined].filter((f): f is string => !!f);
  const teamsUserIdOf = input.teamsUserIdOf ?? ((id: string) => id);
  const refreshUserIds = decided ? [] : participants(panel).slice(0, MAX_REFRESH_USERS).map(teamsUserIdOf);
  return {
    caseRef: facts.caseRef,
    round: input.round,
    school: escapeMarkdown(input.schoolName),
    yearGroup: facts.yearGroup !== undefined && facts.yearGroup in yearGroupLabels ? yearGroupLabels[facts.yearGroup as keyof typeof yearGroupLabels] : `Year group ${NOT_RECORDED}`,
    keyStage: facts.keyStage,
    send: facts.sendStatus === undefined ? `SEND: ${NOT_RECORDED}` : `SEND: ${facts.sendStatus === "none" ? "no" : "yes"}`,
    flags: facts.pupilPremium === undefined && facts.lookedAfter === undefined ? NOT_RECORDED : flags.join(" · ") || "None",
    attendanceBand: attendanceBand(facts.attendancePercent),
    suspensions: facts.suspensionsThisYear === undefined ? NOT_RECORDED : String(facts.suspensionsThisYear),
    supportRequested: facts.supportRequested ? supportRequestedLabels[facts.supportRequested] : NOT_RECORDED,
    poStatus: facts.purchaseOrderReceived ? "Received" : facts.supportRequested?.startsWith("programmeManagement") ? "Needed, not yet received" : "Not needed for the support requested",
    placesLeft: String(Math.max(0, input.placesLeft)),
    waitingList: input.waitingList === 1 ? "1 case" : `${input.waitingList} cases`,
    meeting: input.meeting ? meetingLabel(input.meeting) : "Not yet scheduled",
    isRolled: !decided && input.rolledFrom !== undefined && input.meeting !== undefined,
    rolled: input.rolledFrom && input.meeting ? `Not decided at the meeting on ${dayLabel(input.rolledFrom.date)}: rolled to ${meetingLabel(input.meeting)}.` : "",
    hasIfHistory: input.inclusionForumHistory.length > 0,
    ifHistory: input.inclusionForumHistory.map((h) => ({ caseRef: h.caseRef, outcome: h.outcome ? inclusionForumOutcomeLabels[h.outcome] : "Outcome not recorded" })),
    tallyLine: quorumMet
      ? `Views from ${counted.schools} school${counted.schools === 1 ? "" : "s"}: quorum (${panel.quorumSchools}) met.`
      : `Views from ${counted.schools} of the ${panel.quorumSchools} school${panel.quorumSchools === 1 ? "" : "s"} needed.`,
    hasTally: byOutcome.length > 0,
    tally: byOutcome.map((o) => ({ title: coreGroupOutcomeLabels[o], value: String(counted.byOutcome[o]) })),
    hasViewer: viewer !== undefined && !decided,
    viewerLine: viewer === undefined ? "" : viewerLine(ownView, viewerSeat !== undefined, viewer === panel.chairId),
    viewerOutcome: ownView?.outcome ?? "",
    open: !decided,
    canRecord: !decided && quorumMet,
    leadingOutcome: byOutcome[0] ?? "",
    decided,
    decisionTitle: decision ? `Decision: ${coreGroupOutcomeLabels[decision.outcome]}` : decided ? `No longer before the Core Group: ${caseStatusLabel(facts.status)}` : "",
    decisionDetail: decision ? `Recorded by ${escapeMarkdown(input.nameOf(decision.by))} on ${instantLabel(decision.at)}` : "",
    outcomeChoices: coreGroupOutcomes.map((o) => ({ title: coreGroupOutcomeLabels[o], value: o })),
    caseUrl: markdownLinkTarget(input.caseUrl),
    hasRefresh: refreshUserIds.length > 0,
    refreshUserIds,
    hasNotice: !!input.notice,
    notice: escapeMarkdown(input.notice?.text ?? ""),
    noticeColor: noticeColors[input.notice?.tone ?? "attention"],
  };
}

/** Everyone who may see their own version of the card: members, this meeting's deputies, the chair. */
export function participants(panel: Panel): string[] {
  return [...new Set([...panel.members.map((m) => m.id), ...panel.deputies.map((d) => d.deputy.id), panel.chairId].filter((id) => id !== ""))];
}

function viewerLine(own: VotingState["views"][string] | undefined, seated: boolean, chair: boolean): string {
  const role = chair ? " You chair this meeting: you can record the decision once quorum is met." : "";
  if (!seated) return chair ? role.trim() : "You are not on this meeting's panel, so you can follow the case but not give a view.";
  if (!own) return `You have not given a view yet.${role}`;
  return `Your view: ${coreGroupOutcomeLabels[own.outcome]}${own.comment ? " (with a comment for the record)" : ""}.${role}`;
}

/**
 * The attendance band the card shows instead of the exact figure (docs/domain.md, Attendance: persistent absence is 10 % or more
 * of sessions missed, severe absence 50 % or more).
 *
 * @example
 * attendanceBand(87.5) // "50% to 90% (persistent absence)"
 */
export function attendanceBand(percent: number | undefined): string {
  if (percent === undefined) return NOT_RECORDED;
  if (percent >= 95) return "95% or more";
  if (percent > 90) return "90% to 95%";
  if (percent > 50) return "50% to 90% (persistent absence)";
  return "50% or less (severe absence)";
}

const DAY = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const INSTANT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });

/** "Thursday 3 December 2026" for a yyyy-MM-dd day. */
export function dayLabel(day: string): string {
  return DAY.format(new Date(`${day}T12:00:00Z`)).replace(",", "");
}

/** "Thursday 3 December 2026, 16:00" */
export function meetingLabel(m: MeetingOnCard): string {
  return `${dayLabel(m.date)}, ${m.startTime}`;
}

/** An instant in UK time, e.g. "26 November 2026 at 16:05". */
export function instantLabel(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : INSTANT.format(at).replace(", ", " at ");
}
