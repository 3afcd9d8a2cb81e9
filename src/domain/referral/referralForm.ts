import { z } from "zod";
import { field } from "../fields/fieldMeta";
import { upnSchema } from "./upn";
import { ukPhoneSchema } from "./ukPhone";

/*
 * The one standard Referral Form. This schema is the single source of truth for its fields: the TypeScript
 * type, the questions in forms/referral-form.json, the Forms answer mapping and the Cases list's columns
 * all come from it. Fields that are required only in some cases are optional here; `referralRuleProblems`
 * says when they are required (or forbidden).
 */

const required = "Please answer this question.";
const text = (max: number) => z.string({ error: required }).trim().min(1, required).max(max, `Please keep this to ${max} characters or fewer.`);
const email = () =>
  z
    .string({ error: required })
    .trim()
    .toLowerCase()
    .max(254, "An email address has at most 254 characters.")
    .pipe(z.email("Please give an email address, e.g. name@school.org.uk."));
const yesNo = () => z.boolean({ error: "Please answer Yes or No." });

export const requestTypeLabels = { inclusionForum: "Inclusion Forum discussion", partnershipReferral: "Partnership referral" } as const;
export const sendStatusLabels = {
  none: "No SEND",
  senSupport: "SEN support",
  ehcpAssessment: "EHCP assessment requested",
  ehcp: "EHCP",
} as const;
export const primaryNeedLabels = {
  semh: "Social, emotional and mental health",
  communicationInteraction: "Communication and interaction",
  cognitionLearning: "Cognition and learning",
  sensoryPhysical: "Sensory and/or physical",
  none: "None identified",
} as const;
export const supportRequestedLabels = {
  advice: "Advice",
  inSchoolSupport: "Partnership in-school support",
  programmeManagementPartTime: "Programme Management (part-time)",
  programmeManagementFullTime: "Programme Management (full-time)",
  managedMove: "Managed move / fresh start support",
} as const;
export const fundingSourceLabels = { awpu: "AWPU", pupilPremium: "Pupil premium", ehcpTopUp: "EHCP top-up" } as const;
export const yearGroupLabels = { 7: "Year 7", 8: "Year 8", 9: "Year 9", 10: "Year 10", 11: "Year 11" } as const;

const keys = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];

export const caseReferenceSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/, "Please give the case reference as it appears on our emails, e.g. LNCIP-2026-0042.");

