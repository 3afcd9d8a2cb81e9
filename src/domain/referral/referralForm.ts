import { z } from "zod";
import { field } from "../fields/fieldMeta";
import { upnSchema } from "./upn";
import { ukPhoneSchema } from "./ukPhone";
import { inclusionForumCaseProblem, type KnownInclusionForumCase } from "./inclusionForumCaseCheck";

/*
 * The one standard Referral Form. This schema is the single source of truth for its fields: the TypeScript
 * type, the questions in forms/referral-form.json, the Forms answer mapping and the Cases list's columns
 * all come from it. The form branches (Microsoft Forms sections, "go to section based on answer"): each field
 * names its section, and `referralFormSections` says which answers show each section. Fields shown only on some
 * branches are optional here; the parser requires them where their section is shown, and
 * `referralRuleProblems` holds the rules that cross questions.
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
export const parentalConsentLabels = { true: "Yes", false: "No" } as const;
/** What a school can ask of an Inclusion Forum (the offer: advice, links to services, whether to refer). */
export const forumRequestLabels = {
  advice: "Advice on what to do next",
  signposting: "Signposting to services and resources",
  whetherToRefer: "Whether to make a Partnership referral",
} as const;
export const yearGroupLabels = { 7: "Year 7", 8: "Year 8", 9: "Year 9", 10: "Year 10", 11: "Year 11" } as const;

const keys = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];

export const caseReferenceSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/, "Please give the case reference as it appears on our emails, e.g. LNCIP-2026-0042.");

/** Codes of the support requested that are Programme Management (they need a PO and the Standard Risk Assessment). */
export const programmeManagementSupport = ["programmeManagementPartTime", "programmeManagementFullTime"] as const;

/**
 * Which answers show a section: every condition given must hold (an empty condition: always shown). Conditions
 * read the three questions the form branches on: the request type, parental consent and the support requested.
 */
export interface SectionCondition {
  requestType?: readonly (keyof typeof requestTypeLabels)[];
  parentalConsent?: boolean;
  supportRequested?: readonly (keyof typeof supportRequestedLabels)[];
}

/** Where a section goes next in Forms: always to one place, or by the answer to its branching question. */
export type SectionNext =
  | { goTo: ReferralSectionId | "submit" }
  | { question: string; byAnswer: Readonly<Record<string, ReferralSectionId | "submit">> };

export interface ReferralFormSection {
  title: string;
  description?: string;
  shownWhen: SectionCondition;
  next: SectionNext;
}

export type ReferralSectionId = "you" | "pupil" | "aboutPupil" | "request" | "forum" | "referral" | "programmeManagement" | "safeguarding";

const toSection = <T extends Record<string, string>>(labels: T, map: Record<keyof T & string, ReferralSectionId | "submit">) =>
  Object.fromEntries(Object.entries(map).map(([code, to]) => [labels[code] as string, to])) as Record<string, ReferralSectionId | "submit">;

/**
 * The form's sections in order, as a partnership builds them in Microsoft Forms. Forms branches forward only, so
 * what every school answers comes first (you, the pupil with consent, about the pupil), then the request type
 * splits the form: an Inclusion Forum discussion asks only what the school wants from the forum; a Partnership
 * referral asks for the evidence, exit strategy and support, then (Programme Management only) the purchase order
 * and the county's Standard Risk Assessment, then the DSL's details.
 *
 * @example
 * referralFormSections.programmeManagement.shownWhen
 * // { requestType: ["partnershipReferral"], supportRequested: ["programmeManagementPartTime", "programmeManagementFullTime"] }
 */
