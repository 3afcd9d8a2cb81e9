export * from "./attendanceBasis";
export * from "./weeklyPattern";
