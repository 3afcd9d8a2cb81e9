import { londonDay, londonTime } from "../../domain/calendar/londonTime";
import { addDays } from "../../domain/calendar/days";
import type { DailyCounts } from "../../m365/tables/dailyCounts";

/** How many new submissions a day the intake takes from one responder and for one school. */
export interface IntakeQuota {
  counts: DailyCounts;
  perResponder: number;
  perSchool: number;
}

/** Who a submission counts against. */
export interface QuotaHolders {
  responder: string;
  schoolUrn: string;
}

/** A submission over a quota: when to try again, and why, in words for whoever runs the flow. */
export interface QuotaRefusal {
  retryAfterSeconds: number;
  message: string;
}

/**
 * Whether a new submission would go over today's quota (UK day): the responder's or the school's. A flood from one
 * account or for one school stops at the limit; everyone else is untouched. Undefined when it may go ahead.
 *
 * @example
 * await quotaRefusal(quota, { responder: "senco@oakfield.example", schoolUrn: "120345" }, now)
 * // { retryAfterSeconds: 52_380, message: "This person has sent 20 referral forms today, the most the partnership takes from one person in a day. …" }
 */
export async function quotaRefusal(quota: IntakeQuota, who: QuotaHolders, now: Date): Promise<QuotaRefusal | undefined> {
  const day = londonDay(now);
  const retryAfterSeconds = Math.max(1, Math.ceil((londonTime(addDays(day, 1), "00:00").getTime() - now.getTime()) / 1000));
  const contact = "If these are genuine referrals, please contact the partnership, who can raise the limit.";
  if ((await quota.counts.get("responder", who.responder, day)) >= quota.perResponder) {
    return { retryAfterSeconds, message: `This person has sent ${quota.perResponder} referral forms today, the most the partnership takes from one person in a day. Please send the rest tomorrow. ${contact}` };
  }
  if ((await quota.counts.get("school", who.schoolUrn, day)) >= quota.perSchool) {
    return { retryAfterSeconds, message: `The partnership has received ${quota.perSchool} referral forms for this school today, the most it takes for one school in a day. Please send the rest tomorrow. ${contact}` };
  }
  return undefined;
}

/**
 * Counts a new submission against its responder's and its school's quota for today (UK day).
 *
 * @example
 * await countSubmission(quota, { responder: "senco@oakfield.example", schoolUrn: "120345" }, now)
 */
export async function countSubmission(quota: IntakeQuota, who: QuotaHolders, now: Date): Promise<void> {
  const day = londonDay(now);
  await quota.counts.add("responder", who.responder, day);
  await quota.counts.add("school", who.schoolUrn, day);
}
