import { AsyncLocalStorage } from "node:async_hooks";
import { scrubMessage, structuredLog, type LogContext, type LogFields, type StructuredLog } from "./structuredLog";
import { withReadScope } from "../../m365/sharepoint/readScope";

const current = new AsyncLocalStorage<StructuredLog>();

/**
 * Runs one invocation's work with its structured log as the log of everything the work does. The app's ports are
 * built once per process, so they cannot hold an invocation's log: they write to `currentLog()`, which is the log
 * of the invocation whose work is running (Node's AsyncLocalStorage follows it through every await), never another
 * invocation's that happens to run at the same time. The work also runs in its own read scope (see
 * src/m365/sharepoint/readScope.ts): what the invocation has read of a list, or written to it, is not read again.
 *
 * @example
 * handler: (request, context) => inInvocation(context, (log) => answerSomething(request, log))
 */
export function inInvocation<T>(context: LogContext, work: (log: StructuredLog) => Promise<T>): Promise<T> {
  const log = structuredLog(context);
  return current.run(log, async () => {
    try {
      return await withReadScope(() => work(log));
    } catch (e) {
      // The host logs what a failed invocation throws (and Application Insights keeps it): only a scrubbed copy
      // leaves the app, so no error message — a Graph error echoing a value, a parse error quoting one — bypasses
      // the scrub. The host still sees the failure, so the queue retries as before.
      throw scrubbedError(e);
    }
  });
}

/**
 * An error as it may leave the app: its class name kept (so retries and dashboards tell kinds apart), its message
 * and stack scrubbed (see `scrubMessage`).
 *
 * @example
 * scrubbedError(new Error("Item for F801200100001 failed")).message // "Item for [removed] failed"
 */
export function scrubbedError(e: unknown): Error {
  const original = e instanceof Error ? e : new Error(String(e));
  const scrubbed = new Error(scrubMessage(original.message));
  scrubbed.name = original.name;
  scrubbed.stack = original.stack ? scrubMessage(original.stack) : undefined;
  return scrubbed;
}

/** Outside any invocation (start-up, a script): a scrubbed line on the console. */
const processLog: StructuredLog = {
  info: (m, f) => console.log(line(m, f)),
  warn: (m, f) => console.warn(line(m, f)),
  error: (m, f) => console.error(line(m, f)),
  forCase: () => processLog,
};
const line = (message: string, fields: LogFields = {}) => scrubMessage(`${message}${Object.keys(fields).length ? `: ${JSON.stringify(fields)}` : ""}`);

/**
 * The structured log of the invocation being served (see `inInvocation`); outside one, the process's console.
 *
 * @example
 * currentLog().info("Daily round: not a school day", { outcome: "notSchoolDay" })
 */
export function currentLog(): StructuredLog {
  return current.getStore() ?? processLog;
}
