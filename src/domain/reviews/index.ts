export * from "./reviewSchedule";
export * from "./reviewChanges";
