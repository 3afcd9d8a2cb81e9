export * from "./caseStatus";
export * from "./outcomes";
export * from "./caseReference";
export * from "./caseState";
export * from "./effects";
export * from "./decide";
export * from "./statusChange";
export * from "./caseRecord";
