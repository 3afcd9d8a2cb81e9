export * from "./attendanceBasis";
export * from "./weeklyPattern";
export * from "./placementSetUp";
export * from "./patternEdit";
export * from "./providers";
