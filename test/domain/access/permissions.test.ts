import { describe, expect, it } from "vitest";
import { authorize, channels, permissions, roles, type AccessCommand, type Channel, type Role } from "../../../src/domain/access";
import { allowedCommands } from "../../../src/domain/case";

/**
 * The permission table decides every (command × role × channel): a person with exactly that role is let through
 * exactly when the table lists the role for the channel, and told who may otherwise, in the users' words.
 */
const commands = Object.keys(permissions) as AccessCommand[];

/** What the partnership's rule book says, written out by hand: the table must say the same. */
const expected: Record<AccessCommand, Partial<Record<Channel, readonly Role[]>>> = {
  triage: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  scheduleForInclusionForum: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  recordInclusionForumOutcome: { teamsPress: ["inclusionForumMember"] },
  convertToReferral: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  continueAsReferral: { endpoint: ["schoolReferrer"] },
  recordInclusionForumOverride: { sharepointEdit: ["director"] },
  grantDirectorsException: { sharepointEdit: ["director"] },
  refuseDirectorsException: { sharepointEdit: ["director"] },
  approveExtraPlace: { sharepointEdit: ["director"] },
  markReadyForCoreGroup: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  recordDecision: { teamsPress: ["coreGroupChair"], sharepointEdit: ["coreGroupChair", "coordinator"] },
  receivePurchaseOrder: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  offerPlace: {},
  waitForPlace: {},
  startPlacement: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  endPlacement: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  reopen: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  withdraw: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  close: { sharepointEdit: ["director", "partnershipSenco", "coordinator"] },
  chooseChannel: { teamsPress: ["coordinator"] },
  giveView: { teamsPress: ["coreGroupMember", "coreGroupChair"] },
};

describe("the permission table", () => {
  it("covers every command the state machine knows", () => {
    const caseCommands = new Set(Object.values(allowedCommands).flat());
    for (const c of caseCommands) expect(commands, c).toContain(c);
  });

  const cases = commands.flatMap((command) => roles.flatMap((role) => channels.map((channel) => ({ command, role, channel }))));
  it.each(cases)("$command by $role via $channel", ({ command, role, channel }) => {
    const allowed = (expected[command][channel] ?? []).includes(role);
    const answer = authorize({ kind: "person", roles: [role] }, command, channel, "LNCIP-2026-0042");
    expect(answer.ok).toBe(allowed);
    if (!answer.ok) {
      expect(answer.message).toMatch(/^(Only|Nobody can) /);
      expect(answer.message).toContain(permissions[command].does);
      if (channel === "sharepointEdit") expect(answer.message).toMatch(/your change to LNCIP-2026-0042 has been put back\.$/);
    }
  });

  it("refuses everything to a person no list names, and lets the app give only its own commands", () => {
    for (const command of commands) {
      for (const channel of channels) expect(authorize({ kind: "person", roles: [] }, command, channel).ok).toBe(false);
      expect(authorize({ kind: "app" }, command, "sharepointEdit").ok).toBe(permissions[command].app === true);
    }
  });

  it("says who may, in the users' words", () => {
    expect(authorize({ kind: "person", roles: ["coordinator"] }, "grantDirectorsException", "sharepointEdit", "LNCIP-2026-0042")).toEqual({
      ok: false,
      code: "notPermitted",
      message: "Only the partnership Director can grant an exception to the Inclusion Forum first rule; your change to LNCIP-2026-0042 has been put back.",
    });
    expect(authorize({ kind: "person", roles: ["partnershipSenco"] }, "recordDecision", "sharepointEdit", "LNCIP-2026-0042").ok).toBe(false);
    expect(authorize({ kind: "person", roles: ["coreGroupMember"] }, "recordDecision", "teamsPress")).toMatchObject({ message: "Only the chair of the Core Group meeting can record the Core Group's decision." });
    expect(authorize({ kind: "person", roles: ["director"] }, "offerPlace", "sharepointEdit")).toMatchObject({ ok: false, message: "Nobody can offer a waiting case a place in SharePoint." });
  });
});
