export * from "./tableStore";
export * from "./caseNumbers";
export * from "./effectLedger";
export * from "./auditTrail";
export * from "./appState";
export * from "./submissions";
export * from "./openCases";
export * from "./dailyCounts";
