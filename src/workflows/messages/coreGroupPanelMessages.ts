import { coreGroupOutcomeLabels, type CoreGroupOutcome } from "../../domain/case";
import type { CardNotice } from "../../domain/coreGroup";

const done = (text: string): CardNotice => ({ text, tone: "good" });
const toDo = (text: string): CardNotice => ({ text, tone: "warning" });

/*
 * What the Core Group panel reads in Teams beyond the card itself (cards/coreGroup.json): the post's notification,
 * replies in the card's thread, and the notice a member's press is answered with. Case references only.
 */

/**
 * The notification text of a case's card (what Teams shows in the activity feed).
 *
 * @example
 * cardPosted("LNCIP-2026-0042", "Oakfield Academy", "KS3") // "LNCIP-2026-0042 (Oakfield Academy, KS3) is ready for Core Group"
 */
export function cardPosted(caseRef: string, schoolName: string | undefined, keyStage: string): string {
  return `${caseRef} (${schoolName ?? "school"}, ${keyStage}) is ready for Core Group`;
}

/**
 * The notification text of a case's card posted again ("show open cases", the channel chosen again).
 *
 * @example
 * cardPostedAgain("LNCIP-2026-0042", "Oakfield Academy", "KS3") // "LNCIP-2026-0042 (Oakfield Academy, KS3): its Core Group card, posted again"
 */
export function cardPostedAgain(caseRef: string, schoolName: string | undefined, keyStage: string): string {
  return `${caseRef} (${schoolName ?? "school"}, ${keyStage}): its Core Group card, posted again`;
}

/**
 * What an earlier copy of a case's card says once the card has been posted again (it loses its buttons).
 *
 * @example
 * cardSupersededBy("LNCIP-2026-0042").text // "This card has been posted again as a newer post in this channel: use that one. Views given here still count."
 */
export function cardSupersededBy(caseRef: string): { title: string; text: string } {
  return { title: `Core Group: ${caseRef}`, text: "This card has been posted again as a newer post in this channel: use that one. Views given here still count." };
}

/**
 * The bot's answer to "show open cases" (or a channel chosen again): how many cards it posted again, and where.
 *
 * @example
 * openCasesShown(2, 1) // "Posted again: 2 Core Group cards and 1 Inclusion Forum agenda. Use the newest posts; the earlier copies now say so."
 * openCasesShown(0, 0) // "No case is waiting for the Core Group and no Inclusion Forum agenda is open, so there is nothing to post again."
 */
export function openCasesShown(coreGroupCards: number, agendas: number): string {
  if (coreGroupCards === 0 && agendas === 0) return "No case is waiting for the Core Group and no Inclusion Forum agenda is open, so there is nothing to post again.";
  const parts = [
    coreGroupCards ? `${coreGroupCards} Core Group card${coreGroupCards === 1 ? "" : "s"}` : undefined,
    agendas ? `${agendas} Inclusion Forum agenda${agendas === 1 ? "" : "s"}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return `Posted again: ${parts.join(" and ")}. Use the newest posts; the earlier copies now say so.`;
}

/**
 * The reminder to a member without a view, in the card's thread, two school days before the meeting.
 *
 * @example
 * viewReminder("Head, Oakfield", "LNCIP-2026-0042", "Thursday 3 December 2026", "16:00")
 */
export function viewReminder(memberName: string, caseRef: string, meetingDay: string, startTime: string): string {
  return `Reminder for ${memberName}: please give your view on ${caseRef} before the Core Group meeting on ${meetingDay} at ${startTime}.`;
}

/**
 * A case heard but not decided, rolled to the next meeting (said once in the card's thread).
 *
 * @example
 * rolledToNextMeeting("LNCIP-2026-0042", "Thursday 3 December 2026", "Thursday 10 December 2026, 16:00")
 */
export function rolledToNextMeeting(caseRef: string, heardOn: string, nextMeeting: string): string {
  return `${caseRef} was not decided at the meeting on ${heardOn}: it has rolled to ${nextMeeting}. Views given so far still count.`;
}

/**
 * The answers to a press: the notices on the presser's own card (green for what was done, amber for what to do or
 * know), and the messages that answer a press with no card to show.
 */
export const pressAnswers = {
  notOurButton: "This button does not belong to a Core Group card this app posted.",
  noCardAnyMore: (caseRef: string) => `${caseRef} has no Core Group card any more.`,
  outOfDate: toDo("This card was out of date: here is the case as it stands now."),
  chooseOutcome: toDo("Please choose an outcome before giving your view."),
  noLongerWaiting: (caseRef: string) => toDo(`${caseRef} is no longer waiting for the Core Group's decision.`),
  viewRecorded: (outcome: CoreGroupOutcome) => done(`Your view was recorded: ${coreGroupOutcomeLabels[outcome]}.`),
  chooseDecision: toDo("Please choose the decision before recording it."),
  alreadyDecided: (caseRef: string, by: string | undefined) => toDo(`${caseRef} was already decided${by ? ` by ${by}` : ""}.`),
  decisionBeingRecorded: (outcome: CoreGroupOutcome) => done(`Decision being recorded: ${coreGroupOutcomeLabels[outcome]}.`),
  decisionRecorded: (outcome: CoreGroupOutcome) => done(`Decision recorded: ${coreGroupOutcomeLabels[outcome]}.`),
  noSuchButton: "This button is not one the Core Group card has; the card may be out of date.",
  pressAgain: "Several people pressed at once; please press again.",
  commentTooLong: "Please keep the comment to 500 characters or fewer.",
} as const;
