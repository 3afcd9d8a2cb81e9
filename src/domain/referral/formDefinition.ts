import { z } from "zod";
import { fieldLeaves, getPath, setPath, type FieldLeaf } from "../fields/fieldLeaves";
import type { QuestionType } from "../fields/fieldMeta";
import {
  asksForProgrammeManagement,
  parentalConsentLabels,
  purchaseOrderPeriod,
  referralFormSchema,
  referralFormSections,
  referralRuleProblems,
  requestTypeLabels,
  sectionShown,
  supportRequestedLabels,
  type BranchAnswers,
  type ReferralContext,
  type ReferralForm,
  type ReferralSectionId,
  type SectionCondition,
} from "./referralForm";

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
  /** The form section the question is in (the shipped definition says; a tenant's own file may leave it out). */
  section: z.string().min(1).optional(),
  /** Forms' "Required" switch for the question, in its section. */
  required: z.boolean().optional(),
  /** When the school sees the question (its section's condition), in the words on the form. */
  shownWhen: z.lazy(() => shownWhenSchema).optional(),
});
export type FormQuestion = z.infer<typeof formQuestionSchema>;

/** A section's (and so its questions') condition, in the words the school picks on the form. */
const shownWhenSchema = z.strictObject({
  requestType: z.array(z.string()).optional(),
  parentalConsent: z.enum(["Yes", "No"]).optional(),
  supportRequested: z.array(z.string()).optional(),
});

/** A section of the Microsoft Form, in order, with where Forms goes after it ("go to section based on answer"). */
export const formSectionSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  shownWhen: shownWhenSchema,
  /** Where Forms goes after the section: one place, or by the answer to its last question (a branching question). */
  next: z.union([
    z.strictObject({ goTo: z.string().min(1) }),
    z.strictObject({ branchOn: z.string().min(1), goToByAnswer: z.record(z.string(), z.string().min(1)) }),
  ]),
});
export type FormSection = z.infer<typeof formSectionSchema>;

export const formDefinitionSchema = z.strictObject({
  title: z.string(),
  /** The form's sections and branches (the shipped definition has them; a tenant's own file may leave them out). */
  sections: z.array(formSectionSchema).optional(),
  questions: z.array(formQuestionSchema).min(1),
});
export type FormDefinition = z.infer<typeof formDefinitionSchema>;

const leaves = fieldLeaves(referralFormSchema);
const leafByPath = new Map(leaves.map((l) => [l.path, l]));
const sectionOrder = Object.keys(referralFormSections) as ReferralSectionId[];

/** A section condition in the words on the form. */
function conditionInWords(when: SectionCondition): z.infer<typeof shownWhenSchema> {
  return {
    ...(when.requestType ? { requestType: when.requestType.map((c) => requestTypeLabels[c]) } : {}),
    ...(when.parentalConsent !== undefined ? { parentalConsent: parentalConsentLabels[String(when.parentalConsent) as "true" | "false"] } : {}),
    ...(when.supportRequested ? { supportRequested: when.supportRequested.map((c) => supportRequestedLabels[c]) } : {}),
  };
}

/**
 * The Referral Form's sections and questions, made from the schema, in the order a partnership builds them in
 * Microsoft Forms: each question says its section, whether Forms requires it there, and when the school sees it;
 * each section where Forms goes next. In the demo definition each question id IS its field path, so answers can
 * be typed by hand. forms/referral-form.json is this, written out (a test keeps them equal).
 *
 * @example
 * referralFormDefinition().questions[0]
 * // { id: "schoolUrn", title: "Your school's URN (6 digits)", type: "text", field: "schoolUrn", section: "you", required: true, shownWhen: {} }
 */