export const referralFormSchema = z.object({
  requestType: field(z.enum(keys(requestTypeLabels), { error: required }), {
    question: "What are you asking for?",
    questionType: "choice",
    column: "RequestType",
    columnTitle: "Request type",
    labels: requestTypeLabels,
  }),
  schoolUrn: field(z.string({ error: required }).trim().regex(/^\d{6}$/, "A school URN has 6 digits, e.g. 120345."), {
    question: "Your school's URN (6 digits)",
    questionType: "text",
    column: "SchoolUrn",
    columnTitle: "School URN",
    indexed: true,
  }),
  referrer: z.object({
    name: field(text(100), { question: "Your name", questionType: "text", column: "ReferrerName", columnTitle: "Referrer" }),
    role: field(text(100), { question: "Your role in school", questionType: "text", column: "ReferrerRole", columnTitle: "Referrer's role" }),
    email: field(email(), { question: "Your email address", questionType: "email", column: "ReferrerEmail", columnTitle: "Referrer's email" }),
  }),
  parentalConsent: field(yesNo(), {
    question: "Do you have the parent's or carer's consent to share the pupil's details with the partnership?",
    questionType: "yesNo",
    column: "ParentalConsent",
    columnTitle: "Parental consent",
  }),
  pupil: z
    .object({
      firstName: field(text(100).optional(), { question: "Pupil's first name", questionType: "text", column: "PupilFirstName", columnTitle: "Pupil first name", personal: "identity" }),
      lastName: field(text(100).optional(), { question: "Pupil's last name", questionType: "text", column: "PupilLastName", columnTitle: "Pupil last name", personal: "identity" }),
      dateOfBirth: field(z.iso.date("Please give the date of birth as a date.").optional(), {
        question: "Pupil's date of birth",
        questionType: "date",
        column: "PupilDateOfBirth",
        columnTitle: "Date of birth",
        personal: "identity",
      }),
      upn: field(upnSchema.optional(), { question: "Pupil's UPN (unique pupil number)", questionType: "text", column: "Upn", columnTitle: "UPN", indexed: true, personal: "identity" }),
    })
    .optional(),
  yearGroup: field(z.number({ error: required }).int().min(7, "Please choose Year 7 to 11.").max(11, "Please choose Year 7 to 11."), {
    question: "Year group",
    questionType: "choice",
    column: "YearGroup",
    columnTitle: "Year group",
    labels: yearGroupLabels,
  }),
  send: z.object({
    status: field(z.enum(keys(sendStatusLabels), { error: required }), {
      question: "SEND status",
      questionType: "choice",
      column: "SendStatus",
      columnTitle: "SEND status",
      labels: sendStatusLabels,
      personal: "special",
    }),
    primaryNeed: field(z.enum(keys(primaryNeedLabels), { error: required }), {
      question: "Primary area of need",
      questionType: "choice",
      column: "PrimaryNeed",
      columnTitle: "Primary need",
      labels: primaryNeedLabels,
      personal: "special",
    }),
  }),
  pupilPremium: field(yesNo(), { question: "Is the pupil eligible for pupil premium?", questionType: "yesNo", column: "PupilPremium", columnTitle: "Pupil premium" }),
  lookedAfter: field(yesNo(), { question: "Is the pupil looked after (in care)?", questionType: "yesNo", column: "LookedAfter", columnTitle: "Looked after" }),
  attendancePercent: field(z.number({ error: "Please give attendance as a number from 0 to 100." }).min(0, "Attendance is between 0 and 100 %.").max(100, "Attendance is between 0 and 100 %."), {
    question: "Attendance this year (%)",
    questionType: "number",
    column: "AttendancePercent",
    columnTitle: "Attendance %",
  }),
  suspensionsThisYear: field(z.number({ error: "Please give the number of suspensions as a whole number." }).int("Please give a whole number.").min(0, "Suspensions cannot be negative.").max(200), {
    question: "Number of suspensions this school year",
    questionType: "number",
    column: "SuspensionsThisYear",
    columnTitle: "Suspensions this year",
  }),
  concerns: field(text(4000), {
    question: "Why is the pupil at risk? What are your concerns?",
    questionType: "longText",
    column: "Concerns",
    personal: "freeText",
  }),
  actionsTaken: field(text(4000).optional(), {
    question: "What have you done so far? (assess, plan, do, review)",
    questionType: "longText",
    column: "ActionsTaken",
    columnTitle: "Actions taken",
    personal: "freeText",
  }),
  previousInclusionForumCase: field(caseReferenceSchema.optional(), {
    question: "Inclusion Forum case reference (if the pupil was discussed at the Inclusion Forum)",
    questionType: "text",
    column: "PreviousIfCase",
    columnTitle: "Previous Inclusion Forum case",
  }),
  supportRequested: field(z.enum(keys(supportRequestedLabels), { error: required }), {
    question: "What support are you asking for?",
    questionType: "choice",
    column: "SupportRequested",
    columnTitle: "Support requested",
    labels: supportRequestedLabels,
  }),
  exitStrategy: field(text(4000).optional(), {
    question: "What is the exit strategy: how will the pupil return to full-time mainstream education?",
    questionType: "longText",
    column: "ExitStrategy",
    columnTitle: "Exit strategy",
    personal: "freeText",
  }),
  purchaseOrderNumber: field(text(50).optional(), {
    question: "Purchase order number (for Programme Management)",
    questionType: "text",
    column: "PurchaseOrderNumber",
    columnTitle: "PO number",
  }),
  fundingSources: field(z.array(z.enum(keys(fundingSourceLabels))).optional(), {
    question: "Which funding does the purchase order cover?",
    questionType: "multiChoice",
    column: "FundingSources",
    columnTitle: "Funding sources",
    labels: fundingSourceLabels,
  }),
  dsl: z.object({
    name: field(text(100), { question: "Your designated safeguarding lead's name", questionType: "text", column: "DslName", columnTitle: "DSL" }),
    email: field(email(), { question: "Your DSL's email address", questionType: "email", column: "DslEmail", columnTitle: "DSL email" }),
    phone: field(ukPhoneSchema, { question: "Your DSL's phone number", questionType: "phone", column: "DslPhone", columnTitle: "DSL phone" }),
  }),
  riskAssessmentCompleted: field(yesNo(), {
    question: "Have you completed a risk assessment for the pupil?",
    questionType: "yesNo",
    column: "RiskAssessmentCompleted",
    columnTitle: "Risk assessment completed",
  }),
});

