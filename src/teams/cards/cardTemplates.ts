import { Template } from "adaptivecards-templating";
import coreGroupTemplate from "../../../cards/coreGroup.json";
import inclusionForumAgendaTemplate from "../../../cards/inclusionForumAgenda.json";
import postedAgainTemplate from "../../../cards/postedAgain.json";
import type { CoreGroupCardView, ForumAgendaView, PostedAgainView } from "../../domain/coreGroup";
import type { AdaptiveCardJson } from "../teamsChannel";

/** The card templates in `cards/`, by name (the tests parse each one). */
export const cardTemplates = { coreGroup: coreGroupTemplate, inclusionForumAgenda: inclusionForumAgendaTemplate, postedAgain: postedAgainTemplate } as const;

/** A template bound with data left a `${...}` unexpanded: a field the view forgot, shown to people as code. */
export class UnboundCardFieldError extends Error {
  constructor(readonly template: string, readonly expression: string) {
    super(`The ${template} card left ${expression} unbound; the card was not sent.`);
    this.name = "UnboundCardFieldError";
  }
}

/**
 * Binds a view into a card template (Adaptive Cards templating, `${}` expressions). Refuses to return a card
 * with an expression left unbound.
 *
 * @example
 * bindCard("coreGroup", view) // { type: "AdaptiveCard", version: "1.5", body: [...] }
 */
export function bindCard(name: keyof typeof cardTemplates, data: object): AdaptiveCardJson {
  const card = new Template(cardTemplates[name]).expand({ $root: inert(data) }) as AdaptiveCardJson;
  if (card.refresh === null) delete card.refresh; // a `$when` that was false leaves null behind
  const left = /\$\{[^}]*\}/.exec(JSON.stringify(card));
  if (left) throw new UnboundCardFieldError(name, left[0]);
  return card;
}

/** Text typed into a list (a school's name, who decided) that looks like `${...}` is shown, never mistaken for a binding. */
function inert(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/\$\{/g, "$ {");
  if (Array.isArray(value)) return value.map(inert);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inert(v)]));
  return value;
}

/**
 * The Core Group card for everyone (a view without a viewer) or for one person (their own view).
 *
 * @example
 * coreGroupCard(coreGroupCardView({ facts, ... })).body[0] // the header: "Core Group: LNCIP-2026-0042"
 */
export function coreGroupCard(view: CoreGroupCardView): AdaptiveCardJson {
  return bindCard("coreGroup", view);
}

/**
 * The Inclusion Forum agenda card.
 *
 * @example
 * inclusionForumAgendaCard(forumAgendaView(meeting, cases))
 */
export function inclusionForumAgendaCard(view: ForumAgendaView): AdaptiveCardJson {
  return bindCard("inclusionForumAgenda", view);
}

/**
 * What an earlier copy of a card becomes when the card is posted again ("show open cases", a channel chosen again):
 * its title and a line pointing to the newest post, no buttons, so one card stays current for everyone.
 *
 * @example
 * postedAgainCard({ title: "Core Group: LNCIP-2026-0042", text: "Posted again below: use the newest post." }).actions // undefined
 */
export function postedAgainCard(view: PostedAgainView): AdaptiveCardJson {
  return bindCard("postedAgain", view);
}
