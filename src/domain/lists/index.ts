export * from "./columns";
export * from "./listFields";
export * from "./lists";
export * from "./outcomeLists";
export * from "./referralInbox";
