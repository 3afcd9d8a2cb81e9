import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { runDueTermlyStatements } from "../src/workflows/reports/termlyStatements";

/**
 * Hourly (UTC): when a term has ended in the partnership's calendar (from REPORTS_TIME, UK, the next morning), each
 * school's finance contact gets its statement, once per school per term. On demand locally: POST
 * /admin/functions/termlyStatements with the master key (the latest term that has ended).
 */
export async function termlyStatementsHandler(_timer: unknown, context: InvocationContext, run = () => runDueTermlyStatements(theApp().ports.reports, theApp().now())): Promise<void> {
  return inInvocation(context, async (log) => {
    const r = await run();
    if (r.kind !== "ran") return;
    const what = `${r.sent} sent, ${r.alreadySent} already sent, ${r.failed} failed${r.noFinanceContact.length ? `, no finance contact for ${r.noFinanceContact.join(", ")}` : ""}`;
    log.info(`Termly statements, ${r.term.term} ${r.term.academicYear}: ${what}${r.problems.length ? `; ${r.problems.join("; ")}` : ""}`, { count: r.sent, outcome: r.failed ? "failed" : "ran" });
  });
}

app.timer("termlyStatements", { schedule: "0 20 * * * *", handler: termlyStatementsHandler });
