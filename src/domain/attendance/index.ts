export * from "./session";
export * from "./codes";
export * from "./statistics";
export * from "./flags";
export * from "./suggestedCode";
export * from "./marks";
export * from "./dailyRegister";
