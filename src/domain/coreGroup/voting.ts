import { coreGroupOutcomeLabels, type CoreGroupOutcome } from "../case/outcomes";

/** A head or senior leader on the Core Group panel, for one partner school. */
export interface CoreGroupMember {
  /** Entra object id or email: whatever identifies the person in Teams. */
  id: string;
  schoolUrn: string;
  name: string;
}

/** Who may take part in one meeting's decisions. */
export interface Panel {
  members: readonly CoreGroupMember[];
  /** A member may name a deputy for a meeting; the deputy's view counts for the member's school. */
  deputies: readonly { for: string; deputy: { id: string; name: string } }[];
  chairId: string;
  /** Views from this many different schools are needed before the chair may record the decision. */
  quorumSchools: number;
}

export interface View {
  outcome: CoreGroupOutcome;
  /** Kept with the Decisions record only: it may name people, so it is never shown on the shared card. */
  comment?: string | undefined;
  at: string;
  schoolUrn: string;
  /** The deputy who gave it, when not the member. */
  givenBy: string;
}

export interface VotingState {
  caseRef: string;
  /** One current view per member (keyed by the member, also when their deputy gave it). */
  views: Readonly<Record<string, View>>;
  decision?: { outcome: CoreGroupOutcome; by: string; at: string } | undefined;
}

export type VotingResult = { ok: true; state: VotingState; changed: boolean } | { ok: false; refusal: string };

function seatOf(panel: Panel, personId: string): { member: CoreGroupMember; viaDeputy: boolean } | undefined {
  const member = panel.members.find((m) => m.id === personId);
  if (member) return { member, viaDeputy: false };
  const deputy = panel.deputies.find((d) => d.deputy.id === personId);
  const forMember = deputy && panel.members.find((m) => m.id === deputy.for);
  return forMember ? { member: forMember, viaDeputy: true } : undefined;
}

/**
 * A member (or their deputy) gives or changes their view on a case. Non-members are refused with a message for
 * the card; a view on a decided case is refused with who decided and when.
 *
 * @example
 * const panel = { members: [{ id: "head@oakfield.example", schoolUrn: "120345", name: "Head, Oakfield" }], deputies: [],
 *   chairId: "chair@lncip.example", quorumSchools: 3 };
 * const result = giveView({ caseRef: "LNCIP-2026-0042", views: {} }, panel, "head@oakfield.example", "inSchoolSupport", undefined,
 *   new Date("2026-11-26T16:00:00Z"));
 * result.state.views["head@oakfield.example"] // { outcome: "inSchoolSupport", schoolUrn: "120345", ... }
 * giveView(result.state, panel, "someone@else.example", "inSchoolSupport", undefined, new Date()).ok // false: not on the panel
 */
export function giveView(state: VotingState, panel: Panel, personId: string, outcome: CoreGroupOutcome, comment: string | undefined, now: Date): VotingResult {
  if (state.decision) return { ok: false, refusal: alreadyDecided(state) };
  const seat = seatOf(panel, personId);
  if (!seat) return { ok: false, refusal: "Only Core Group members (or a member's named deputy) can give a view on this case." };
  const previous = state.views[seat.member.id];
  if (previous && previous.outcome === outcome && previous.comment === comment) return { ok: true, state, changed: false };
  const view: View = { outcome, comment, at: now.toISOString(), schoolUrn: seat.member.schoolUrn, givenBy: personId };
  return { ok: true, state: { ...state, views: { ...state.views, [seat.member.id]: view } }, changed: true };
}

/**
 * How the views stand: per outcome, and how many different schools have given one.
 *
 * @example
 * const view = (outcome, schoolUrn) => ({ outcome, schoolUrn, at: "2026-11-26T16:00:00Z", givenBy: "" });
 * tally({ caseRef: "LNCIP-2026-0042", views: { a: view("inSchoolSupport", "1"), b: view("inSchoolSupport", "2"),
 *   c: view("programmeManagementPartTime", "3") } })
 * // { byOutcome: { inSchoolSupport: 2, programmeManagementPartTime: 1 }, schools: 3 }
 */
export function tally(state: VotingState): { byOutcome: Partial<Record<CoreGroupOutcome, number>>; schools: number } {
  const byOutcome: Partial<Record<CoreGroupOutcome, number>> = {};
  for (const v of Object.values(state.views)) byOutcome[v.outcome] = (byOutcome[v.outcome] ?? 0) + 1;
  return { byOutcome, schools: new Set(Object.values(state.views).map((v) => v.schoolUrn)).size };
}

/**
 * The chair records the decision, once quorum is met. Recording the same decision again (a second press, a
 * retried message) changes nothing; a different one on a decided case is refused with who decided and when.
 *
 * @example
 * const panel = { members: [], deputies: [], chairId: "chair@lncip.example", quorumSchools: 3 };
 * const view = (schoolUrn) => ({ outcome: "inSchoolSupport", schoolUrn, at: "2026-11-26T16:00:00Z", givenBy: "" });
 * const state = { caseRef: "LNCIP-2026-0042", views: { a: view("1"), b: view("2") } };
 * recordDecision(state, panel, panel.chairId, "programmeManagementPartTime", new Date("2026-11-26T16:05:00Z"))
 * // { ok: false, refusal: "Views from 1 more school are needed before the decision can be recorded." }
 */
export function recordDecision(state: VotingState, panel: Panel, personId: string, outcome: CoreGroupOutcome, now: Date): VotingResult {
  if (state.decision) {
    if (state.decision.outcome === outcome && state.decision.by === personId) return { ok: true, state, changed: false };
    return { ok: false, refusal: alreadyDecided(state) };
  }
  if (personId !== panel.chairId) return { ok: false, refusal: "Only this meeting's chair can record the Core Group's decision." };
  const missing = panel.quorumSchools - tally(state).schools;
  if (missing > 0) return { ok: false, refusal: `Views from ${missing} more school${missing === 1 ? " are" : "s are"} needed before the decision can be recorded.` };
  return { ok: true, state: { ...state, decision: { outcome, by: personId, at: now.toISOString() } }, changed: true };
}

function alreadyDecided(state: VotingState): string {
  const d = state.decision!;
  return `${state.caseRef} was already decided (${coreGroupOutcomeLabels[d.outcome]}) by ${d.by} at ${d.at}.`;
}
