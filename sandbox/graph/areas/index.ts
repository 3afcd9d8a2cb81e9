import type { GraphArea } from "../routing";
import { MailArea } from "./mail";
import { SitesArea } from "./sites";
import { SubscriptionsArea, type SubscriptionTimings } from "./subscriptions";

export { MailArea, SitesArea, SubscriptionsArea };

/** The sandbox's areas, built in one place (calendar to come with the placements work). */
export function defaultAreas(options: { subscriptionTimings?: SubscriptionTimings } = {}): GraphArea[] {
  return [new SitesArea(), new MailArea(), new SubscriptionsArea(options.subscriptionTimings)];
}
