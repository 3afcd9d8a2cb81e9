/** What the soak's stages share: waiting for something, retrying as a browser or a flow does, running in parallel. */

/**
 * Polls `done` until it holds, running `meanwhile` between polls; past `timeoutMs` it fails with what is missing.
 *
 * @example
 * await until("the case item", () => !!item(ref), 30_000)
 */
export async function until(what: string, done: () => boolean, timeoutMs: number, meanwhile?: () => Promise<void>, missing?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Soak: timed out waiting for ${what}${missing ? `: ${missing()}` : ""}`);
    await meanwhile?.();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Retries a request on the given statuses (and on a dropped connection), honouring Retry-After: what Power
 * Automate's HTTP action and a browser's SharePoint page do.
 *
 * @example
 * const res = await retrying(() => fetch(url, { method: "POST", body }))
 */
export async function retrying(send: () => Promise<Response>, statuses: number[] = [429, 500, 502, 503, 504]): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send().catch(() => undefined);
    if (res && (!statuses.includes(res.status) || attempt >= 12)) return res;
    if (!res && attempt >= 12) throw new Error("The request kept failing to connect");
    const wait = Number(res?.headers.get("retry-after") ?? 0) * 1000 || 200 * attempt;
    await res?.text().catch(() => "");
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Runs `work` over `items`, `concurrency` at a time (people working at once).
 *
 * @example
 * await inParallel(refs, 16, async (ref) => coordinator.patch(ref, { Status: "In triage" }))
 */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    range(Math.min(concurrency, items.length)).map(async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
