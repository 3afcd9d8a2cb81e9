export * from "./reviewSchedule";
