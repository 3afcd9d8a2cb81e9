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

declare const columnBrand: unique symbol;

/**
 * A field's schema with its SharePoint column's name carried in its type (never at run time): what lets a list's
 * row type be derived from a nested form schema, column by column (see `FormColumns`).
 */
export type Field<T extends z.ZodType, Column extends string | undefined> = T & { readonly [columnBrand]?: Column };

/**
 * Attaches field metadata to a schema.
 *
 * @example
 * const upn = field(upnSchema.optional(), { question: "Pupil's UPN", questionType: "text", column: "Upn",
 *   indexed: true, personal: "identity" });
 */
export function field<T extends z.ZodType, const M extends FieldMeta>(schema: T, meta: M): Field<T, M["column"]> {
  fieldRegistry.add(schema, meta);
  return schema;
}

/** The column name a field schema's type carries (never, for a schema that is not a field). */
type ColumnOf<F> = F extends { readonly [columnBrand]?: infer C } ? (C extends string ? C : never) : never;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

type ColumnsOfShape<Shape> = UnionToIntersection<
  {
    [K in keyof Shape]: Shape[K] extends z.ZodObject<infer Inner>
      ? ColumnsOfShape<Inner>
      : Shape[K] extends z.ZodOptional<z.ZodObject<infer Inner>>
        ? ColumnsOfShape<Inner>
        : [ColumnOf<Shape[K]>] extends [never]
          ? unknown
          : Shape[K] extends z.ZodType
            ? { [C in ColumnOf<Shape[K]>]: z.ZodOptional<Shape[K]> }
            : unknown;
  }[keyof Shape]
>;

/**
 * The flat, all-optional columns of a (nested) form schema, by column name: the type of
 * `Object.fromEntries(fieldLeaves(form).map((leaf) => [leaf.meta.column, leaf.schema.optional()]))`.
 *
 * @example
 * // (illustrative)
 * type C = FormColumns<typeof referralFormSchema>;
 * // { RequestType: ZodOptional<…>; SchoolUrn: ZodOptional<…>; ReferrerName: ZodOptional<…>; … }
 */
export type FormColumns<S extends z.ZodObject> = S extends z.ZodObject<infer Shape> ? { [K in keyof ColumnsOfShape<Shape>]: ColumnsOfShape<Shape>[K] } : never;

export function fieldMetaOf(schema: z.ZodType): FieldMeta | undefined {
  return fieldRegistry.get(schema);
}
