import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { sweepReferralInbox } from "../src/workflows/intake/referralInbox";

/**
 * Every 10 minutes: the Referral inbox's backstop. Each Forms response the standard-licence flow left there and the
 * app has not yet taken (its notification lost, or accepted while the mailbox was over its sending limit) goes through
 * the intake again; the list's change notifications (or polling) take new ones within seconds (or a minute).
 */
export async function referralInboxSweepHandler(_timer: unknown, context: InvocationContext, sweep = () => sweepReferralInbox(theApp().ports.referralInbox)): Promise<void> {
  return inInvocation(context, async (log) => {
    const r = await sweep();
    if (r.written || r.refused || r.waiting) log.info(`Referral inbox: ${r.written} written, ${r.refused} refused, ${r.waiting} waiting`, { count: r.written + r.refused + r.waiting });
    if (r.failed) log.error(`Referral inbox: ${r.failed} item(s) failed; tried again next sweep`, { count: r.failed });
  });
}

app.timer("referralInboxSweep", { schedule: "0 5-59/10 * * * *", handler: referralInboxSweepHandler });
