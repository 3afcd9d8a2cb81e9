import { z } from "zod";

/**
 * The one outcome a Core Group meeting decides for a Partnership referral (docs/domain.md, the graduated response, step 3).
 *
 * @example
 * coreGroupOutcomeLabels.programmeManagementPartTime // "Programme Management (part-time)"
 */
export const coreGroupOutcomeLabels = {
  referBackToInclusionForum: "Refer back to Inclusion Forum",
  schoolContinuesWithAdvice: "School continues with advice",
  inSchoolSupport: "Partnership in-school support",
  programmeManagementPartTime: "Programme Management (part-time)",
  programmeManagementFullTime: "Programme Management (full-time)",
  managedMoveOrFreshStart: "Managed move / fresh start support",
} as const;

export type CoreGroupOutcome = keyof typeof coreGroupOutcomeLabels;
export const coreGroupOutcomes = Object.keys(coreGroupOutcomeLabels) as [CoreGroupOutcome, ...CoreGroupOutcome[]];
export const coreGroupOutcomeSchema = z.enum(coreGroupOutcomes);

/** Outcomes that start a Programme Management placement (and so need a PO and a place). */
export function isProgrammeManagement(outcome: CoreGroupOutcome): boolean {
  return outcome === "programmeManagementPartTime" || outcome === "programmeManagementFullTime";
}

/**
 * What an Inclusion Forum records for a case (docs/domain.md, the graduated response, step 1).
 *
 * @example
 * inclusionForumOutcomeLabels.referToPartnership // "Refer to Partnership"
 */
export const inclusionForumOutcomeLabels = {
  advice: "Advice",
  resources: "Links to resources and services",
  sendPlanGuidance: "Guidance on a SEND plan",
  pathway: "Pathway to services",
  directSupport: "Direct support",
  referToPartnership: "Refer to Partnership",
} as const;

export type InclusionForumOutcome = keyof typeof inclusionForumOutcomeLabels;
export const inclusionForumOutcomes = Object.keys(inclusionForumOutcomeLabels) as [
  InclusionForumOutcome,
  ...InclusionForumOutcome[],
];
export const inclusionForumOutcomeSchema = z.enum(inclusionForumOutcomes);