export const referralFormSections: Readonly<Record<ReferralSectionId, ReferralFormSection>> = {
  you: {
    title: "You and your school",
    shownWhen: {},
    next: { question: "parentalConsent", byAnswer: { Yes: "pupil", No: "aboutPupil" } },
  },
  pupil: {
    title: "The pupil",
    description: "Only with the parent's or carer's consent. Without consent the Inclusion Forum discusses the pupil anonymously.",
    shownWhen: { parentalConsent: true },
    next: { goTo: "aboutPupil" },
  },
  aboutPupil: { title: "About the pupil", shownWhen: {}, next: { goTo: "request" } },
  request: {
    title: "Your request",
    shownWhen: {},
    next: { question: "requestType", byAnswer: toSection(requestTypeLabels, { inclusionForum: "forum", partnershipReferral: "referral" }) },
  },
  forum: { title: "Inclusion Forum discussion", shownWhen: { requestType: ["inclusionForum"] }, next: { goTo: "submit" } },
  referral: {
    title: "Partnership referral",
    description:
      "Schools refer to the Inclusion Forum first. If the pupil has not been discussed at a forum, leave its case reference blank: the partnership Director will be asked for an exception.",
    shownWhen: { requestType: ["partnershipReferral"] },
    next: {
      question: "supportRequested",
      byAnswer: toSection(supportRequestedLabels, {
        advice: "safeguarding",
        inSchoolSupport: "safeguarding",
        programmeManagementPartTime: "programmeManagement",
        programmeManagementFullTime: "programmeManagement",
        managedMove: "safeguarding",
      }),
    },
  },
  programmeManagement: {
    title: "Programme Management: purchase order and risk assessment",
    description:
      "We cannot accept a pupil for Programme Management without a purchase order for the pupil's funding, from the date of this referral to the end of the academic year.",
    shownWhen: { requestType: ["partnershipReferral"], supportRequested: programmeManagementSupport },
    next: { goTo: "safeguarding" },
  },
  safeguarding: {
    title: "Safeguarding contact",
    description: "Partnership staff must be able to reach your designated safeguarding lead quickly.",
    shownWhen: { requestType: ["partnershipReferral"] },
    next: { goTo: "submit" },
  },
};

/** The answers the form branches on (any of them may be missing or invalid in a bad submission). */
export interface BranchAnswers {
  requestType?: keyof typeof requestTypeLabels | undefined;
  parentalConsent?: boolean | undefined;
  supportRequested?: keyof typeof supportRequestedLabels | undefined;
}

/**
 * Whether the school's answers show a section. A condition on an answer that is missing holds for no value: a
 * referral's sections are not shown to a submission with no request type.
 *
 * @example
 * sectionShown("programmeManagement", { requestType: "inclusionForum", supportRequested: "programmeManagementFullTime" }) // false
 */
export function sectionShown(section: ReferralSectionId, answers: BranchAnswers): boolean {
  const when = referralFormSections[section].shownWhen;
  if (when.requestType && !(answers.requestType && when.requestType.includes(answers.requestType))) return false;
  if (when.parentalConsent !== undefined && answers.parentalConsent !== when.parentalConsent) return false;
  if (when.supportRequested && !(answers.supportRequested && when.supportRequested.includes(answers.supportRequested))) return false;
  return true;
}

const inSection = (section: ReferralSectionId, requiredWhenShown = false) => ({ section, requiredWhenShown });

