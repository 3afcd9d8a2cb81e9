import { londonDay, londonTime, type Day } from "../../domain/calendar";
import { odataString } from "../../m365/odata";
import { reviewChanges, reviewKey, reviewSchedule, reviewTransactionId, schoolCalendarFromOverride, type PlannedReview, type ReviewChanges, type ScheduledReview } from "../../domain/reviews";
import type { ReviewsRow } from "../../domain/lists";
import { titleIs, type ListItem } from "../../m365/sharepoint/items";
import { reviewInvitation } from "../messages/invitationMessages";
import { placementsOf, readCase, type PlacementPorts } from "../placements/placementPorts";
import type { CreatedEvent } from "../../m365/outlook/calendar";
import { waitForTeams } from "../meetings/awaitingTeams";

const REVIEW_MINUTES = 60;

/**
 * A case's rows in the Reviews list, typed.
 *
 * @example
 * (await reviewsOf(ports, "LNCIP-2026-0042")).map((r) => r.row.DueDate) // ["2026-12-14", "2027-01-25", …]
 */
export async function reviewsOf(ports: Pick<PlacementPorts, "reviews">, caseRef: string): Promise<{ item: ListItem<ReviewsRow>; row: ReviewsRow }[]> {
  const items = await ports.reviews.all({ filter: `fields/CaseRef eq ${odataString(caseRef)}` });
  return items.map((item) => ({ item, row: item.row }));
}

function scheduled(row: ReviewsRow, localTime: string): ScheduledReview {
  return {
    number: row.Number,
    day: row.DueDate,
    start: row.StartsAt ?? londonTime(row.DueDate, localTime).toISOString(),
    eventId: row.EventId,
    cancelled: row.ReviewStatus === "cancelled",
    revision: row.Revision ?? 0,
  };
}

/** What the series is reconciled to: the plan for the case's latest placement (none once nothing is planned). */
async function plan(ports: PlacementPorts, caseRef: string): Promise<{ planned: PlannedReview[]; required: string[]; optional: string[]; ended: boolean }> {
  const placement = (await placementsOf(ports, caseRef))[0];
  const found = await readCase(ports, caseRef);
  const urn = placement?.row.SchoolUrn ?? found?.row.SchoolUrn;
  const school = urn ? await ports.schools.byUrn(urn) : undefined;
  const referrer = found?.row.ReferrerEmail;
  const required = [school?.SencoEmail, referrer].filter((x): x is string => !!x);
  const optional = [ports.settings.COORDINATOR_EMAIL, school?.DslEmail].filter((x): x is string => !!x);
  if (!placement || placement.row.PlacementStatus === "settingUp") return { planned: [], required, optional, ended: !placement };
  const { source, calendar: partnership } = ports.partnershipCalendar;
  const { calendar: schoolCalendar, problem } = schoolCalendarFromOverride(source, school?.CalendarOverride);
  if (problem) ports.log(`${caseRef}: ${problem}`);
  const lastKnown = partnership.years[partnership.years.length - 1]?.halfTerms[5]?.last ?? placement.row.StartDate;
  const until: Day = placement.row.EndDate && placement.row.EndDate < lastKnown ? placement.row.EndDate : lastKnown;
  const planned = reviewSchedule({
    schoolCalendar,
    partnershipCalendar: partnership,
    placementStart: placement.row.StartDate,
    until,
    cadenceSchoolWeeks: ports.settings.REVIEW_CADENCE_SCHOOL_WEEKS,
    localTime: ports.settings.REVIEW_LOCAL_TIME,
    minutes: REVIEW_MINUTES,
  });
  return { planned, required, optional, ended: placement.row.PlacementStatus === "ended" };
}

/**
 * Makes a case's review series in Outlook match its placement: reviews every REVIEW_CADENCE_SCHOOL_WEEKS school
 * weeks and at least once a half term, on days both the home school and the partnership are open, at
 * REVIEW_LOCAL_TIME UK time, as Teams meetings on the partnership mailbox's calendar (the school's SENCO and the
 * referrer required, the Coordinator and the school's DSL optional; the case reference only). Future reviews
 * follow a moved start or end date (moved, created or cancelled with a message); past ones stand. Each review is
 * a row in the Reviews list linked to its event. An event Outlook makes without its Teams meeting records no review:
 * the series waits for Teams (`waitForTeams`). Convergent: a repeat, or a retry after a fault or a crash, finds
 * nothing left to do — events are created with a transactionId from the case and review number, and each row is
 * created once under the effect ledger.
 *
 * @example
 * await syncReviews(ports, "LNCIP-2026-0042") // { create: [5 reviews], move: [], cancel: [] }; again → all empty
 */
