import type { CaseCommandKind } from "../case/decide";
import { partnershipStaff, type Role } from "./roles";

/**
 * How a command reaches the app: a person's edit of a SharePoint list item (`sharepointEdit`, the item version's
 * `lastModifiedBy`), a press or typed command in Teams (`teamsPress`, the activity's `from`), or a call to one of the
 * app's HTTP endpoints (`endpoint`, the caller's key and the identity it carries, such as the Forms responder).
 */
export const channels = ["sharepointEdit", "teamsPress", "endpoint"] as const;
export type Channel = (typeof channels)[number];

/** Commands beyond the case's state machine that are still someone's to give. */
export type PanelCommand = "chooseChannel" | "giveView";

/** Everything the permission table answers for. */
export type AccessCommand = CaseCommandKind | PanelCommand;

/** One row of the permission table: who may give the command by each channel; `app` when the app itself gives it. */
export interface Permission {
  /** What the command does, in the users' words, after "can" ("Only … can record the Core Group's decision"). */
  does: string;
  by: Partial<Record<Channel, readonly Role[]>>;
  /** The app gives this command itself (a timer, a placement set up, the waiting list moving): no person may. */
  app?: true;
}

const staff = partnershipStaff;

/**
 * The permission table: which role may give which command by which channel. Anything not listed is refused. The
 * state machine's own rules (a status that does not allow the command, a reason missing) apply after this.
 *
 * @example
 * permissions.grantDirectorsException.by.sharepointEdit // ["director"]
 * permissions.recordDecision.by.teamsPress             // ["coreGroupChair"]
 * permissions.offerPlace.app                           // true
 */
export const permissions: Readonly<Record<AccessCommand, Permission>> = {
  triage: { does: "take a case into triage", by: { sharepointEdit: staff } },
  scheduleForInclusionForum: { does: "put a case on the Inclusion Forum's agenda", by: { sharepointEdit: staff } },
  recordInclusionForumOutcome: { does: "record the Inclusion Forum's outcome", by: { teamsPress: ["inclusionForumMember"] } },
  convertToReferral: { does: "take an Inclusion Forum case on as a Partnership referral", by: { sharepointEdit: staff } },
  continueAsReferral: { does: "continue an Inclusion Forum case with a Partnership referral", by: { endpoint: ["schoolReferrer"] } },
  recordInclusionForumOverride: { does: "let a referral go to Core Group without an Inclusion Forum discussion", by: { sharepointEdit: ["director"] } },
  grantDirectorsException: { does: "grant an exception to the Inclusion Forum first rule", by: { sharepointEdit: ["director"] } },
  refuseDirectorsException: { does: "refuse an exception to the Inclusion Forum first rule", by: { sharepointEdit: ["director"] } },
  approveExtraPlace: { does: "approve a place beyond the key stage's number", by: { sharepointEdit: ["director"] } },
  markReadyForCoreGroup: { does: "put a referral forward to Core Group", by: { sharepointEdit: staff } },
  recordDecision: { does: "record the Core Group's decision", by: { teamsPress: ["coreGroupChair"], sharepointEdit: ["coreGroupChair", "coordinator"] } },
  receivePurchaseOrder: { does: "record a purchase order", by: { sharepointEdit: staff } },
  offerPlace: { does: "offer a waiting case a place", by: {}, app: true },
  waitForPlace: { does: "put a case on the waiting list", by: {}, app: true },
  startPlacement: { does: "start a placement", by: { sharepointEdit: staff }, app: true },
  endPlacement: { does: "end a placement", by: { sharepointEdit: staff } },
  reopen: { does: "reopen a case", by: { sharepointEdit: staff } },
  withdraw: { does: "withdraw a case", by: { sharepointEdit: staff } },
  close: { does: "close a case", by: { sharepointEdit: staff } },
  chooseChannel: { does: "choose the Teams channel for the Core Group or the Inclusion Forum", by: { teamsPress: ["coordinator"] } },
  giveView: { does: "give a view on a Core Group case", by: { teamsPress: ["coreGroupMember", "coreGroupChair"] } },
};