export const referralFormSchema = z.object({
  requestType: field(z.enum(keys(requestTypeLabels), { error: required }), {
    question: "What are you asking for?",
    questionType: "choice",
    column: "RequestType",
    columnTitle: "Request type",
    labels: requestTypeLabels,
    ...inSection("request", true),
  }),
  schoolUrn: field(z.string({ error: required }).trim().regex(/^\d{6}$/, "A school URN has 6 digits, e.g. 120345."), {
    question: "Your school's URN (6 digits)",
    questionType: "text",
    column: "SchoolUrn",
    columnTitle: "School URN",
    indexed: true,
    ...inSection("you", true),
  }),
  referrer: z.object({
    name: field(text(100), { question: "Your name", questionType: "text", column: "ReferrerName", columnTitle: "Referrer", ...inSection("you", true) }),
    role: field(text(100), { question: "Your role in school", questionType: "text", column: "ReferrerRole", columnTitle: "Referrer's role", ...inSection("you", true) }),
    email: field(email(), { question: "Your email address", questionType: "email", column: "ReferrerEmail", columnTitle: "Referrer's email", ...inSection("you", true) }),
  }),
  parentalConsent: field(yesNo(), {
    question: "Do you have the parent's or carer's consent to share the pupil's details with the partnership?",
    questionType: "yesNo",
    column: "ParentalConsent",
    columnTitle: "Parental consent",
    ...inSection("you", true),
  }),
  pupil: z
    .object({
      firstName: field(text(100).optional(), { question: "Pupil's first name", questionType: "text", column: "PupilFirstName", columnTitle: "Pupil first name", personal: "identity", ...inSection("pupil", true) }),
      lastName: field(text(100).optional(), { question: "Pupil's last name", questionType: "text", column: "PupilLastName", columnTitle: "Pupil last name", personal: "identity", ...inSection("pupil", true) }),
      dateOfBirth: field(z.iso.date("Please give the date of birth as a date.").optional(), {
        question: "Pupil's date of birth",
        questionType: "date",
        column: "PupilDateOfBirth",
        columnTitle: "Date of birth",
        personal: "identity",
        ...inSection("pupil", true),
      }),
      upn: field(upnSchema.optional(), { question: "Pupil's UPN (unique pupil number)", questionType: "text", column: "Upn", columnTitle: "UPN", indexed: true, personal: "identity", ...inSection("pupil", true) }),
    })
    .optional(),
  yearGroup: field(z.number({ error: required }).int().min(7, "Please choose Year 7 to 11.").max(11, "Please choose Year 7 to 11."), {
    question: "Year group",
    questionType: "choice",
    column: "YearGroup",
    columnTitle: "Year group",
    labels: yearGroupLabels,
    ...inSection("aboutPupil", true),
  }),
  send: z.object({
    status: field(z.enum(keys(sendStatusLabels), { error: required }), {
      question: "SEND status",
      questionType: "choice",
      column: "SendStatus",
      columnTitle: "SEND status",
      labels: sendStatusLabels,
      personal: "special",
      ...inSection("aboutPupil", true),
    }),
    primaryNeed: field(z.enum(keys(primaryNeedLabels), { error: required }), {
      question: "Primary area of need",
      questionType: "choice",
      column: "PrimaryNeed",
      columnTitle: "Primary need",
      labels: primaryNeedLabels,
      personal: "special",
      ...inSection("aboutPupil", true),
    }),
  }),
  pupilPremium: field(yesNo(), { question: "Is the pupil eligible for pupil premium?", questionType: "yesNo", column: "PupilPremium", columnTitle: "Pupil premium", ...inSection("aboutPupil", true) }),
  lookedAfter: field(yesNo(), { question: "Is the pupil looked after (in care)?", questionType: "yesNo", column: "LookedAfter", columnTitle: "Looked after", ...inSection("aboutPupil", true) }),
  attendancePercent: field(z.number({ error: "Please give attendance as a number from 0 to 100." }).min(0, "Attendance is between 0 and 100 %.").max(100, "Attendance is between 0 and 100 %."), {
    question: "Attendance this year (%)",
    questionType: "number",
    column: "AttendancePercent",
    columnTitle: "Attendance %",
    ...inSection("aboutPupil", true),
  }),
  suspensionsThisYear: field(z.number({ error: "Please give the number of suspensions as a whole number." }).int("Please give a whole number.").min(0, "Suspensions cannot be negative.").max(200), {
    question: "Number of suspensions this school year",
    questionType: "number",
    column: "SuspensionsThisYear",
    columnTitle: "Suspensions this year",
    ...inSection("aboutPupil", true),
  }),
  concerns: field(text(4000), {
    question: "Why is the pupil at risk? What are your concerns?",
    questionType: "longText",
    column: "Concerns",
    personal: "freeText",
    ...inSection("aboutPupil", true),
  }),
  forumRequest: field(z.array(z.enum(keys(forumRequestLabels))).min(1, "Please choose at least one.").optional(), {
    question: "What would you like from the Inclusion Forum?",
    questionType: "multiChoice",
    column: "ForumRequest",
    columnTitle: "Asked of the forum",
    labels: forumRequestLabels,
    // Optional: a school not sure what it needs is who the forum is for.
    ...inSection("forum", false),
  }),
  actionsTaken: field(text(4000).optional(), {
    question: "What have you done so far? (assess, plan, do, review)",
    questionType: "longText",
    column: "ActionsTaken",
    columnTitle: "Actions taken",
    personal: "freeText",
    ...inSection("referral", true),
  }),
  previousInclusionForumCase: field(caseReferenceSchema.optional(), {
    question: "Inclusion Forum case reference (if the pupil was discussed at the Inclusion Forum)",
    questionType: "text",
    column: "PreviousIfCase",
    columnTitle: "Previous Inclusion Forum case",
    ...inSection("referral", false),
  }),
  exitStrategy: field(text(4000).optional(), {
    question: "What is the exit strategy: how will the pupil return to full-time mainstream education?",
    questionType: "longText",
    column: "ExitStrategy",
    columnTitle: "Exit strategy",
    personal: "freeText",
    ...inSection("referral", true),
  }),
  supportRequested: field(z.enum(keys(supportRequestedLabels), { error: required }).optional(), {
    question: "What support are you asking for?",
    questionType: "choice",
    column: "SupportRequested",
    columnTitle: "Support requested",
    labels: supportRequestedLabels,
    ...inSection("referral", true),
  }),
  purchaseOrderNumber: field(text(50).optional(), {
    question: "Purchase order number (for Programme Management)",
    questionType: "text",
    column: "PurchaseOrderNumber",
    columnTitle: "PO number",
    ...inSection("programmeManagement", true),
  }),
  fundingSources: field(z.array(z.enum(keys(fundingSourceLabels))).optional(), {
    question: "Which funding does the purchase order cover?",
    questionType: "multiChoice",
    column: "FundingSources",
    columnTitle: "Funding sources",
    labels: fundingSourceLabels,
    ...inSection("programmeManagement", true),
  }),
  purchaseOrderValue: field(
    z.number({ error: "Please give the amount in pounds, e.g. 19000." }).min(0, "The amount cannot be negative.").max(1_000_000, "Please give the purchase order's whole value, in pounds.").optional(),
    {
      question: "Purchase order value (£, the whole order)",
      questionType: "number",
      column: "PoValue",
      columnTitle: "PO value (£)",
      ...inSection("programmeManagement", false),
    },
  ),
  purchaseOrderSendTopUp: field(
    z.number({ error: "Please give the amount in pounds, e.g. 6000." }).min(0, "The amount cannot be negative.").max(200_000, "Please give the amount a year, in pounds.").optional(),
    {
      question: "SEND top-up named on the purchase order (£ a year, if it covers EHCP top-up)",
      questionType: "number",
      column: "PoSendTopUp",
      columnTitle: "PO SEND top-up (£ a year)",
      ...inSection("programmeManagement", false),
    },
  ),
  purchaseOrderFrom: field(z.iso.date("Please give a date.").optional(), {
    question: "Purchase order valid from (leave blank for the date of this referral)",
    questionType: "date",
    column: "PoValidFrom",
    columnTitle: "PO valid from",
    ...inSection("programmeManagement", false),
  }),
  purchaseOrderTo: field(z.iso.date("Please give a date.").optional(), {
    question: "Purchase order valid until (leave blank for 31 August, the end of this academic year)",
    questionType: "date",
    column: "PoValidTo",
    columnTitle: "PO valid until",
    ...inSection("programmeManagement", false),
  }),
  riskAssessmentCompleted: field(yesNo().optional(), {
    question: "Have you completed the county's Standard Risk Assessment for the pupil?",
    questionType: "yesNo",
    column: "RiskAssessmentCompleted",
    columnTitle: "Standard Risk Assessment completed",
    ...inSection("programmeManagement", true),
  }),
  dsl: z
    .object({
      name: field(text(100), { question: "Your designated safeguarding lead's name", questionType: "text", column: "DslName", columnTitle: "DSL", ...inSection("safeguarding", true) }),
      email: field(email(), { question: "Your DSL's email address", questionType: "email", column: "DslEmail", columnTitle: "DSL email", ...inSection("safeguarding", true) }),
      phone: field(ukPhoneSchema, { question: "Your DSL's phone number", questionType: "phone", column: "DslPhone", columnTitle: "DSL phone", ...inSection("safeguarding", true) }),
    })
    .optional(),
});

