import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { academicYearOf, schoolDaysIn } from "../calendar/schoolDays";
import { addDays } from "../calendar/days";

/** Three weeks: a school is asked for a new purchase order this long before its current one ends. */
export const PO_NOTICE_DAYS = 21;

/**
 * Whether to ask the school (its finance contact) for a new purchase order: a placement running past its PO's end
 * needs a new one, asked for three weeks before the end. `askOn` is that day; `due` says whether it has come (the
 * workflow asks once, on or after it). A placement ending on or before the PO's end needs none.
 *
 * @example
 * purchaseOrderRenewal({ purchaseOrderTo: "2027-08-31", placementEnd: undefined, today: "2027-08-10" })
 * // { needed: true, askOn: "2027-08-10", due: true }
 */
export function purchaseOrderRenewal(p: { purchaseOrderTo: Day; placementEnd: Day | undefined; today: Day; noticeDays?: number }): { needed: boolean; askOn: Day; due: boolean } {
  const askOn = addDays(p.purchaseOrderTo, -(p.noticeDays ?? PO_NOTICE_DAYS));
  const needed = p.placementEnd === undefined || p.placementEnd > p.purchaseOrderTo;
  return { needed, askOn, due: needed && p.today >= askOn };
}

/**
 * Why a placement may not continue on a day for want of a purchase order, in words for the Coordinator; undefined
 * when its PO covers the day. A PO covers its own period within one academic year: a new academic year needs a new
 * PO before the placement continues ("no PO, no placement").
 *
 * @example
 * purchaseOrderGap({ number: "PO-1", from: "2026-11-23", to: "2027-08-31" }, "2027-09-06")
 * // "PO-1 covers the 2026/27 academic year: the new academic year (2027/28) needs a new purchase order before the placement continues."
 */
export function purchaseOrderGap(po: { number: string; from?: Day | undefined; to?: Day | undefined } | undefined, day: Day): string | undefined {
  if (!po) return "There is no purchase order: no PO, no placement. Ask the school's finance contact for one.";
  const from = po.from ?? day;
  const year = academicYearOf(from);
  if (academicYearOf(day) !== year) return `${po.number} covers the ${year} academic year: the new academic year (${academicYearOf(day)}) needs a new purchase order before the placement continues.`;
  if (day < from) return `${po.number} starts on ${from}: the placement cannot run before its purchase order.`;
  if (po.to !== undefined && day > po.to) return `${po.number} ended on ${po.to}: the school must send a new purchase order before the placement continues.`;
  return undefined;
}

/**
 * Whether to ask for a new purchase order on a school day (the partnership works on school days): once the day to ask
 * has come (`purchaseOrderRenewal`), or before it when no school day comes between now and then — a PO ending on
 * 31 August is asked for on the last day of the summer term, not in September after it has ended.
 *
 * @example
 * // (illustrative)
 * renewalDueOn(leicestershire, { purchaseOrderTo: "2027-08-31", placementEnd: undefined, today: "2027-07-09" }) // true: the summer holiday follows
 * renewalDueOn(leicestershire, { purchaseOrderTo: "2027-08-31", placementEnd: undefined, today: "2027-07-02" }) // false: a week of term is left
 */
export function renewalDueOn(calendar: SchoolCalendar, p: { purchaseOrderTo: Day; placementEnd: Day | undefined; today: Day; noticeDays?: number }): boolean {
  const renewal = purchaseOrderRenewal(p);
  if (!renewal.needed || renewal.due) return renewal.due;
  try {
    return schoolDaysIn(calendar, addDays(p.today, 1), renewal.askOn).length === 0;
  } catch {
    return false; // term dates not known that far: asked on the day itself
  }
}
