import type { LocalSystem } from "../../sandbox/localSystem";
import { startTestPlayground } from "../../sandbox/playgroundDriver";
import { benchCases } from "../benchCases";
import type { Figure } from "../report";
import { percentile, round1 } from "../stats";

const POLLING_TRIGGER_MS = 60_000;

/**
 * List change → Core Group card posted: a coordinator moves a triaged case to "Ready for Core Group" in SharePoint
 * (a person's edit in the Graph sandbox), and the clock stops when the case's card arrives in the Core Group channel
 * of the Agents Playground (its conversation stream, as a panel member's Teams would show it). In between: Graph's
 * change notification, the webhook, the queue, the delta round, the ETag-guarded write, the meeting assignment and
 * its invitation, and the bot's post through the connector.
 *
 * - `p50Ms` / `p95Ms`: over `changes` edits made one at a time on a quiet system.
 * - In the notes: the same for a burst of `burst` edits made at once.
 *
 * @example
 * await changeToCard(system, { changes: 20, burst: 10 }) // { key: "changeToCard", values: { p50Ms: 640, p95Ms: 910 }, … }
 */
export async function changeToCard(system: LocalSystem, options: { changes: number; burst: number }): Promise<Figure> {
  const cases = benchCases(system);
  const playground = await startTestPlayground(`${system.appUrl}/api/messages`);
  try {
    await playground.chooseChannel("Core Group");
    const triaged = async (tag: string) => {
      const ref = await cases.refer(tag);
      await cases.edit(ref, { Status: "In triage" }, () => cases.item("Cases", ref)?.fields.WorkflowVersion === 1);
      return ref;
    };
    const cardArrival = (ref: string) => {
      const i = playground.events.findIndex((e) => (e as { action?: string }).action === "createMessage" && JSON.stringify(e).includes(`Core Group: ${ref}"`));
      return i >= 0 ? playground.eventTimes[i] : undefined;
    };
    const time = async (refs: readonly string[]): Promise<number[]> => {
      const changedAt = new Map<string, number>();
      for (const ref of refs) {
        cases.sites.patchAsPerson(cases.siteId, "Cases", cases.item("Cases", ref)!.id, { Status: "Ready for Core Group" });
        changedAt.set(ref, Date.now());
      }
      await cases.until(() => refs.every((r) => cardArrival(r) !== undefined), `the cards of ${refs.join(", ")}`, 120_000);
      return refs.map((r) => cardArrival(r)! - changedAt.get(r)!);
    };

    const quiet: number[] = [];
    for (let i = 0; i < options.changes; i++) {
      const ref = await triaged(`card-${i}`);
      await cases.settle();
      quiet.push(...(await time([ref])));
    }
    const burstRefs: string[] = [];
    for (let i = 0; i < options.burst; i++) burstRefs.push(await triaged(`burst-${i}`));
    await cases.settle();
    const burst = await time(burstRefs);

    const p50 = percentile(quiet, 50)!;
    const p95 = percentile(quiet, 95)!;
    return {
      key: "changeToCard",
      title: "List change → Core Group card posted",
      values: { p50Ms: round1(p50), p95Ms: round1(p95) },
      reference: { text: "a 60 s polling trigger (Power Automate / a timer polling the list): 30 s on average, up to 60 s", value: POLLING_TRIGGER_MS, unit: "ms" },
      meets: p95 < POLLING_TRIGGER_MS,
      notes: [
        `${options.changes} edits to "Ready for Core Group", one at a time on a settled system, each timed from the edit in SharePoint to the card's arrival in the Playground's Core Group channel: ${quiet.map((v) => Math.round(v)).join(", ")} ms.`,
        `A burst of ${options.burst} edits at once: p50 ${round1(percentile(burst, 50)!)} ms, p95 ${round1(percentile(burst, 95)!)} ms, slowest ${Math.round(Math.max(...burst))} ms.`,
        "Not included: Graph's own delay in sending a change notification in a tenant (the sandbox sends within its 50 ms batch window). A polling trigger would add its interval on top of the same work.",
        "Between the edit and the card: the webhook's 202, the queue, one delta round, the ETag-guarded write of the new state, the meeting assignment (with the school's invitation to the meeting's Teams event) and the bot's post through the connector.",
      ],
    };
  } finally {
    await playground.stop();
  }
}