export function referralFormDefinition(): FormDefinition {
  const sectionOf = (leaf: FieldLeaf) => sectionOrder.indexOf((leaf.meta.section ?? "you") as ReferralSectionId);
  const ordered = [...leaves];
  // The question a section branches on comes last in it: Forms decides where to go from its answer.
  const branchQuestion = new Map(sectionOrder.map((id) => { const n = referralFormSections[id].next; return [id, "question" in n ? n.question : undefined]; }));
  ordered.sort((a, b) => sectionOf(a) - sectionOf(b) || Number(branchQuestion.get(a.meta.section as ReferralSectionId) === a.path) - Number(branchQuestion.get(b.meta.section as ReferralSectionId) === b.path));
  return {
    title: "Inclusion Partnership Referral",
    sections: sectionOrder.map((id) => {
      const section = referralFormSections[id];
      return {
        id,
        title: section.title,
        ...(section.description ? { description: section.description } : {}),
        shownWhen: conditionInWords(section.shownWhen),
        next: "question" in section.next ? { branchOn: section.next.question, goToByAnswer: { ...section.next.byAnswer } } : { goTo: section.next.goTo },
      };
    }),
    questions: ordered.map((leaf) => ({
      id: leaf.path,
      title: leaf.meta.question ?? leaf.path,
      type: leaf.meta.questionType ?? "text",
      ...(leaf.meta.labels ? { choices: Object.values(leaf.meta.labels) } : {}),
      field: leaf.path,
      section: leaf.meta.section ?? "you",
      required: leaf.meta.requiredWhenShown ?? false,
      shownWhen: conditionInWords(referralFormSections[(leaf.meta.section ?? "you") as ReferralSectionId].shownWhen),
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
  if (definition.sections) {
    const ids = new Set(definition.sections.map((x) => x.id));
    for (const q of definition.questions) if (q.section && !ids.has(q.section)) problems.push(`Question "${q.title}" (${q.id}) is in section ${q.section}, which the definition does not have.`);
    for (const x of definition.sections) {
      const targets = "goTo" in x.next ? [x.next.goTo] : Object.values(x.next.goToByAnswer);
      for (const t of targets) if (t !== "submit" && !ids.has(t)) problems.push(`Section "${x.title}" goes to ${t}, which the definition does not have.`);
    }
  }
  return problems;
}

/** One answer a school must correct, named by the question as the school sees it. */
export interface AnswerProblem {
  question: string;
  message: string;
}

/**
 * Turns a Forms response (every answer a string: "Yes"/"No", choices as their text, several choices as a JSON
 * array in a string, dates yyyy-MM-dd) into a Referral Form, or lists EVERY problem by question. The form
 * branches: a question is required only where the school's answers show its section (an Inclusion Forum discussion
 * is never asked for a PO, a risk assessment or the DSL), and an answer to a question its branch skips (a form
 * without branching sends everything) is kept if valid but never required. A Programme Management referral's PO
 * period defaults to the referral's date to 31 August. Unknown question ids are ignored (Forms adds keys such as
 * `responder`). Free text is kept as written, trimmed only. Messages never repeat the answer given, so a pupil's
 * details never reach a log through an error.
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
      // A whole group left out (say, every referrer question) is reported against each of its questions.
      const inGroup = missing ? leaves.filter((l) => l.required && l.path.startsWith(`${path}.`)) : [];
      for (const l of inGroup) if (!problems.has(l.path)) problems.set(l.path, "Please answer this question.");
      if (inGroup.length > 0 || problems.has(path)) continue;
      problems.set(path, missing ? "Please answer this question." : issue.message);
    }
    // The answers that did parse still get the cross-question rules, so the school sees everything at once.
    for (const p of bestEffortRuleProblems(raw, context)) if (!problems.has(p.path)) problems.set(p.path, p.message);
  }

  // What the branch the school took shows, it requires; what it skips, it never asks for.
  const branch = branchOf(raw);
  for (const leaf of leaves) {
    if (!leaf.meta.requiredWhenShown || problems.has(leaf.path) || getPath(raw, leaf.path) !== undefined) continue;
    if (sectionShown((leaf.meta.section ?? "you") as ReferralSectionId, branch)) problems.set(leaf.path, "Please answer this question.");
  }

  if (problems.size > 0) {
    return {
      ok: false,
      problems: [...problems].map(([path, message]) => ({ question: titleOf.get(path) ?? leafByPath.get(path)?.meta.question ?? path, message })),
    };
  }
  if (!parsed.success) throw new Error("unreachable: a failed parse always has problems");
  const form = parsed.data;
  if (asksForProgrammeManagement(form)) {
    const period = purchaseOrderPeriod(form, context.today);
    return { ok: true, form: { ...form, purchaseOrderFrom: period.from, purchaseOrderTo: period.to } };
  }
  return { ok: true, form };
}

/** The branching answers as far as they were valid (an invalid one shows no section that depends on it). */
function branchOf(raw: Record<string, unknown>): BranchAnswers {
  const pick = <T extends string>(value: unknown, labels: Record<T, string>): T | undefined =>
    typeof value === "string" && value in labels ? (value as T) : undefined;
  return {
    requestType: pick(raw.requestType, requestTypeLabels),
    parentalConsent: typeof raw.parentalConsent === "boolean" ? raw.parentalConsent : undefined,
    supportRequested: pick(raw.supportRequested, supportRequestedLabels),
  };
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
