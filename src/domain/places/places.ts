import type { KeyStage } from "../referral/keyStage";

/**
 * A placement as the partnership's places are counted: its case, key stage, whether it has started, and its item
 * id (SharePoint's ids only grow, so ids give the order placements were set up in). Only placements that have not
 * ended hold a place.
 */
export interface PlaceHolder {
  id: string;
  caseRef: string;
  keyStage: KeyStage;
  started: boolean;
}

/**
 * The places held per key stage by the placements given (those that have not ended), not counting the case named
 * (its own placement is no rival to it). With `startedOnly`, only placements already started hold a place: two
 * decisions at the same moment can set up one placement more than there are places, and the one set up second
 * must wait for a place rather than stop every other from starting.
 *
 * @example
 * placesTaken([{ id: "1", caseRef: "LNCIP-2026-0040", keyStage: "KS3", started: true },
 *              { id: "2", caseRef: "LNCIP-2026-0042", keyStage: "KS3", started: false }], { notCounting: "LNCIP-2026-0042" })
 * // { KS3: 1, KS4: 0 }
 */
export function placesTaken(placements: readonly PlaceHolder[], options: { notCounting?: string | undefined; startedOnly?: boolean } = {}): Record<KeyStage, number> {
  const taken: Record<KeyStage, number> = { KS3: 0, KS4: 0 };
  for (const p of placements) {
    if (options.notCounting && p.caseRef === options.notCounting) continue;
    if (options.startedOnly && !p.started) continue;
    taken[p.keyStage]++;
  }
  return taken;
}

/**
 * The places of a key stage still free (below zero when more placements run than there are places: a coordinator
 * lowered the number).
 *
 * @example
 * placesLeft({ KS3: 9, KS4: 26 }, { KS3: 9, KS4: 3 }, "KS4") // 23
 */
export function placesLeft(places: Readonly<Record<KeyStage, number>>, taken: Readonly<Record<KeyStage, number>>, keyStage: KeyStage): number {
  return places[keyStage] - taken[keyStage];
}

/**
 * Whether the placement `id` holds one of its key stage's places: the open placements of a key stage hold its
 * places in the order they were set up, so the earliest `places` of them do. Undefined when `id` is not among them.
 *
 * @example
 * // (illustrative)
 * holdsPlace([{ id: "7", keyStage: "KS3", … }, { id: "9", keyStage: "KS3", … }], "9", 1) // false: 7 was set up first and holds the only place
 */
export function holdsPlace(placements: readonly PlaceHolder[], id: string, places: number): boolean | undefined {
  const placement = placements.find((p) => p.id === id);
  if (!placement) return undefined;
  const rank = placements.filter((p) => p.keyStage === placement.keyStage).sort((a, b) => Number(a.id) - Number(b.id)).indexOf(placement) + 1;
  return rank <= places;
}