export type ReferralForm = z.output<typeof referralFormSchema>;

/** What the rules need to know beyond the form itself. */
export interface ReferralContext {
  /** URNs of the partner schools. */
  partnerSchoolUrns: ReadonlySet<string>;
  /** The Director has recorded an override: a referral may come without an Inclusion Forum case first. */
  inclusionForumOverride?: boolean;
  /** Today in the UK (yyyy-MM-dd), for checking a date of birth. */
  today: string;
}

/** A problem with the form, located by field path (the form parser turns it into the school's question). */
export interface FieldProblem {
  path: string;
  message: string;
}

const PM = ["programmeManagementPartTime", "programmeManagementFullTime"] as const;

/**
 * The form's rules that depend on other answers or on the partnership, as a list of every problem (empty when
 * the form may be accepted). Named vs anonymous: an Inclusion Forum case without parental consent is anonymous
 * and must carry no identity at all; a named case (consent given) needs all four pupil details; a Partnership
 * referral needs consent.
 *
 * @example
 * // (illustrative)
 * referralRuleProblems({ ...form, requestType: "partnershipReferral", parentalConsent: false }, context)
 * // [{ path: "parentalConsent", message: "A Partnership referral needs the parent's or carer's consent. ..." }]
 */
export function referralRuleProblems(form: ReferralForm, context: ReferralContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const referral = form.requestType === "partnershipReferral";
  const pupil = form.pupil ?? {};
  const identity = ["firstName", "lastName", "dateOfBirth", "upn"] as const;

  if (!context.partnerSchoolUrns.has(form.schoolUrn)) {
    add("schoolUrn", "This URN is not one of the partnership's schools. Please check it, or contact the partnership if your school has just joined.");
  }

  if (!form.parentalConsent) {
    if (referral) {
      add("parentalConsent", "A Partnership referral needs the parent's or carer's consent. Without consent you can ask for an anonymous Inclusion Forum discussion instead.");
    } else {
      for (const key of identity) {
        if (pupil[key] !== undefined) {
          add(`pupil.${key}`, "Without parental consent the Inclusion Forum discussion is anonymous: please leave the pupil's details out, or get consent first.");
        }
      }
    }
  }
  if (form.parentalConsent) {
    for (const key of identity) if (pupil[key] === undefined) add(`pupil.${key}`, required);
    if (pupil.dateOfBirth !== undefined) {
      const age = ageOn(pupil.dateOfBirth, context.today);
      if (age < 9 || age > 18) add("pupil.dateOfBirth", "Please check the date of birth: the pupil should be of secondary school age.");
    }
  }

  if (referral) {
    if (form.actionsTaken === undefined) add("actionsTaken", "A Partnership referral needs the evidence of what the school has done (assess, plan, do, review).");
    if (form.exitStrategy === undefined) add("exitStrategy", "A Partnership referral needs an exit strategy.");
    if (form.previousInclusionForumCase === undefined && !context.inclusionForumOverride) {
      add("previousInclusionForumCase", "A Partnership referral normally follows an Inclusion Forum discussion: please give its case reference, or ask the partnership Director about an exception.");
    }
  }

  const programmeManagement = (PM as readonly string[]).includes(form.supportRequested);
  if (programmeManagement) {
    if (form.purchaseOrderNumber === undefined) add("purchaseOrderNumber", "Programme Management needs a purchase order number: no PO, no placement. Please ask your school's finance contact.");
    if (!form.riskAssessmentCompleted) add("riskAssessmentCompleted", "Programme Management needs a completed risk assessment.");
  }
  if (form.purchaseOrderNumber !== undefined && !(form.fundingSources?.length)) {
    add("fundingSources", "Please say which funding the purchase order covers.");
  }
  return problems;
}

/** Whole years between a date of birth and a day, both yyyy-MM-dd. */
function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** True when the form names a pupil (consent given); an anonymous case carries no identity. */
export function isNamed(form: ReferralForm): boolean {
  return form.parentalConsent && form.pupil?.upn !== undefined;
}