export type ReferralForm = z.output<typeof referralFormSchema>;

/** What the rules need to know beyond the form itself. */
export interface ReferralContext {
  /** URNs of the partner schools. */
  partnerSchoolUrns: ReadonlySet<string>;
  /** Today in the UK (yyyy-MM-dd): the referral's date, for checking a date of birth and the PO's default period. */
  today: string;
  /**
   * Looks up the case a referral gives as its Inclusion Forum case (undefined: no such case). When absent, the
   * reference is checked for its form only (the workflow checks it against the Cases list).
   */
  inclusionForumCase?: ((caseRef: string) => KnownInclusionForumCase | undefined) | undefined;
}

/** A problem with the form, located by field path (the form parser turns it into the school's question). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The answers the form branches on, read from a parsed form. */
export function branchAnswersOf(form: Pick<ReferralForm, "requestType" | "parentalConsent" | "supportRequested">): BranchAnswers {
  return { requestType: form.requestType, parentalConsent: form.parentalConsent, supportRequested: form.supportRequested };
}

/** True when a referral asks for Programme Management (part- or full-time). */
export function asksForProgrammeManagement(form: Pick<ReferralForm, "requestType" | "supportRequested">): boolean {
  return form.requestType === "partnershipReferral" && (programmeManagementSupport as readonly string[]).includes(form.supportRequested ?? "");
}

