/**
 * Writes that arrive while one is under way wait and go together in the next: a group commit. The first caller's
 * items are written at once; callers that come while that write is in flight are gathered and written in one go as
 * soon as it ends, each resolved (or rejected) with the write that carried its items. Nobody is answered before
 * their items are written, so a caller that answers "accepted" after it can rely on them; under a burst the number
 * of writes follows the writer's speed, not the number of callers.
 *
 * @example
 * const send = groupCommit((items: readonly string[]) => writeAll(items));
 * await Promise.all([send(["a"]), send(["b"]), send(["c"])]); // two writes: ["a"], then ["b", "c"]
 */
export function groupCommit<T>(write: (items: readonly T[]) => Promise<void>): (items: readonly T[]) => Promise<void> {
  let writing = false;
  let waiting: { items: T[]; done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;

  const run = (items: readonly T[]): Promise<void> => {
    writing = true;
    // A writer that throws at once rejects like one that fails later.
    const done = new Promise<void>((resolve) => resolve(write(items)));
    const next = () => {
      writing = false;
      const group = waiting;
      waiting = undefined;
      if (group) run(group.items).then(group.resolve, group.reject);
    };
    done.then(next, next);
    return done;
  };

  return (items) => {
    if (items.length === 0) return Promise.resolve();
    if (!writing) return run(items);
    if (!waiting) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      waiting = { items: [], done, resolve, reject };
    }
    waiting.items.push(...items);
    return waiting.done;
  };
}
