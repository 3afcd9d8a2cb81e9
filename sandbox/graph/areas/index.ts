import type { GraphArea } from "../routing";
import { CalendarArea } from "./calendar";
import { MailArea } from "./mail";
import { SitesArea } from "./sites";
import { SharePointRestArea } from "./sharepointRest";
import { SubscriptionsArea, type SubscriptionTimings } from "./subscriptions";

export { CalendarArea, MailArea, SharePointRestArea, SitesArea, SubscriptionsArea };

/** The sandbox's areas, built in one place. */
export function defaultAreas(options: { subscriptionTimings?: SubscriptionTimings } = {}): GraphArea[] {
  return [new SitesArea(), new MailArea(), new CalendarArea(), new SubscriptionsArea(options.subscriptionTimings), new SharePointRestArea()];
}