export async function syncReviews(ports: PlacementPorts, caseRef: string, cancelMessage = "The placement's dates have changed: this review is no longer needed."): Promise<ReviewChanges> {
  const { planned, required, optional } = await plan(ports, caseRef);
  const rows = await reviewsOf(ports, caseRef);
  const byNumber = new Map(rows.map((r) => [r.row.Number, r]));
  const today = londonDay(ports.now());
  const changes = reviewChanges(planned, rows.map((r) => scheduled(r.row, ports.settings.REVIEW_LOCAL_TIME)), today);

  // Each review's event first, one at a time (Outlook takes a few requests at once per mailbox); then the rows, all
  // at once, so the Reviews list changes in one burst and the app's own writes come back as one notification.
  const rowWrites: (() => Promise<unknown>)[] = [];
  for (const review of changes.create) {
    const key = reviewKey(caseRef, review.number);
    let event: CreatedEvent;
    try {
      event = await ports.calendar.create({
        ...reviewInvitation(caseRef, review.number, ports.settings.PARTNERSHIP_NAME),
        start: review.start,
        end: review.end,
        required,
        optional,
        transactionId: reviewTransactionId(caseRef, review.number, review.revision),
      });
    } catch (e) {
      // Made without its Teams meeting: no review is recorded without a way to join. The series waits for Teams
      // (tried again each school day; the Coordinator is told once), and the rest of the transition goes on.
      await waitForTeams(ports.degraded, e, { kind: "reviews", caseRef });
      break;
    }
    const row: ReviewsRow = {
      ReviewKey: key,
      CaseRef: caseRef,
      Number: review.number,
      DueDate: review.day,
      EventId: event.id,
      AttendeesConfirmed: false,
      ReviewStatus: "scheduled",
      StartsAt: review.start.toISOString(),
      Revision: review.revision,
    };
    const existing = byNumber.get(review.number);
    rowWrites.push(() =>
      existing
        ? ports.reviews.update(existing.item, { ...row, AttendeesConfirmed: false, ReturnToMainstream: null, NextSteps: null })
        : ports.ledger.once(`review-row:${key}`, async () => (await ports.reviews.create(row)).id, {
            alreadyDone: async () => (await ports.reviews.readAll({ filter: titleIs(key) }))[0]?.id,
          }),
    );
  }
  const written = await Promise.allSettled(rowWrites.map((write) => write()));
  const failed = written.find((w): w is PromiseRejectedResult => w.status === "rejected");
  if (failed) throw failed.reason;
  for (const { review, to } of changes.move) {
    const row = byNumber.get(review.number);
    if (review.eventId) await ports.calendar.move(review.eventId, to.start, to.end);
    if (row) await ports.reviews.update(row.item, { DueDate: to.day, StartsAt: to.start.toISOString(), AttendeesConfirmed: false });
  }
  for (const review of changes.cancel) {
    const row = byNumber.get(review.number);
    if (review.eventId) await ports.calendar.cancel(review.eventId, `${caseRef}: ${cancelMessage}`);
    if (row) await ports.reviews.write(row.item, { ...row.row, ReviewStatus: "cancelled" });
  }
  const n = changes.create.length + changes.move.length + changes.cancel.length;
  if (n) ports.log(`${caseRef}: reviews ${changes.create.length} created, ${changes.move.length} moved, ${changes.cancel.length} cancelled`);
  return changes;
}

/**
 * Cancels a case's future reviews (the placement ended, the case was reopened or withdrawn), each event with a
 * message to its attendees. Its placement must already be ended (or gone); idempotent.
 *
 * @example
 * await cancelFutureReviews(ports, "LNCIP-2026-0042", "the placement ended (exit route: Home school)")
 */
export async function cancelFutureReviews(ports: PlacementPorts, caseRef: string, reason: string): Promise<number> {
  const changes = await syncReviews(ports, caseRef, `this review is cancelled: ${reason}.`);
  return changes.cancel.length;
}
