export * from "./coreGroupPorts";
export * from "./panelDirectory";
export * from "./coreGroupCard";
export * from "./coreGroupActions";
export * from "./inclusionForum";
export * from "./reminders";
export * from "./pendingCardEffects";
