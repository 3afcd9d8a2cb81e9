export * from "./attendanceBasis";
export * from "./weeklyPattern";
export * from "./placementSetUp";
