import { z } from "zod";
import bankHolidays from "./data/england-bank-holidays.json";
import leicestershire from "./data/leicestershire.json";

/** A calendar day, `yyyy-MM-dd`, with no time and no time zone. */
export const daySchema = z.iso.date();
export type Day = string;

export const halfTermNames = ["autumn1", "autumn2", "spring1", "spring2", "summer1", "summer2"] as const;
export type HalfTermName = (typeof halfTermNames)[number];

export const halfTermSchema = z.object({ name: z.enum(halfTermNames), first: daySchema, last: daySchema });
export type HalfTerm = z.infer<typeof halfTermSchema>;

/** One academic year of term dates: its half terms and closure days (INSET, polling day, …). */
export const calendarYearSchema = z.object({
  academicYear: z.string().regex(/^\d{4}\/\d{2}$/),
  /** True until the local authority has confirmed the dates. */
  provisional: z.boolean(),
  source: z.string().optional(),
  halfTerms: z.array(halfTermSchema).length(6),
  closures: z.array(daySchema).default([]),
});

/**
 * Term dates are data, never code: a partnership's calendar (and any school's override) is a JSON file
 * parsed by this schema. Bank holidays are shared by every calendar.
 */
export const partnershipCalendarSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  years: z.array(calendarYearSchema).min(1),
});
export type PartnershipCalendar = z.infer<typeof partnershipCalendarSchema>;
export type CalendarYear = z.infer<typeof calendarYearSchema>;

/** A school's differences from its partnership's calendar: other term dates for some years, extra closures. */
export const calendarOverrideSchema = z.object({
  id: z.string().min(1),
  years: z.array(calendarYearSchema).default([]),
  extraClosures: z.array(daySchema).default([]),
});
export type CalendarOverride = z.infer<typeof calendarOverrideSchema>;

/** The calendar the date functions take: term dates, closures and bank holidays together. */
export interface SchoolCalendar {
  id: string;
  years: readonly CalendarYear[];
  closures: ReadonlySet<Day>;
  bankHolidays: ReadonlySet<Day>;
}

/** Asked about a day outside the calendar's known years: the answer would be a guess, so there is none. */
export class CalendarRangeError extends Error {
  constructor(readonly calendarId: string, readonly day: Day) {
    super(`${day} is outside the term dates known for calendar "${calendarId}". Add that academic year's term dates.`);
    this.name = "CalendarRangeError";
  }
}

export const shippedBankHolidays: readonly Day[] = z.array(daySchema).parse(bankHolidays.days);
export const shippedCalendars: Readonly<Record<string, PartnershipCalendar>> = {
  leicestershire: partnershipCalendarSchema.parse(leicestershire),
};

/**
 * The calendar a school follows: its partnership's, with the school's own term dates for any year it
 * overrides and its extra closure days.
 *
 * @example
 * const oakfield = schoolCalendarFor(shippedCalendars.leicestershire, { id: "oakfield", years: [], extraClosures: ["2026-11-27"] });
 * isSchoolDay(oakfield, "2026-11-27") // false: an INSET day at Oakfield only
 */
export function schoolCalendarFor(
  partnership: PartnershipCalendar,
  override?: CalendarOverride,
  holidays: readonly Day[] = shippedBankHolidays,
): SchoolCalendar {
  const years = partnership.years.map((y) => override?.years.find((o) => o.academicYear === y.academicYear) ?? y);
  for (const o of override?.years ?? []) if (!years.some((y) => y.academicYear === o.academicYear)) years.push(o);
  years.sort((a, b) => a.academicYear.localeCompare(b.academicYear));
  return {
    id: override ? `${partnership.id}/${override.id}` : partnership.id,
    years,
    closures: new Set([...years.flatMap((y) => y.closures), ...(override?.extraClosures ?? [])]),
    bankHolidays: new Set(holidays),
  };
}
