import { z } from "zod";

/** How a question is asked on the Microsoft Form, and so how Forms hands its answer over (always a string). */
export type QuestionType = "text" | "longText" | "choice" | "multiChoice" | "yesNo" | "date" | "number" | "email" | "phone";

/**
 * What the app knows about a field beyond its type: the question a school sees, the SharePoint column it is
 * kept in, the words shown for each coded value, and how private it is. Declared once, on the zod schema, and
 * read from there by the form parser, the list definitions and the privacy checks.
 */
export interface FieldMeta {
  /** The question as the school sees it on the form. */
  question?: string;
  questionType?: QuestionType;
  /** SharePoint internal column name (letters and digits). */
  column?: string;
  /** The column's display name in SharePoint; the question when omitted. */
  columnTitle?: string;
  indexed?: boolean;
  /** Code → words shown to people (form choices and SharePoint choice values). */
  labels?: Record<string, string>;
  /**
   * `identity`: names a pupil (name, date of birth, UPN); `special`: special-category detail (SEND need);
   * `freeText`: what a person wrote. None of these may appear in a card, an email subject or a log line.
   */
  personal?: "identity" | "special" | "freeText";
  /**
   * The form section the question is in (see `referralFormSections`): which request types, consent and support
   * requested show it. A question in a section the school's answers skip is never required.
   */
  section?: string;
  /** The question is required wherever its section is shown (Forms' "Required" switch). */
  requiredWhenShown?: boolean;
}

/** The registry that holds each field's metadata (kept apart from zod's global registry). */
export const fieldRegistry = z.registry<FieldMeta>();

/**
 * Attaches field metadata to a schema.
 *
 * @example
 * const upn = field(upnSchema.optional(), { question: "Pupil's UPN", questionType: "text", column: "Upn",
 *   indexed: true, personal: "identity" });
 */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  fieldRegistry.add(schema, meta);
  return schema;
}

export function fieldMetaOf(schema: z.ZodType): FieldMeta | undefined {
  return fieldRegistry.get(schema);
}
