import { createHash } from "node:crypto";
import type { Day } from "../../domain/calendar";
import type { PlacementsRow, ProvidersRow } from "../../domain/lists";
import { providerFlags, providerFromRow, unregisteredProviderProblems, unregisteredRuleApplies, type PlacementAtProviders, type Provider } from "../../domain/placement";
import { providerChecksDue } from "../messages/coordinatorMessages";
import { isReadable, type ListItem } from "../../m365/sharepoint/items";
import { mailOnce, openPlacementOf, openPlacements, placementRecord, readCase, type PlacementPorts } from "./placementPorts";

/*
 * The partnership's alternative providers (the Providers list): who a new placement's AP days go to, whether a
 * placement may start under the unregistered-school rule, and the checks due at each provider in use.
 */

/**
 * The Providers list, in its order, as placements name them (rows that cannot be read are reported and left out).
 *
 * @example
 * (await providersOf(ports)).map((p) => p.id) // ["riverside", "north-works", "hillview"]
 */
export async function providersOf(ports: Pick<PlacementPorts, "providers">): Promise<{ provider: Provider; row: ProvidersRow }[]> {
  const items = await ports.providers.all();
  return items.sort((a, b) => Number(a.id) - Number(b.id)).map((i) => ({ provider: providerFromRow(i.row), row: i.row }));
}

/**
 * The placements running now (started) with their patterns, other than `caseRef`'s: what the unregistered-school rule
 * counts at each provider. No identity: the rule's second limb counts pupils, the first looks at the new one only.
 * Taken from the invocation's one read of the placements not ended (`openPlacements`), not a query of its own.
 *
 * @example
 * (await runningPlacements(ports, "LNCIP-2026-0042")).length // 4
 */
export async function runningPlacements(ports: Pick<PlacementPorts, "placements">, caseRef: string): Promise<PlacementAtProviders[]> {
  const active = (await openPlacements(ports)).filter((i): i is ListItem<PlacementsRow> => isReadable(i) && i.row.PlacementStatus === "active").map(placementRecord);
  return active.flatMap((p) => (p.row.CaseRef !== caseRef && p.row.PlacementStatus === "active" && p.pattern ? [{ caseRef: p.row.CaseRef, pattern: p.pattern, ehcp: false, lookedAfter: false }] : []));
}

/**
 * Why starting the case's placement (its open one, with its pattern) would break the unregistered-school rule, in
 * words: what `startPlacement` is decided against. Empty when it may start (or there is no pattern to judge).
 *
 * @example
 * await startProblems(ports, "LNCIP-2026-0042") // ["Riverside AP is not a registered school: starting LNCIP-2026-0042 would make it educate 5 …"]
 */
export async function startProblems(ports: Pick<PlacementPorts, "cases" | "placements" | "providers">, caseRef: string): Promise<string[]> {
  const open = await openPlacementOf(ports, caseRef);
  // Nothing over 18 hours a week at any provider: the rule has nothing to judge, so the Providers list is not read.
  if (!open?.pattern || !unregisteredRuleApplies(open.pattern)) return [];
  const found = await readCase(ports, caseRef);
  const start = { caseRef, pattern: open.pattern, ehcp: found?.row.SendStatus === "ehcp", lookedAfter: found?.row.LookedAfter === true };
  return unregisteredProviderProblems(start, await runningPlacements(ports, caseRef), (await providersOf(ports)).map((p) => p.provider));
}

/**
 * Tells the Coordinator of each provider a placement uses whose quality-assurance visit or safeguarding confirmation
 * is older than a year (or was never recorded): once per provider, check and recorded date, so the daily round does
 * not repeat it and a new date that is again too old is told again. Returns how many were told now.
 *
 * @example
 * await flagProviders(ports, openPlacements, "2026-12-02") // 1: North Works' safeguarding checks were confirmed in June 2025
 */
export async function flagProviders(ports: PlacementPorts, placements: readonly { row: Pick<PlacementsRow, "PlacementStatus">; pattern?: { [day: string]: { provider?: Provider | undefined } } | undefined }[], today: Day): Promise<number> {
  const used = new Set<string>();
  for (const p of placements) {
    if (p.row.PlacementStatus === "ended" || !p.pattern) continue;
    for (const day of Object.values(p.pattern)) if (day.provider) used.add(day.provider.id);
  }
  if (used.size === 0) return 0;
  let told = 0;
  for (const { provider, row } of await providersOf(ports)) {
    if (!used.has(provider.id)) continue;
    for (const flag of providerFlags(row, today)) {
      const recorded = flag.kind === "qualityAssuranceVisit" ? row.LastQaVisit : row.SafeguardingConfirmedOn;
      const key = `mail:providerCheck:${createHash("sha256").update(`${provider.id}|${flag.kind}|${recorded ?? "never"}`).digest("hex").slice(0, 24)}`;
      if (await mailOnce(ports, key, [ports.settings.COORDINATOR_EMAIL], providerChecksDue(provider.name, flag.message))) told++;
    }
  }
  return told;
}
