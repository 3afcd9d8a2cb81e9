import { inclusionForumOutcomeLabels, inclusionForumOutcomes, type InclusionForumOutcome } from "../case/outcomes";
import { yearGroupLabels } from "../referral/referralForm";
import { meetingLabel, noticeColors, type CardNotice, type MeetingOnCard } from "./cardView";
import { escapeMarkdown, markdownLinkTarget } from "../text/escapeMarkdown";

/** One case on an Inclusion Forum agenda: reference, school, year group, and its outcome once recorded. */
export interface AgendaCase {
  caseRef: string;
  schoolName: string;
  yearGroup?: number | undefined;
  outcome?: InclusionForumOutcome | undefined;
  caseUrl: string;
}

/** The data bound into `cards/inclusionForumAgenda.json` (school names and notices Markdown-escaped; see `escapeMarkdown`). */
export interface ForumAgendaView {
  meeting: string;
  meetingKey: string;
  hasCases: boolean;
  cases: { caseRef: string; school: string; yearGroup: string; recorded: boolean; outcome: string; inputId: string; caseUrl: string }[];
  outcomeChoices: { title: string; value: string }[];
  hasNotice: boolean;
  notice: string;
  noticeColor: string;
}

/** The input a case's outcome is chosen in (one per case on the card). */
export function agendaInputId(caseRef: string): string {
  return `outcome:${caseRef}`;
}

/**
 * The Inclusion Forum agenda card's data: each case by reference, school and year group only (an anonymous case
 * has nothing more, a named one shows nothing more).
 *
 * @example
 * const caseUrl = "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=40";
 * forumAgendaView({ key: "IF-2026-12", date: "2026-12-09", startTime: "09:30" },
 *   [{ caseRef: "LNCIP-2026-0040", schoolName: "Oakfield Academy", yearGroup: 8, caseUrl }])
 * // { meeting: "Inclusion Forum, Wednesday 9 December 2026, 09:30", cases: [{ caseRef: "LNCIP-2026-0040", yearGroup: "Year 8", recorded: false, ... }], ... }
 */
export function forumAgendaView(meeting: MeetingOnCard, cases: readonly AgendaCase[], notice?: CardNotice): ForumAgendaView {
  return {
    meeting: `Inclusion Forum, ${meetingLabel(meeting)}`,
    meetingKey: meeting.key,
    hasCases: cases.length > 0,
    cases: cases.map((c) => ({
      caseRef: c.caseRef,
      school: escapeMarkdown(c.schoolName),
      yearGroup: c.yearGroup !== undefined && c.yearGroup in yearGroupLabels ? yearGroupLabels[c.yearGroup as keyof typeof yearGroupLabels] : "Year group not recorded",
      recorded: c.outcome !== undefined,
      outcome: c.outcome ? inclusionForumOutcomeLabels[c.outcome] : "",
      inputId: agendaInputId(c.caseRef),
      caseUrl: markdownLinkTarget(c.caseUrl),
    })),
    outcomeChoices: inclusionForumOutcomes.map((o) => ({ title: inclusionForumOutcomeLabels[o], value: o })),
    hasNotice: !!notice,
    notice: escapeMarkdown(notice?.text ?? ""),
    noticeColor: noticeColors[notice?.tone ?? "attention"],
  };
}
