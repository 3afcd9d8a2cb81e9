import type { GraphArea } from "../routing";
import { demoPeople } from "../../demo/demoTenant";
import { CalendarArea } from "./calendar";
import { DrivesArea } from "./drives";
import { MailArea } from "./mail";
import { SitesArea } from "./sites";
import { SharePointRestArea } from "./sharepointRest";
import { LocalTenantArea, type LocalTenantOptions } from "../../tenant/localTenant";
import { SubscriptionsArea, type SubscriptionTimings } from "./subscriptions";

export { CalendarArea, DrivesArea, LocalTenantArea, MailArea, SharePointRestArea, SitesArea, SubscriptionsArea };

/** The sandbox's areas, built in one place. */
export function defaultAreas(options: { subscriptionTimings?: SubscriptionTimings; tenant?: LocalTenantOptions } = {}): GraphArea[] {
  return [new SitesArea(), new MailArea(), new CalendarArea(), new SubscriptionsArea(options.subscriptionTimings), new SharePointRestArea(), new DrivesArea(), new LocalTenantArea({ people: demoPeople, ...options.tenant })];
}
