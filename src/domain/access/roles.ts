import { z } from "zod";

/**
 * The roles people hold in the partnership, as the People and CoreGroupPanel lists record them (only partnership
 * staff can edit either list). A person may hold several: the Director usually also sits on the Inclusion Forum.
 * `coreGroupChair` and `coreGroupMember` are per meeting (a deputy counts as the member they stand in for);
 * `schoolReferrer` is whoever submitted the Referral Form, as Forms authenticated them.
 */
export const roles = ["director", "partnershipSenco", "coordinator", "coreGroupChair", "coreGroupMember", "inclusionForumMember", "schoolReferrer"] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** The roles a person can be given in the People list (the panel's seats are in the CoreGroupPanel list). */
export const peopleRoles = ["director", "partnershipSenco", "coordinator", "inclusionForumMember"] as const;
export type PeopleRole = (typeof peopleRoles)[number];

/** Each role as the partnership says it, after "only" ("Only the partnership Director can …"). */
export const roleLabels: Record<Role, string> = {
  director: "the partnership Director",
  partnershipSenco: "the partnership SENCO",
  coordinator: "a partnership Coordinator",
  coreGroupChair: "the chair of the Core Group meeting",
  coreGroupMember: "a Core Group member (or their deputy for the meeting)",
  inclusionForumMember: "an Inclusion Forum member",
  schoolReferrer: "the school's referrer",
};

/** Partnership staff: the people who see pupil data in SharePoint and run the workflow from it. */
export const partnershipStaff: readonly Role[] = ["director", "partnershipSenco", "coordinator"];

/**
 * Whether a person with these roles is partnership staff.
 *
 * @example
 * isPartnershipStaff(["coordinator"])      // true
 * isPartnershipStaff(["coreGroupMember"])  // false
 */
export function isPartnershipStaff(held: readonly Role[]): boolean {
  return held.some((r) => partnershipStaff.includes(r));
}
