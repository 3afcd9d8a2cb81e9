import { z } from "zod";
import { fieldLeaves, setPath, type FieldLeaf } from "../fields/fieldLeaves";
import type { QuestionType } from "../fields/fieldMeta";
import { referralFormSchema, referralRuleProblems, type ReferralContext, type ReferralForm } from "./referralForm";

/**
 * A Microsoft Form's questions and where each answer goes. Each tenant's form has its own question ids, so the
 * mapping is data (forms/referral-form.json), parsed by this schema when the app starts.
 */
export const formQuestionSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  type: z.enum(["text", "longText", "choice", "multiChoice", "yesNo", "date", "number", "email", "phone"]),
  /** The options the school sees, in order (choice and multiChoice questions). */
  choices: z.array(z.string()).optional(),
  /** The Referral Form field the answer fills, e.g. "pupil.upn". */
  field: z.string().min(1),
});
export type FormQuestion = z.infer<typeof formQuestionSchema>;

export const formDefinitionSchema = z.strictObject({
  title: z.string(),
  questions: z.array(formQuestionSchema).min(1),
});
export type FormDefinition = z.infer<typeof formDefinitionSchema>;

const leaves = fieldLeaves(referralFormSchema);
const leafByPath = new Map(leaves.map((l) => [l.path, l]));

/**
 * The Referral Form's questions, made from the schema: in the demo definition each question id IS its field
 * path, so answers can be typed by hand. forms/referral-form.json is this, written out (a test keeps them equal).
 *
 * @example
 * referralFormDefinition().questions[0] // { id: "requestType", title: "What are you asking for?", type: "choice", ... }
 */
export function referralFormDefinition(): FormDefinition {
  return {
    title: "Inclusion Partnership Referral",
    questions: leaves.map((leaf) => ({
      id: leaf.path,
      title: leaf.meta.question ?? leaf.path,
      type: leaf.meta.questionType ?? "text",
      ...(leaf.meta.labels ? { choices: Object.values(leaf.meta.labels) } : {}),
      field: leaf.path,
    })),
  };
}

/** Problems with a form definition itself (a question pointing nowhere, a field with no question). */
export function formDefinitionProblems(definition: FormDefinition): string[] {
  const problems: string[] = [];
  const fields = new Set(definition.questions.map((q) => q.field));
  for (const q of definition.questions) {
    const leaf = leafByPath.get(q.field);
    if (!leaf) problems.push(`Question "${q.title}" (${q.id}) points at ${q.field}, which is not a Referral Form field.`);
    else if (leaf.meta.labels && q.choices) {
      const known = new Set(Object.values(leaf.meta.labels));
      for (const c of q.choices) if (!known.has(c)) problems.push(`Question "${q.title}" offers "${c}", which the app does not know.`);
    }
  }
  for (const leaf of leaves) if (!fields.has(leaf.path)) problems.push(`No question fills the field ${leaf.path}.`);
  return problems;
}

/** One answer a school must correct, named by the question as the school sees it. */
export interface AnswerProblem {
  question: string;
  message: string;
}

/**
 * Turns a Forms response (every answer a string: "Yes"/"No", choices as their text, several choices as a JSON
 * array in a string, dates yyyy-MM-dd) into a Referral Form, or lists EVERY problem by question. Unknown
 * question ids are ignored (Forms adds keys such as `responder`). Free text is kept as written, trimmed only.
 * Messages never repeat the answer given, so a pupil's details never reach a log through an error.
 *
 * @example
 * // (illustrative)
 * parseReferralAnswers(definition, { requestType: "Partnership referral", ... }, context)
 * // { ok: false, problems: [{ question: "Pupil's UPN (unique pupil number)", message: "This UPN's check letter ..." }] }
 */
export function parseReferralAnswers(
  definition: FormDefinition,
  answers: Readonly<Record<string, string>>,
  context: ReferralContext,
): { ok: true; form: ReferralForm } | { ok: false; problems: AnswerProblem[] } {
  const titleOf = new Map<string, string>();
  const raw: Record<string, unknown> = {};
  const problems = new Map<string, string>();

  for (const question of definition.questions) {
    titleOf.set(question.field, question.title);
    const leaf = leafByPath.get(question.field);
    const answer = answers[question.id];
    if (!leaf || answer === undefined || answer.trim() === "") continue;
    const coerced = coerce(question.type, answer, leaf);
    if (coerced.ok) setPath(raw, question.field, coerced.value);
    else problems.set(question.field, coerced.message);
  }

  const parsed = referralFormSchema.safeParse(raw);
  if (parsed.success) {
    for (const p of referralRuleProblems(parsed.data, context)) if (!problems.has(p.path)) problems.set(p.path, p.message);
  } else {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join(".");
      const missing = issue.code === "invalid_type" && issue.input === undefined;
      // A whole group left out (say, every DSL question) is reported against each of its questions.
      const inGroup = missing ? leaves.filter((l) => l.required && l.path.startsWith(`${path}.`)) : [];
      for (const l of inGroup) if (!problems.has(l.path)) problems.set(l.path, "Please answer this question.");
      if (inGroup.length > 0 || problems.has(path)) continue;
      problems.set(path, missing ? "Please answer this question." : issue.message);
    }
    // The answers that did parse still get the cross-question rules, so the school sees everything at once.
    for (const p of bestEffortRuleProblems(raw, context)) if (!problems.has(p.path)) problems.set(p.path, p.message);
  }

  if (problems.size > 0) {
    return {
      ok: false,
      problems: [...problems].map(([path, message]) => ({ question: titleOf.get(path) ?? leafByPath.get(path)?.meta.question ?? path, message })),
    };
  }
  if (!parsed.success) throw new Error("unreachable: a failed parse always has problems");
  return { ok: true, form: parsed.data };
}

function bestEffortRuleProblems(raw: Record<string, unknown>, context: ReferralContext) {
  try {
    return referralRuleProblems(raw as ReferralForm, context);
  } catch {
    return [];
  }
}

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

function coerce(type: QuestionType, answer: string, leaf: FieldLeaf): Coerced {
  const value = answer.trim();
  const fromLabel = (label: string): Coerced => {
    const labels = leaf.meta.labels ?? {};
    const code = Object.keys(labels).find((k) => labels[k] === label || k === label);
    if (code === undefined) return { ok: false, message: `Please choose one of: ${Object.values(labels).join("; ")}.` };
    return { ok: true, value: /^\d+$/.test(code) ? Number(code) : code };
  };
  switch (type) {
    case "yesNo": {
      const v = value.toLowerCase();
      if (v === "yes" || v === "true") return { ok: true, value: true };
      if (v === "no" || v === "false") return { ok: true, value: false };
      return { ok: false, message: "Please answer Yes or No." };
    }
    case "choice":
      return fromLabel(value);
    case "multiChoice": {
      let items: unknown;
      try {
        items = JSON.parse(value);
      } catch {
        items = value.split(";").map((s) => s.trim());
      }
      if (!Array.isArray(items)) return { ok: false, message: "Please choose from the list." };
      const codes: unknown[] = [];
      for (const item of items) {
        const c = fromLabel(String(item).trim());
        if (!c.ok) return c;
        codes.push(c.value);
      }
      return { ok: true, value: [...new Set(codes)] };
    }
    case "number": {
      const n = Number(value.replace(/%$/, "").trim());
      return Number.isFinite(n) && value !== "" ? { ok: true, value: n } : { ok: false, message: "Please give a number." };
    }
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? { ok: true, value } : { ok: false, message: "Please give a date (yyyy-MM-dd)." };
    default:
      return { ok: true, value };
  }
}
