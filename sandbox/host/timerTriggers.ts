import { CronExpressionParser } from "cron-parser";
import type { CoreState, RegisteredFunction } from "./coreModule";
import { invoke } from "./invoke";
import { resolveSetting } from "./appLoader";
import { writeQueueOutputs, type QueueOptions } from "./queueTriggers";

/** The timer input the library expects (it camel-cases the keys). */
export function timerInput(last: Date | undefined, next: Date, isPastDue = false): string {
  return JSON.stringify({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: { Last: (last ?? new Date(0)).toISOString(), Next: next.toISOString(), LastUpdated: new Date().toISOString() },
    IsPastDue: isPastDue,
  });
}

export function nextOccurrence(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: "UTC" }).next().toDate();
}

/**
 * Fires a timer trigger on its NCRONTAB schedule (six fields with seconds, in UTC as on Flex Consumption), once
 * at start-up when `runOnStartup` is set, and never overlapping: the next run is planned after one finishes.
 */
export function startTimerTrigger(core: CoreState, fn: RegisteredFunction, triggerName: string, queue: QueueOptions): () => void {
  const binding = fn.metadata.bindings[triggerName]!;
  const schedule = resolveSetting(binding.schedule ?? "");
  let last: Date | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async (planned: Date) => {
    try {
      await invoke(core, fn, [{ name: triggerName, data: { json: timerInput(last, nextOccurrence(schedule, planned)) } }], {}, "Timer fired", (outcome) => writeQueueOutputs(fn, outcome, queue));
    } catch (e) {
      core.log("error", fn.metadata.name, `Timer run failed: ${(e as Error).message}`);
    }
    last = planned;
  };
  // setTimeout overflows past 2^31-1 ms (under 25 days) and would fire at once: wait in steps instead.
  const MAX_WAIT = 2 ** 31 - 1;
  const waitFor = (next: Date) => {
    if (stopped) return;
    const wait = next.getTime() - Date.now();
    timer = wait > MAX_WAIT ? setTimeout(() => waitFor(next), MAX_WAIT) : setTimeout(() => void run(next).then(plan), Math.max(0, wait));
  };
  const plan = () => {
    if (!stopped) waitFor(nextOccurrence(schedule, new Date()));
  };
  if (binding.runOnStartup) void run(new Date()).then(plan);
  else plan();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