/**
 * The form's rules that depend on other answers or on the partnership, as a list of every problem (empty when
 * the form may be accepted). They follow the branch the school took: an Inclusion Forum discussion is never asked
 * for a PO, a risk assessment or the DSL's details, whatever else it carries. Named vs anonymous: without parental
 * consent the case is an anonymous Inclusion Forum discussion and must carry no identity at all; a Partnership
 * referral needs consent. Requirements of the questions a branch shows are the parser's (`requiredWhenShown`).
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
  if (form.parentalConsent && pupil.dateOfBirth !== undefined) {
    const age = ageOn(pupil.dateOfBirth, context.today);
    if (age < 9 || age > 18) add("pupil.dateOfBirth", "Please check the date of birth: the pupil should be of secondary school age.");
  }

  if (referral && context.inclusionForumCase && form.previousInclusionForumCase !== undefined) {
    const problem = inclusionForumCaseProblem(form.previousInclusionForumCase, form.schoolUrn, context.inclusionForumCase(form.previousInclusionForumCase));
    if (problem) add("previousInclusionForumCase", problem);
  }

  if (asksForProgrammeManagement(form)) {
    if (form.riskAssessmentCompleted === false) {
      add("riskAssessmentCompleted", "Programme Management needs the county's Standard Risk Assessment, completed before the pupil starts. Please complete it and send the referral again.");
    }
    if (form.fundingSources?.includes("ehcpTopUp") && form.purchaseOrderSendTopUp === undefined) {
      add("purchaseOrderSendTopUp", "The purchase order covers EHCP top-up: please give the SEND top-up it names, in pounds a year.");
    }
    const { from, to } = purchaseOrderPeriod(form, context.today);
    if (to < from) add("purchaseOrderTo", "The purchase order cannot end before it starts. Please check its dates.");
    else if (to > endOfAcademicYear(from)) {
      add("purchaseOrderTo", `A purchase order covers one academic year at most: please give an end date on or before ${endOfAcademicYear(from)}. A new academic year needs a new purchase order.`);
    }
  }
  if (form.purchaseOrderNumber !== undefined && form.fundingSources !== undefined && form.fundingSources.length === 0) {
    add("fundingSources", "Please say which funding the purchase order covers.");
  }
  return problems;
}

/**
 * A Programme Management referral's purchase order period: as the school gave it, else from the referral's date to
 * 31 August, the end of that academic year (the offer: "from the date of referral, and for the rest of the academic
 * year").
 *
 * @example
 * purchaseOrderPeriod({}, "2026-11-23") // { from: "2026-11-23", to: "2027-08-31" }
 */
export function purchaseOrderPeriod(form: Pick<ReferralForm, "purchaseOrderFrom" | "purchaseOrderTo">, referralDate: string): { from: string; to: string } {
  const from = form.purchaseOrderFrom ?? referralDate;
  return { from, to: form.purchaseOrderTo ?? endOfAcademicYear(from) };
}

/**
 * 31 August of the academic year (1 September to 31 August) a day falls in.
 *
 * @example
 * endOfAcademicYear("2026-11-23") // "2027-08-31"
 * endOfAcademicYear("2027-08-31") // "2027-08-31"
 */
export function endOfAcademicYear(day: string): string {
  const y = Number(day.slice(0, 4));
  return `${day.slice(5) >= "09-01" ? y + 1 : y}-08-31`;
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
